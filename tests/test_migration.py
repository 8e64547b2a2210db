"""`archivist migrate`: a store copied into another, SQLite to PostgreSQL and back, exactly."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

from click.testing import CliRunner

from archivist.cli import cli
from archivist.store import open_store
from archivist.store.migration import copy_store, differences
from shared_records import shared_documents


def test_migrate_copies_every_record_exactly_both_ways(shared: Path, tmp_path: Path, postgres_database: str) -> None:
    source = tmp_path / "archive.db"
    documents = shared_documents(shared)
    with open_store(source) as store:
        for document in documents:
            store.add(document)
        # A record with a history: an earlier export of it, replaced by the current one.
        earlier = copy.deepcopy(documents[0])
        earlier.source.original = earlier.source.original + b"\n"
        earlier.source.sha256 = hashlib.sha256(earlier.source.original).hexdigest()
        store.add(earlier)
        store.add(documents[0])
        assert len(store.history(documents[0].id)) == 2
        records = {id: store.stored(id) for id in store.ids()}

    result = CliRunner().invoke(cli, ["migrate", "--from", str(source), "--to", postgres_database, "--check"])

    assert result.exit_code == 0, result.output
    assert f"{len(records)} records: {len(records)} restored" in result.output
    assert "every record is the same" in result.output
    with open_store(postgres_database) as target, open_store(source) as original:
        assert target.count() == len(records)
        for id, record in records.items():
            copied = target.stored(id)
            assert copied.document.to_dict() == record.document.to_dict(), id
            assert copied.document.source.original == record.document.source.original
            assert copied.history == record.history
            assert (copied.added_at, copied.updated_at) == (record.added_at, record.updated_at)
            assert target.mentions_in([id]) == original.mentions_in([id])
        assert [c.document.id for c in target.changes(limit=1000)] == [
            c.document.id for c in original.changes(limit=1000)
        ]

    # Run again (as after a kill): nothing is copied twice.
    again = CliRunner().invoke(cli, ["migrate", "--from", str(source), "--to", postgres_database])
    assert again.exit_code == 0, again.output
    assert f"{len(records)} unchanged" in again.output

    # And back into a new SQLite file.
    back = tmp_path / "back.db"
    with open_store(postgres_database) as origin, open_store(back) as target:
        report = copy_store(origin, target)
        assert report.counts["restored"] == len(records)
        assert differences(origin, target) == []
    with open_store(source) as original, open_store(back) as target:
        assert differences(original, target) == []


def test_differences_names_what_differs(tmp_path: Path) -> None:
    from test_store import make_document

    with open_store(tmp_path / "a.db") as a, open_store(tmp_path / "b.db") as b:
        a.add(make_document("one"))
        a.add(make_document("two"))
        b.add(make_document("two", "Other bytes.\n"))
        b.add(make_document("three"))
        found = differences(a, b)
    assert found == ["three: only in the target", "one: missing from the target", "two: the record's JSON differs"]


def test_migrate_from_a_missing_file_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["migrate", "--from", str(tmp_path / "nothing.db"), "--to", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "does not exist" in result.output
