"""One exception tree for archivist. Messages say what was wrong, where, and what to do.

    ArchivistError
     ├── SourceError          a file cannot be read as a record
     │    ├── EmptyFileError        nothing in it (or only whitespace)
     │    ├── BinaryFileError       not text (NUL bytes, an image, an archive ...)
     │    ├── EncodingError         text in no encoding we can decode with confidence
     │    ├── TooLargeError         past the size limit for one record
     │    ├── UnknownFormatError    text, but no reader recognises it as an export
     │    └── TruncatedRecordError  an export cut short (a header without a body ...)
     ├── StoreError           the store cannot do what was asked
     │    ├── NotFoundError         no record with that id
     │    └── SchemaError           the store's schema is newer than this archivist
     ├── StageError           a pipeline stage failed on a document (names the stage)
     └── QueryError           a search query that cannot be read (names the problem and position)
"""

from __future__ import annotations

__all__ = [
    "ArchivistError",
    "BinaryFileError",
    "EmptyFileError",
    "EncodingError",
    "NotFoundError",
    "QueryError",
    "SchemaError",
    "SourceError",
    "StageError",
    "StoreError",
    "TooLargeError",
    "TruncatedRecordError",
    "UnknownFormatError",
]


class ArchivistError(Exception):
    """Base of every error archivist raises on purpose."""


class SourceError(ArchivistError):
    """A file could not be read as a record. `path` names the file, `reason` says why."""

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class EmptyFileError(SourceError):
    pass


class BinaryFileError(SourceError):
    pass


class EncodingError(SourceError):
    pass


class TooLargeError(SourceError):
    pass


class UnknownFormatError(SourceError):
    pass


class TruncatedRecordError(SourceError):
    pass


class StoreError(ArchivistError):
    pass


class NotFoundError(StoreError):
    pass


class SchemaError(StoreError):
    pass


class StageError(ArchivistError):
    def __init__(self, stage: str, document_id: str, reason: str):
        self.stage = stage
        self.document_id = document_id
        super().__init__(f"stage {stage!r} failed on {document_id}: {reason}")


class QueryError(ArchivistError):
    """A query that cannot be read. `position` is the offset (from 0) in `query` of the character
    where the problem is; the message names the problem and what to write instead."""

    def __init__(self, message: str, *, query: str = "", position: int = 0):
        self.message = message
        self.query = query
        self.position = position
        super().__init__(f"query: {message}")
