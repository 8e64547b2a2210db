"""JSONL: the archive's backup format, one record a line.

Each line is one record's JSON form with its original bytes, `Document.to_dict(with_original=
True)`: every field, block, footnote, annotation, mention and participant, and the file it was
read from base64-encoded under `source.original_base64`. Restoring a line gives the record
back exactly, so `archivist export --format jsonl > dump.jsonl` and `archivist ingest
dump.jsonl` into an empty store reproduce every record. Lines are UTF-8, keys in the record's
field order, no line breaks inside a line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from archivist.document import Document
from archivist.errors import SourceError

__all__ = ["is_backup", "media_type", "read", "read_path", "render", "suffix"]

media_type = "application/x-ndjson"
suffix = ".jsonl"


def render(document: Document) -> str:
    """One line (with its newline) holding `document` whole."""
    return json.dumps(document.to_dict(with_original=True), ensure_ascii=False, separators=(",", ":")) + "\n"


def is_backup(path: str | Path) -> bool:
    """Whether `path` is read as a backup rather than as an export: its name ends in `.jsonl`."""
    return str(path).lower().endswith(".jsonl")


def read(lines: Iterable[str | bytes], name: str = "<backup>") -> Iterator[Document]:
    """The records of a backup, one a line; a line that is no record raises SourceError
    naming the line, blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            line = line.decode("utf-8")
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or "id" not in data or "source" not in data:
                raise ValueError("not a record (no id or source)")
            yield Document.from_dict(data)
        except (ValueError, TypeError, KeyError) as exc:
            raise SourceError(name, f"line {number}: not a backed-up record: {exc}") from None


def read_path(path: str | Path) -> Iterator[Document]:
    """The records of the backup file at `path`, read a line at a time (a backup may be far
    larger than any one record)."""
    handle: IO[bytes]
    with open(path, "rb") as handle:
        yield from read(handle, str(path))
