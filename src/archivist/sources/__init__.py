"""Readers: one per export format. Each says whether it can read a text and turns it into a Document.

`read_bytes(path, data)` is the one entry point: it decodes the bytes (BOM, UTF-8, detected
fallback), asks each reader how sure it is, and lets the surest read. A file no reader is sure of
raises `UnknownFormatError` naming the file; a reader never guesses silently, it adds warnings to
the document for what it could not place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from archivist.document import Document, Source
from archivist.errors import TruncatedRecordError, UnknownFormatError
from archivist.sources.decoding import MAX_BYTES, decode
from archivist.sources.markdown import MarkdownReader
from archivist.sources.sections import looks_truncated
from archivist.sources.tei import TEIReader
from archivist.sources.wilson_text import WilsonTextReader

__all__ = ["MAX_BYTES", "READERS", "Reader", "decode", "read_bytes", "read_path", "read_records", "reader_named"]


class Reader(Protocol):
    name: str

    def detect(self, text: str) -> float:
        """How sure this reader is that `text` is its format: 0 (not at all) to 1."""

    def read(self, text: str, source: Source) -> Document:
        """Turn `text` (decoded from `source.original`) into a Document."""


READERS: list[Reader] = [MarkdownReader(), WilsonTextReader(), TEIReader()]

#: A reader must be at least this sure before it reads a file.
MIN_CONFIDENCE = 0.5


def reader_named(name: str) -> Reader:
    for reader in READERS:
        if reader.name == name:
            return reader
    raise KeyError(name)


def read_bytes(path: str | Path, data: bytes, max_bytes: int = MAX_BYTES) -> Document:
    """Read one export file's bytes into a Document, or raise a SourceError naming the file.

    A file holding several records (a TEI volume) gives its first here; `read_records` gives
    them all."""
    return read_records(path, data, max_bytes)[0]


def read_records(path: str | Path, data: bytes, max_bytes: int = MAX_BYTES) -> list[Document]:
    """Every record in one export file's bytes: one for a text export, one or more for TEI."""
    path = str(path)
    text, encoding, warnings = decode(data, path, max_bytes=max_bytes)
    if text.startswith("\ufeff"):
        text = text[1:]
    scored = sorted(((reader.detect(text), i, reader) for i, reader in enumerate(READERS)), key=lambda t: (-t[0], t[1]))
    confidence, _, reader = scored[0]
    if confidence < MIN_CONFIDENCE:
        if looks_truncated(text):
            raise TruncatedRecordError(
                path, "opens like an archive export (a dated first line) but has no Citation, Summary or Contents: truncated?"
            )
        raise UnknownFormatError(
            path,
            "not a recognised archive export (no Citation/Summary/Contents labels or dated title); "
            f"readers available: {', '.join(r.name for r in READERS)}",
        )
    source = Source.of(path, data, reader.name, encoding)
    read_all = getattr(reader, "read_all", None)
    documents = read_all(text, source) if read_all is not None else [reader.read(text, source)]
    for document in documents:
        document.warnings[:0] = [f"{Path(path).name}: {w}" for w in warnings]
    return documents


def read_path(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    path = Path(path)
    return read_bytes(path, path.read_bytes(), max_bytes=max_bytes)
