"""The storage interface. SQLite implements it as the embedded default, PostgreSQL as the
server store.

A store keeps every record's JSON form and the original bytes of the file it was read from,
and a history of the sha256 of earlier versions. `add` is idempotent and atomic: it writes one
record wholly or not at all.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Iterator

from archivist.document import Document
from archivist.errors import NotFoundError

__all__ = [
    "AddResult",
    "Change",
    "HistoryEntry",
    "MentionRow",
    "PersonCount",
    "RecordSummary",
    "Stamp",
    "Store",
    "StoredRecord",
    "Version",
]


@dataclass(frozen=True)
class AddResult:
    """What `Store.add` did: `action` is "added", "unchanged" or "updated"."""

    id: str
    action: str
    previous_sha256: str | None = None


@dataclass(frozen=True)
class RecordSummary:
    id: str
    date: str | None
    title: str | None
    format: str
    sha256: str


@dataclass(frozen=True)
class Change:
    """A record as it was added or last replaced, numbered in the order the store committed it.

    `seq` only grows, so a reader that derives data from the store (the search index) keeps the
    last `seq` it has taken in as its watermark and asks for what came after. `document` comes
    without its original bytes: derived data never needs them.
    """

    seq: int
    document: Document


@dataclass(frozen=True)
class PersonCount:
    """A person and how often the stored records mention them."""

    authority_id: str
    name: str
    mentions: int
    documents: int


@dataclass(frozen=True)
class MentionRow:
    document_id: str
    kind: str
    authority_id: str | None
    canonical: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Stamp:
    """A record's id and when it was last added or replaced (ISO 8601 UTC, `...Z`), or None
    for a store that keeps no change times."""

    id: str
    changed_at: str | None


@dataclass(frozen=True)
class HistoryEntry:
    sha256: str
    path: str
    replaced_at: str


@dataclass(frozen=True)
class Version:
    """An earlier version of a record: its history entry and the bytes it was read from."""

    entry: HistoryEntry
    original: bytes


@dataclass(frozen=True)
class StoredRecord:
    """Everything a store keeps of one record, as `archivist migrate` copies it: the record
    with its original bytes, when it was added and last changed, and its earlier versions."""

    document: Document
    added_at: str
    updated_at: str
    history: tuple[Version, ...] = ()


class Store(abc.ABC):
    """A place that keeps records. Use as a context manager, or call `close()`."""

    @abc.abstractmethod
    def add(self, document: Document) -> AddResult:
        """Store `document` in one transaction.

        Same id and same sha256 as stored: nothing changes ("unchanged"). Same id, other sha256:
        the record is replaced and the old sha256 goes into its history ("updated").
        """

    @abc.abstractmethod
    def get(self, id: str) -> Document:
        """The record with this id, original bytes included; NotFoundError if there is none."""

    @abc.abstractmethod
    def original(self, id: str) -> bytes:
        """The original bytes of the file the record was read from, byte for byte."""

    def sha256_of(self, id: str) -> str | None:
        """The sha256 of the record's stored original, or None if there is no such record.

        Lets an ingest skip enriching a file the store already holds as it is; a store can
        answer it far more cheaply than `get`.
        """
        try:
            return self.get(id).source.sha256
        except NotFoundError:
            return None

    @abc.abstractmethod
    def save(self, document: Document) -> None:
        """Write back a stored record enriched again (same original bytes), in one transaction;
        it goes into the change feed like any change, with no history entry."""

    def save_many(self, documents: Sequence[Document], *, enrichment: str | None = None) -> int:
        """Write back several re-enriched records in one transaction; how many changed.

        With `enrichment` (a fingerprint of the pipeline that enriched them), each record is
        noted as enriched with it, and one whose JSON is already what is stored is left as it
        is, out of the change feed: a run repeated after a kill writes nothing twice.
        """
        for document in documents:
            self.save(document)
        return len(documents)

    def stale(self, enrichment: str) -> list[str]:
        """Ids of the records not yet enriched with `enrichment`, or whose bytes changed since."""
        return sorted(self.ids())

    def stored(self, id: str) -> StoredRecord:
        """The record with everything the store keeps of it; NotFoundError if there is none."""
        raise NotImplementedError(f"{type(self).__name__} cannot give its records for copying")

    def restore(self, record: StoredRecord) -> str:
        """Store `record` exactly as given (JSON, bytes, times, history) in one transaction,
        replacing a record of the same id: "restored", "replaced", or "unchanged" when it is
        already held exactly so."""
        raise NotImplementedError(f"{type(self).__name__} cannot take records copied from another store")

    @abc.abstractmethod
    def persons(self, prefix: str | None = None, limit: int = 100, offset: int = 0) -> list[PersonCount]:
        """Persons mentioned in the records, most mentioned first; `prefix` filters by name."""

    @abc.abstractmethod
    def mentions_of(self, authority_id: str) -> list[MentionRow]:
        """Every mention linked to this authority id, by record and position."""

    @abc.abstractmethod
    def mentions_in(self, document_ids: list[str]) -> list[MentionRow]:
        """Every mention in these records, by record and position."""

    @abc.abstractmethod
    def history(self, id: str) -> list[HistoryEntry]:
        """Earlier versions' sha256, oldest first."""

    @abc.abstractmethod
    def list(self, limit: int | None = None, offset: int = 0) -> list[RecordSummary]:
        """Records ordered by date (undated last), then id."""

    @abc.abstractmethod
    def ids(self) -> Iterator[str]:
        """Every record id."""

    @abc.abstractmethod
    def count(self) -> int:
        """How many records the store holds."""

    @abc.abstractmethod
    def changes(self, after: int = 0, limit: int = 1000) -> list[Change]:
        """Up to `limit` records added or replaced after change number `after`, in commit order.

        A record replaced twice appears once, at its latest number.
        """

    @abc.abstractmethod
    def last_change(self) -> int:
        """The number of the latest change (0 for an empty store): what `changes` counts up to."""

    def changed_at(self, id: str) -> str | None:
        """When the record was last added, replaced or re-enriched (ISO 8601 UTC), None if the
        store does not keep it; NotFoundError if there is no such record."""
        self.get(id)
        return None

    def stamps(
        self, *, since: str | None = None, until: str | None = None, after: str = "", limit: int = 1000
    ) -> list[Stamp]:
        """Up to `limit` records, ordered by id, whose id sorts after `after` and whose change
        time lies within `since` and `until` (ISO 8601 strings, both inclusive). Harvesters
        (OAI-PMH) page through a store with it. A record whose change time is unknown is
        left out of a bounded request."""
        found: list[Stamp] = []
        for record_id in sorted(self.ids()):
            if record_id <= after:
                continue
            changed = self.changed_at(record_id)
            if since is not None or until is not None:
                if changed is None or (since is not None and changed < since) or (until is not None and changed > until):
                    continue
            found.append(Stamp(record_id, changed))
            if len(found) >= limit:
                break
        return found

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
