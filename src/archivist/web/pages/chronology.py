"""The archive in date order, for a record's previous and next.

The store lists records by date (undated last), then id; a reader's "previous" and "next" are
a record's neighbours in that list. The list is read once and kept until the store changes
(its last change number moves), so a page view costs a dictionary lookup, not a scan.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from archivist.store.base import RecordSummary, Store

__all__ = ["Chronology", "Neighbours"]


@dataclass(frozen=True)
class Neighbours:
    previous: RecordSummary | None
    next: RecordSummary | None


class Chronology:
    """Every record's place in date order, refreshed when the store has changed."""

    def __init__(self, store: Store):
        self._store = store
        self._lock = threading.Lock()
        self._seen = -1
        self._records: list[RecordSummary] = []
        self._places: dict[str, int] = {}

    def _current(self) -> tuple[list[RecordSummary], dict[str, int]]:
        last = self._store.last_change()
        with self._lock:
            if last != self._seen:
                records = self._store.list()
                self._records = records
                self._places = {record.id: place for place, record in enumerate(records)}
                self._seen = last
            return self._records, self._places

    def neighbours(self, record_id: str) -> Neighbours:
        records, places = self._current()
        place = places.get(record_id)
        if place is None:
            return Neighbours(None, None)
        return Neighbours(
            records[place - 1] if place > 0 else None,
            records[place + 1] if place + 1 < len(records) else None,
        )
