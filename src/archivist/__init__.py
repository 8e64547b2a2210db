"""archivist: a digital archive for translated historical primary sources.

Read an export, enrich it, keep it:

    >>> from archivist import read_path, pipeline, open_store
    >>> document = pipeline.run(read_path("samples/frus1955-57v23p2-d2.txt"))
    >>> with open_store("archive.db") as store:
    ...     store.add(document)
"""

from __future__ import annotations

from archivist import pipeline
from archivist.document import (
    Annotation,
    Block,
    CitationParts,
    DateValue,
    Document,
    Footnote,
    Mention,
    Participant,
    Provenance,
    Source,
)
from archivist.errors import ArchivistError, SourceError, StoreError
from archivist.sources import read_bytes, read_path

__all__ = [
    "Annotation",
    "ArchivistError",
    "Block",
    "CitationParts",
    "DateValue",
    "Document",
    "Footnote",
    "Mention",
    "Participant",
    "Provenance",
    "Source",
    "SourceError",
    "StoreError",
    "open_store",
    "pipeline",
    "read_bytes",
    "read_path",
]

__version__ = "0.1.0"


def open_store(url: str):
    """Open the store at a path (SQLite) or URL; see `archivist.store.open_store`."""
    from archivist.store import open_store as _open

    return _open(url)
