"""The records of ../shared read once per test run, and TEI validation with jing.

Reading and enriching the 48 records takes seconds; the export, TEI, JSONL and OAI tests all
need them, so they are read once and each test gets its own copies.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from archivist import pipeline
from archivist.document import Document
from archivist.sources import read_path
from archivist.store import open_store

FRUS = Path("corpus") / "frus-korea-1955-57"
SEEDS = Path("corpus") / "seeds"
SCHEMA = Path("schemas") / "tei_all.rng"


def record_paths(shared: Path) -> list[Path]:
    """Both seeds and all 46 FRUS text records."""
    return sorted((shared / SEEDS).glob("*.txt")) + sorted((shared / FRUS).glob("*.txt"))


@lru_cache(maxsize=2)
def _documents(shared: str) -> tuple[Document, ...]:
    return tuple(pipeline.run(read_path(path)) for path in record_paths(Path(shared)))


def shared_documents(shared: Path) -> list[Document]:
    """Every record of ../shared, enriched, as fresh copies a test may change."""
    return [copy.deepcopy(d) for d in _documents(str(shared))]


def shared_store(shared: Path, db: Path) -> Path:
    """A store at `db` holding every record of ../shared."""
    with open_store(db) as store:
        for document in shared_documents(shared):
            store.add(document)
    return db


def require_jing() -> str:
    """The jing command. Missing, it fails the test under CI (`make test` installs it) and
    skips it on a developer's machine."""
    found = shutil.which("jing")
    if found is None:
        message = "jing is not installed: apt-get install -y --no-install-recommends jing (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def jing(shared: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    """jing's verdict on `files` against TEI-all, all in one run (starting Java is the cost)."""
    return subprocess.run(
        [require_jing(), str(shared / SCHEMA), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def enrich(document: Document) -> Document:
    """The pipeline without linking people, the one slow stage: for tests that compare what
    the record says (title, dates, provenance, footnotes, participants), not who it names."""
    return pipeline.run(document, [s for s in pipeline.stages() if s.name != "people"])
