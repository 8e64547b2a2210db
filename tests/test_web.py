"""The web app's frame: the record list at `/records`, `/health`, an empty archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from archivist.collection import ingest
from archivist.store import open_store
from archivist.web import create_app

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
HOSTILE = "<script>alert('archivist')</script>"


def _archive(db: Path, paths: list[Path]) -> Path:
    with open_store(db) as store:
        report = ingest(paths, store)
    assert report.ok, [(r.path, r.reason) for r in report.failed]
    return db


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _archive(tmp_path_factory.mktemp("web") / "archive.db", SAMPLE_FILES)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of one sample whose title carries a script tag."""
    folder = tmp_path_factory.mktemp("hostile")
    text = SAMPLE_FILES[0].read_text(encoding="utf-8")
    first_word = "Memorandum"
    assert first_word in text
    path = folder / SAMPLE_FILES[0].name
    # The title is printed twice (heading and citation); both carry the tag so the readers
    # cannot prefer a clean copy.
    path.write_text(text.replace(first_word, f"{first_word} {HOSTILE}"), encoding="utf-8")
    return _archive(folder / "archive.db", [path])


def test_index_lists_every_record(db: Path) -> None:
    with open_store(db) as store:
        records = store.list()
    assert len(records) == len(SAMPLE_FILES)
    with TestClient(create_app(db)) as client:
        response = client.get("/records")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for record in records:
        assert record.title
        assert str(escape(record.title)) in response.text
        assert record.id in response.text


def test_index_escapes_titles(hostile_db: Path) -> None:
    with open_store(hostile_db) as store:
        (record,) = store.list()
    assert HOSTILE in record.title
    with TestClient(create_app(hostile_db)) as client:
        response = client.get("/records")
    assert response.status_code == 200
    assert HOSTILE not in response.text
    # The page's own scripts carry attributes; the record's bare tag must not come through.
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_health_counts_records(db: Path) -> None:
    with TestClient(create_app(db)) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "records": len(SAMPLE_FILES)}


def test_an_empty_archive_says_so(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "empty.db")) as client:
        assert client.get("/health").json() == {"status": "ok", "records": 0}
        assert "archive is empty" in client.get("/").text
        assert "archive is empty" in client.get("/records").text
