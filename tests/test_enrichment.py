"""Enriching stored records again: in this process and on a Dask LocalCluster, resumable, with
one record's failure reported and the rest enriched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivist import enrichment
from archivist.cli import cli
from archivist.enrichment import enrich, enrich_partition
from archivist.store import open_store
from shared_records import shared_documents


@pytest.fixture(autouse=True)
def one_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint of the code as it is now: the same for the whole test even while the
    package's files are being edited beside it."""
    fixed = enrichment.fingerprint()
    monkeypatch.setattr(enrichment, "fingerprint", lambda: fixed)


def stored(shared: Path, location: str, count: int) -> list[str]:
    """The `count` shortest records of ../shared in the store at `location`; their ids."""
    documents = sorted(shared_documents(shared), key=lambda d: (len(d.text), d.id))[:count]
    with open_store(location) as store:
        for document in documents:
            store.add(document)
    return [d.id for d in documents]


def test_a_run_enriches_every_record_once_and_a_second_run_skips_them(shared: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "archive.db")
    ids = stored(shared, db, 4)
    with open_store(db) as store:
        before = store.last_change()

    report = enrich(db, partition_size=3)

    assert (report.records, report.skipped, report.partitions, report.failures) == (4, 0, 2, [])
    assert report.written == 0, "the records were enriched by the same pipeline at ingest: nothing to write"
    with open_store(db) as store:
        assert store.stale(enrichment.fingerprint()) == []
        assert store.last_change() == before
    again = enrich(db)
    assert (again.skipped, again.partitions, again.enriched) == (4, 0, 0)
    assert enrich(db, force=True).enriched == len(ids)


def test_one_failing_record_is_reported_and_the_rest_go_on(shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "archive.db")
    ids = stored(shared, db, 3)
    original = enrichment.pipeline.run

    def failing(document):
        if document.id == ids[1]:
            raise RuntimeError("the authority file is unreadable")
        return original(document)

    monkeypatch.setattr(enrichment.pipeline, "run", failing)
    report = enrich(db)
    assert [f.id for f in report.failures] == [ids[1]]
    assert "the authority file is unreadable" in report.failures[0].reason
    assert report.enriched == 2 and not report.ok

    # Run again once the cause is gone: only the failed record is left to do.
    monkeypatch.setattr(enrichment.pipeline, "run", original)
    again = enrich(db)
    assert (again.skipped, again.enriched, again.failures) == (2, 1, [])


def test_a_run_stopped_part_way_is_finished_without_writing_anything_twice(shared: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "archive.db")
    ids = stored(shared, db, 4)
    with open_store(db) as store:
        # A changed stage: the stored records differ from what the pipeline now gives.
        for id in ids:
            document = store.get(id)
            document.warnings.append("enriched by an older archivist")
            store.save(document)
        before = store.last_change()
        # The first partition was written back before the run was killed.
        first = enrich_partition(store, ids[:2], enrichment.fingerprint())
        assert first.written == 2

    report = enrich(db, relink=False)

    assert (report.skipped, report.enriched, report.written) == (2, 2, 2)
    with open_store(db) as store:
        changes = store.changes(after=before)
        assert sorted(c.document.id for c in changes) == sorted(ids), "each record once in the change feed"
        assert all("enriched by an older archivist" not in store.get(id).warnings for id in ids)


def test_enrich_on_a_local_dask_cluster(shared: Path, postgres_database: str) -> None:
    ids = stored(shared, postgres_database, 3)
    with open_store(postgres_database) as store:
        document = store.get(ids[0])
        document.warnings.append("enriched by an older archivist")
        store.save(document)
    seen: list[str] = []
    links: list[tuple[int, int]] = []

    report = enrich(postgres_database, workers=1, partition_size=2, on_partition=lambda r: seen.append(r.worker),
                    on_link=lambda done, total: links.append((done, total)))

    assert (report.records, report.partitions, report.written, report.failures) == (3, 2, 1, [])
    assert len(seen) == 2 and all(not w.endswith(f":{os.getpid()}") for w in seen), "enriched in a worker, not here"
    assert report.seconds["cluster"] > 0 and "relink" in report.seconds, "linked on the cluster too"
    assert links[-1] == (4, 4), "two rounds of two tasks"
    with open_store(postgres_database) as store:
        assert "enriched by an older archivist" not in store.get(ids[0]).warnings
        assert store.stale(enrichment.fingerprint()) == []
        # Linked on the workers as the single process links: nothing left to change.
        from archivist.people import relink

        assert relink(store) == 0


def test_enrich_from_the_command_line(shared: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "archive.db")
    stored(shared, db, 2)

    result = CliRunner().invoke(cli, ["enrich", "--db", db, "--force"])

    assert result.exit_code == 0, result.output
    assert "2 records: 2 enriched (0 changed), 0 already enriched, 0 failed" in result.output
    again = CliRunner().invoke(cli, ["enrich", "--db", db])
    assert "2 already enriched" in again.output
