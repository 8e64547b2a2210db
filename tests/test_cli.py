"""The `archivist` command, through click's runner and once as the installed console script."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archivist import pipeline
from archivist.cli import cli

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))

RECORD_KEYS = {
    "id", "title", "date", "citation", "url", "provenance", "summary", "credits",
    "original_language", "contents_language", "translators", "document_type", "classification",
    "place", "dateline", "drafter", "signer", "text", "blocks", "footnotes", "annotations",
    "mentions", "participants", "source", "warnings",
}
DATE_KEYS = {"edtf", "earliest", "latest", "original"}
PROVENANCE_KEYS = {"raw", "archive", "repository", "collection", "series", "file", "pages"}
SOURCE_KEYS = {"path", "sha256", "format", "bytes"}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("archivist: error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="module")
def first_ingest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    db = tmp_path_factory.mktemp("cli") / "archive.db"
    return db, run("ingest", str(SAMPLES), "--db", str(db))


@pytest.fixture(scope="module")
def db(first_ingest: tuple[Path, Result]) -> Path:
    return first_ingest[0]


@pytest.fixture(scope="module")
def ids(db: Path) -> list[str]:
    return [record["id"] for record in json.loads(run("list", "--db", str(db), "--json").stdout)]


def test_samples_are_there() -> None:
    assert len(SAMPLE_FILES) == 6


def test_ingest_prints_the_summary_and_exits_0(first_ingest: tuple[Path, Result]) -> None:
    db, result = first_ingest
    assert result.exit_code == 0, result.output
    assert re.search(r"added\D+6\b", result.stdout)
    assert re.search(r"failed\D+0\b", result.stdout)
    assert db.exists()


def test_ingest_again_leaves_everything_unchanged(db: Path) -> None:
    result = run("ingest", str(SAMPLES), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert re.search(r"unchanged\D+6\b", result.stdout)
    assert re.search(r"added\D+0\b", result.stdout)


def test_ingest_lists_a_failed_file_with_its_reason_and_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("ingest", str(SAMPLE_FILES[0]), str(empty), "--db", str(tmp_path / "a.db"))
    assert result.exit_code == 1
    assert "empty.txt" in result.stdout and "empty" in result.stdout
    assert re.search(r"added\D+1\b", result.stdout)
    assert "Traceback" not in result.output


def test_list_shows_every_record(db: Path, ids: list[str]) -> None:
    assert len(ids) == 6
    result = run("list", "--db", str(db))
    assert result.exit_code == 0
    for record_id in ids:
        assert record_id in result.stdout


def test_show_json_has_every_documented_key(db: Path, ids: list[str]) -> None:
    result = run("show", ids[0], "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert RECORD_KEYS <= record.keys()
    assert DATE_KEYS <= record["date"].keys()
    assert PROVENANCE_KEYS <= record["provenance"].keys()
    assert SOURCE_KEYS <= record["source"].keys()
    assert record["id"] == ids[0]
    # ensure_ascii=False: the en dash of "1955–1957" is printed as itself.
    assert "1955–1957" in result.stdout


def test_show_prints_metadata_then_text(db: Path, ids: list[str]) -> None:
    result = run("show", ids[0], "--db", str(db))
    assert result.exit_code == 0, result.output
    record = json.loads(run("show", ids[0], "--db", str(db), "--json").stdout)
    assert record["title"] in result.stdout
    assert result.stdout.rstrip().endswith(record["text"].rstrip().splitlines()[-1])


def test_stages_lists_the_pipeline_in_order() -> None:
    result = run("stages")
    assert result.exit_code == 0
    names = [s.name for s in pipeline.stages()]
    assert names
    # Rows of the table: "│ 1 │ citation │ ...", wrapped lines have no number.
    rows = re.findall(r"^\W*(\d+)\W+([a-z_]+)", result.stdout, flags=re.MULTILINE)
    assert rows == [(str(n), name) for n, name in enumerate(names, start=1)]


def test_export_original_gives_identical_bytes(db: Path, ids: list[str], tmp_path: Path) -> None:
    for record_id in ids:
        source = json.loads(run("show", record_id, "--db", str(db), "--json").stdout)["source"]
        original = Path(source["path"]).read_bytes()
        result = run("export-original", record_id, "--db", str(db))
        assert result.exit_code == 0
        assert result.stdout_bytes == original
        out = tmp_path / f"{record_id}.txt"
        assert run("export-original", record_id, "--db", str(db), "-o", str(out)).exit_code == 0
        assert out.read_bytes() == original


def test_unknown_id_is_one_line_and_exit_1(db: Path) -> None:
    for command in ("show", "export-original"):
        assert_one_line_error(run(command, "no-such-record", "--db", str(db)), "no-such-record")


@pytest.mark.parametrize("command", ["show", "export-original"])
def test_missing_database_is_an_error_not_a_new_archive(command: str, tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    assert_one_line_error(run(command, "any-id", "--db", str(db)), "does not exist")
    assert not db.exists()


def test_missing_database_for_list(tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    assert_one_line_error(run("list", "--db", str(db)), "does not exist")
    assert not db.exists()


def test_db_comes_from_the_environment(db: Path, ids: list[str]) -> None:
    result = CliRunner(env={"ARCHIVIST_DB": str(db)}).invoke(cli, ["show", ids[0], "--json"])
    assert result.exit_code == 0, result.output


def test_a_bad_setting_in_the_environment_is_one_line(tmp_path: Path) -> None:
    result = CliRunner(env={"ARCHIVIST_MAX_FILE_BYTES": "lots"}).invoke(
        cli, ["ingest", str(SAMPLE_FILES[0]), "--db", str(tmp_path / "a.db")]
    )
    assert_one_line_error(result, "ARCHIVIST_MAX_FILE_BYTES")


@pytest.mark.parametrize("command", [None, *sorted(cli.commands)])
def test_every_help_ends_with_an_example(command: str | None) -> None:
    result = run(*([command] if command else []), "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].strip().startswith("archivist ")


def test_the_installed_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("archivist")
    assert script.exists(), f"{script} is missing: install the package (pip install -e .)"
    db = str(tmp_path / "archive.db")
    ingest = subprocess.run([script, "ingest", str(SAMPLES), "--db", db], capture_output=True, text=True)
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    listed = subprocess.run([script, "list", "--db", db, "--json"], capture_output=True, text=True)
    assert listed.returncode == 0
    record_id = json.loads(listed.stdout)[0]["id"]
    shown = subprocess.run(
        [script, "show", record_id, "--db", db, "--json"], capture_output=True, encoding="utf-8"
    )
    assert json.loads(shown.stdout)["id"] == record_id
    missing = subprocess.run([script, "show", "no-such-record", "--db", db], capture_output=True, text=True)
    assert missing.returncode == 1
    assert missing.stderr.strip().startswith("archivist: error: ")
    assert len(missing.stderr.strip().splitlines()) == 1
    assert "Traceback" not in missing.stderr
