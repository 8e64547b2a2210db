"""Ingesting a collection: bad files fail alone, good ones land whole, a killed run resumes."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from archivist import collection, pipeline
from archivist.collection import FileResult, files, ingest
from archivist.errors import StageError
from archivist.store import SQLiteStore

SRC = Path(__file__).resolve().parents[1] / "src"
SEED_003 = "corpus/seeds/003_e4b9aa738285bd60.txt"
FRUS = "corpus/frus-korea-1955-57"
RUSSIAN = "Мао Цзэдун и делегация КПСС обменялись мнениями о положении в Корее и визите Ким Ир Сена."


def frus(shared: Path, number: int) -> bytes:
    return (shared / FRUS / f"frus1955-57v23p2-d{number}.txt").read_bytes()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def store(tmp_path: Path):
    with SQLiteStore(tmp_path / "archive.db") as opened:
        yield opened


@pytest.fixture
def bad_folder(shared: Path, tmp_path: Path) -> Path:
    """A folder of what arrives in practice: good exports in odd encodings beside junk."""
    folder = tmp_path / "incoming"
    noise = random.Random(1957)
    write(folder / "scan.png", b"\x89PNG\r\n\x1a\n" + noise.randbytes(4096))
    write(folder / "empty.txt", b"")
    write(folder / "blank.txt", b"   \n\n\t  \r\n")

    seed = (shared / SEED_003).read_text(encoding="utf-8")
    summary_end = "a potential visit by Kim Il Sung to the PRC."
    assert summary_end in seed
    russian = seed.replace(summary_end, f"{summary_end} {RUSSIAN}", 1)
    write(folder / "russian-cp1251.txt", russian.encode("cp1251"))

    write(folder / "word-utf16.txt", frus(shared, 11).decode("utf-8").encode("utf-16"))

    record = frus(shared, 13)
    middle = len(record) // 2
    write(folder / "nul-bytes.txt", record[:middle] + b"\x00\x00\x00\x00" + record[middle:])
    write(folder / "truncated.txt", frus(shared, 14)[:40])

    # A real record repeated past the limit: text that would read, were it not so large.
    one = frus(shared, 15)
    write(folder / "huge.txt", one * (50 * 1024 * 1024 // len(one) + 1))

    write(
        folder / "notes.txt",
        b"About this folder\n\nThese are the files we collected for the Korea project. Most of them "
        b"came from the reading room; ask Anna before deleting anything. The scans are still to come.\n",
    )
    write(folder / "copies" / "a.txt", frus(shared, 12))
    write(folder / "copies" / "b.txt", frus(shared, 12))
    # Hidden files and folders are another program's business, never records.
    write(folder / ".DS_Store", b"\x00\x00\x00\x01Bud1")
    write(folder / ".git" / "HEAD", b"ref: refs/heads/main\n")
    write(folder / "README.md", b"# Korea exports\n\nCollected for the project.\n")
    return folder


def test_bad_files_fail_alone_and_good_ones_land(
    shared: Path, tmp_path: Path, store: SQLiteStore, bad_folder: Path, monkeypatch: pytest.MonkeyPatch
):
    earlier_file = write(tmp_path / "earlier" / "d10.txt", frus(shared, 10))
    first = ingest([earlier_file.parent], store)
    assert first.ok and [r.action for r in first.results] == ["added"]
    earlier_id = first.results[0].id
    earlier = store.get(earlier_id).to_dict()

    seen: list[tuple[Path, FileResult]] = []
    report = ingest([bad_folder], store, on_file=lambda path, result: seen.append((path, result)))

    by_name = {Path(r.path).relative_to(bad_folder).as_posix(): r for r in report.results}
    assert sorted(by_name) == sorted(
        [
            "blank.txt", "copies/a.txt", "copies/b.txt", "empty.txt", "huge.txt", "notes.txt",
            "nul-bytes.txt", "russian-cp1251.txt", "scan.png", "truncated.txt", "word-utf16.txt",
        ]
    ), "hidden files and folders and the folder's README are skipped"
    assert [p for p, _ in seen] == list(files([bad_folder])) == [Path(r.path) for r in report.results]
    assert [r for _, r in seen] == report.results

    assert not report.ok
    failed = {Path(r.path).name: r.reason for r in report.failed}
    assert sorted(failed) == [
        "blank.txt", "empty.txt", "huge.txt", "notes.txt", "nul-bytes.txt", "scan.png", "truncated.txt",
    ]
    for name, reason in failed.items():
        assert reason and "\n" not in reason, name
    assert "PNG" in failed["scan.png"]
    assert "empty" in failed["empty.txt"]
    assert "whitespace" in failed["blank.txt"]
    assert "NUL byte" in failed["nul-bytes.txt"]
    assert "limit" in failed["huge.txt"]
    assert "export" in failed["notes.txt"]
    assert "export" in failed["truncated.txt"]

    assert [Path(r.path).name for r in report.added] == ["a.txt", "russian-cp1251.txt", "word-utf16.txt"]
    [duplicate] = report.unchanged
    assert (Path(duplicate.path).name, duplicate.id) == ("b.txt", by_name["copies/a.txt"].id)
    assert duplicate.duplicate_of == str(bad_folder / "copies" / "a.txt")
    assert report.counts == {"added": 3, "updated": 0, "unchanged": 1, "failed": 7}
    assert report.summary() == "11 files: 3 added, 0 updated, 1 unchanged, 7 failed"
    json.dumps(report.to_dict())

    russian = store.get(by_name["russian-cp1251.txt"].id)
    assert russian.source.encoding == "cp1251"
    assert RUSSIAN in russian.text
    assert "обменялись" in (russian.summary or "")
    assert any("cp1251" in w for w in russian.warnings), russian.warnings
    assert russian.source.original == (bad_folder / "russian-cp1251.txt").read_bytes()

    utf16 = store.get(by_name["word-utf16.txt"].id)
    assert utf16.text == frus(shared, 11).decode("utf-8")
    assert any("utf-16" in w for w in utf16.warnings), utf16.warnings
    assert utf16.source.original == (bad_folder / "word-utf16.txt").read_bytes()

    assert store.count() == 4, "the earlier record, the two re-encoded ones and one of the copies"
    assert store.get(earlier_id).to_dict() == earlier
    assert store.original(earlier_id) == frus(shared, 10)

    enriched = []
    monkeypatch.setattr(collection.pipeline, "run", lambda document: enriched.append(document) or document)
    again = ingest([bad_folder], store)
    assert again.counts == {"added": 0, "updated": 0, "unchanged": 4, "failed": 7}
    assert enriched == [], "files stored as they are need no enrichment"
    assert store.count() == 4


def test_a_file_past_the_limit_is_refused_without_being_read(shared: Path, tmp_path: Path, store: SQLiteStore):
    one = frus(shared, 15)
    huge = write(tmp_path / "huge.txt", one * (50 * 1024 * 1024 // len(one) + 1))

    tracemalloc.start()
    try:
        report = ingest([huge], store)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    [result] = report.failed
    assert f"{huge.stat().st_size:,} bytes" in result.reason
    assert peak < 5 * 1024 * 1024, f"{peak:,} bytes allocated to refuse a file by its size"


def test_a_failing_stage_or_a_bug_fails_only_its_file(
    shared: Path, tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "records"
    for number in (16, 17, 18):
        write(folder / f"d{number}.txt", frus(shared, number))
    real_run = pipeline.run

    def run(document):
        if document.id.endswith("-d16"):
            raise StageError("dates", document.id, "ValueError: month 13")
        if document.id.endswith("-d17"):
            raise RuntimeError("a bug\nwith a second line")
        return real_run(document)

    monkeypatch.setattr(collection.pipeline, "run", run)

    report = ingest([folder], store)

    failed = {Path(r.path).name: r for r in report.failed}
    assert "stage 'dates' failed on frus1955-57v23p2-d16" in failed["d16.txt"].reason
    assert failed["d17.txt"].reason == "RuntimeError: a bug with a second line"
    assert failed["d17.txt"].id == "frus1955-57v23p2-d17"
    assert [Path(r.path).name for r in report.added] == ["d18.txt"]
    assert list(store.ids()) == ["frus1955-57v23p2-d18"]


def test_two_versions_of_one_record_in_a_run_keep_the_last_and_say_so(
    shared: Path, tmp_path: Path, store: SQLiteStore
):
    record = frus(shared, 19)
    revised = record.rstrip(b"\n") + b" (Corrected on re-export.)\n"
    write(tmp_path / "v" / "1-first.txt", record)
    write(tmp_path / "v" / "2-revised.txt", revised)

    report = ingest([tmp_path / "v"], store)

    assert [r.action for r in report.results] == ["added", "updated"]
    assert "1-first.txt" in report.results[1].note
    [entry] = store.history(report.results[1].id)
    assert entry.sha256 == hashlib.sha256(record).hexdigest()
    assert store.original(report.results[1].id) == revised


def test_files_walks_in_sorted_order_and_a_missing_path_fails(tmp_path: Path, store: SQLiteStore):
    for name in ("b/2.txt", "b/1.txt", "a.txt", "c/.hidden.txt", ".cache/x.txt", "LICENSE", "b/ReadMe.txt"):
        write(tmp_path / "tree" / name, b"x")
    missing = tmp_path / "not-there.txt"

    listed = list(files([tmp_path / "tree", missing]))

    assert [p.relative_to(tmp_path).as_posix() for p in listed] == [
        "tree/a.txt", "tree/b/1.txt", "tree/b/2.txt", "not-there.txt",
    ]
    assert list(files(tmp_path / "tree" / "c" / ".hidden.txt")) == [tmp_path / "tree" / "c" / ".hidden.txt"]
    report = ingest([missing], store)
    assert report.failed[0].reason == "no such file or folder"


def kill_folder(shared: Path, folder: Path, total: int) -> None:
    """`total` records made from the FRUS ones, each under a document number of its own."""
    sources = sorted((shared / FRUS).glob("*.txt"))
    assert len(sources) == 46
    for k in range(total):
        text = sources[k % len(sources)].read_text(encoding="utf-8")
        text, changed = re.subn(r"(historicaldocuments/frus1955-57v23p2/)d\d+", rf"\g<1>d{10000 + k}", text)
        assert changed == 1
        write(folder / f"record-{k:03d}.txt", text.encode("utf-8"))


def test_a_killed_ingest_leaves_whole_records_and_resumes(shared: Path, tmp_path: Path):
    total = 300
    folder = tmp_path / "records"
    kill_folder(shared, folder, total)
    db = tmp_path / "archive.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}

    process = subprocess.Popen(
        [sys.executable, "-m", "archivist.collection", str(db), str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stored_at_kill = None
    watcher = None
    try:
        deadline = time.monotonic() + 600
        while process.poll() is None and time.monotonic() < deadline:
            if watcher is None and db.exists():
                watcher = sqlite3.connect(db, timeout=1)
            if watcher is not None:
                try:
                    stored = watcher.execute("SELECT count(*) FROM documents").fetchone()[0]
                except sqlite3.OperationalError:  # the schema is not there yet
                    stored = 0
                # Well into the run, with records committed before and still to come.
                if total // 4 <= stored <= total // 2:
                    process.send_signal(signal.SIGKILL)
                    stored_at_kill = stored
                    break
            time.sleep(0.01)
    finally:
        if watcher is not None:
            watcher.close()
        if process.poll() is None and stored_at_kill is None:
            process.kill()
        _, stderr = process.communicate(timeout=60)
    assert stored_at_kill is not None, f"the ingest ended before it could be killed: {stderr.decode()}"
    assert process.returncode == -signal.SIGKILL

    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    rows = raw.execute(
        "SELECT d.id, d.sha256, d.json, o.bytes FROM documents AS d LEFT JOIN originals AS o USING (sha256)"
    ).fetchall()
    raw.close()
    assert 1 <= len(rows) < total
    for id, sha256, record, original in rows:
        data = json.loads(record)
        assert data["id"] == id
        assert original is not None, f"{id} has no original bytes"
        assert hashlib.sha256(original).hexdigest() == sha256 == data["source"]["sha256"]

    with SQLiteStore(db) as store:
        for id in store.ids():
            document = store.get(id)
            assert document.source.original == Path(document.source.path).read_bytes()
        stored_before = store.count()

        report = ingest([folder], store)

        assert report.ok, report.failed[:3]
        assert len(report.unchanged) == stored_before
        assert len(report.added) == total - stored_before
        assert store.count() == total
