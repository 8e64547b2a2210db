"""Copying a whole store into another: `archivist migrate --from archive.db --to postgresql://...`.

Every record goes across as the source keeps it: its JSON, its original bytes, when it was
added and last changed, and the earlier versions in its history with their bytes. Records are
copied in the source's change order, each in one transaction of the target, so the target's
change feed lists them in the same order and a copy killed half-way is finished by running it
again: records already copied exactly come back "unchanged".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from archivist.errors import NotFoundError
from archivist.store.base import Store

__all__ = ["CopyReport", "copy_store", "differences"]

#: Records read from the source's change feed at a time.
BATCH = 500


@dataclass
class CopyReport:
    """How many records were restored (new to the target), replaced (the target held another
    form of them) or unchanged (already copied exactly)."""

    counts: dict[str, int] = field(default_factory=lambda: {"restored": 0, "replaced": 0, "unchanged": 0})

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        tallies = ", ".join(f"{n:,} {action}" for action, n in self.counts.items())
        return f"{self.total:,} records: {tallies}"


def copy_store(source: Store, target: Store, *, on_record: Callable[[str, str], None] | None = None) -> CopyReport:
    """Copy every record of `source` into `target`; `on_record(id, action)` after each."""
    report = CopyReport()
    after = 0
    while True:
        changes = source.changes(after=after, limit=BATCH)
        if not changes:
            return report
        for change in changes:
            after = change.seq
            try:
                record = source.stored(change.document.id)
            except NotFoundError:
                continue  # replaced or removed while the copy ran; its new form comes later
            action = target.restore(record)
            report.counts[action] += 1
            if on_record is not None:
                on_record(record.document.id, action)


def differences(source: Store, target: Store, *, limit: int = 10) -> list[str]:
    """What differs between the records of two stores, one line each (empty when the target
    holds every record of the source exactly and nothing else); at most `limit` lines."""
    found: list[str] = []
    source_ids = list(source.ids())
    extra = set(target.ids()) - set(source_ids)
    found += [f"{id}: only in the target" for id in sorted(extra)[:limit]]
    for id in source_ids:
        if len(found) >= limit:
            break
        try:
            copied = target.stored(id)
        except NotFoundError:
            found.append(f"{id}: missing from the target")
            continue
        kept = source.stored(id)
        if copied.document.to_dict() != kept.document.to_dict():
            found.append(f"{id}: the record's JSON differs")
        elif copied.document.source.original != kept.document.source.original:
            found.append(f"{id}: the original bytes differ")
        elif copied != kept:
            found.append(f"{id}: its times or history differ")
    return found[:limit]
