"""The JSONL backup: `archivist export --format jsonl` and `archivist ingest dump.jsonl` into
an empty archive give back every record exactly, annotations, mentions and original bytes
included."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivist import collection
from archivist.cli import cli
from archivist.errors import SourceError
from archivist.export import jsonl
from archivist.store import open_store
from shared_records import shared_documents, shared_store


@pytest.fixture(scope="module")
def archive(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_store(shared, tmp_path_factory.mktemp("backup") / "x.db")


def test_export_then_ingest_reproduces_every_record_exactly(archive: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    exported = runner.invoke(cli, ["export", "--format", "jsonl", "--db", str(archive)])
    assert exported.exit_code == 0, exported.output
    dump = tmp_path / "dump.jsonl"
    dump.write_text(exported.output, encoding="utf-8")
    lines = exported.output.splitlines()
    assert len(lines) == 48
    first = json.loads(lines[0])
    assert base64.b64decode(first["source"]["original_base64"])

    restored = tmp_path / "y.db"
    ingested = runner.invoke(cli, ["ingest", str(dump), "--db", str(restored)])
    assert ingested.exit_code == 0, ingested.output
    with open_store(archive) as before, open_store(restored) as after:
        ids = sorted(before.ids())
        assert sorted(after.ids()) == ids
        for record_id in ids:
            original, copy = before.get(record_id), after.get(record_id)
            assert copy.to_dict(with_original=True) == original.to_dict(with_original=True)
            assert copy.annotations and copy.annotations == original.annotations
            assert copy.mentions == original.mentions
            assert after.original(record_id) == before.original(record_id)
    # Restoring the same backup again changes nothing.
    again = runner.invoke(cli, ["ingest", str(dump), "--db", str(restored)])
    assert again.exit_code == 0 and "unchanged" in again.output


def test_export_to_a_file_and_a_selection(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "two.jsonl"
    result = CliRunner().invoke(
        cli, ["export", "wilson-117838", "frus1955-57v23p2-d2", "--format", "jsonl", "-o", str(out), "--db", str(archive)]
    )
    assert result.exit_code == 0, result.output
    assert [d.id for d in jsonl.read_path(out)] == ["wilson-117838", "frus1955-57v23p2-d2"]


def test_a_backup_is_not_held_to_the_size_limit_of_one_record(shared: Path, tmp_path: Path) -> None:
    dump = tmp_path / "all.jsonl"
    dump.write_text("".join(jsonl.render(d) for d in shared_documents(shared)), encoding="utf-8")
    with open_store(tmp_path / "z.db") as store:
        report = collection.ingest([dump], store, max_bytes=1000)
        assert report.counts["added"] == 48
        assert all(r.restored for r in report.results)


def test_a_broken_line_is_reported_with_its_number(shared: Path, tmp_path: Path) -> None:
    document = shared_documents(shared)[0]
    dump = tmp_path / "broken.jsonl"
    dump.write_text(jsonl.render(document) + "\n{not json\n", encoding="utf-8")
    with open_store(tmp_path / "b.db") as store:
        report = collection.ingest([dump], store)
    assert [r.action for r in report.results] == ["added", "failed"]
    assert "line 3" in report.results[1].reason
    with pytest.raises(SourceError, match="line 1: not a backed-up record"):
        list(jsonl.read(['{"title": "no id"}']))


def test_is_backup() -> None:
    assert jsonl.is_backup("dump.jsonl") and jsonl.is_backup("DUMP.JSONL")
    assert not jsonl.is_backup("record.txt")


def test_a_records_json_is_what_dataclasses_asdict_gives_for_every_shared_record(shared: Path) -> None:
    from dataclasses import asdict

    for document in shared_documents(shared):
        expected = asdict(document)
        expected["source"].pop("original")
        data = document.to_dict()
        assert data == expected, document.id
        assert json.dumps(data) == json.dumps(expected), document.id
        # Built anew: changing the JSON leaves the record as it was.
        data["blocks"].clear()
        assert document.blocks
