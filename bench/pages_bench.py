"""How long the reader takes to render a record, against a baseline measured in the same run.

    .venv/bin/python bench/pages_bench.py                  # ../shared read afresh
    .venv/bin/python bench/pages_bench.py --db var/archive.db --rounds 20

For every record of the FRUS Korea corpus (and the two seeds), the document page
(`GET /documents/{id}`: the record read from the store, its text laid out with every
annotation, the citations in four formats, the neighbours by date) is requested through the
app in this process, and so is a baseline: the same record read from the store and its plain
text put into a minimal escaped template, through the same app and the same HTTP machinery. The
ratio says what the reader's work costs over merely showing the text; the milliseconds say
whether a page stays under the 100 ms a reader should wait at most.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from archivist.collection import ingest
from archivist.store import open_store
from archivist.web import create_app

SHARED = Path(__file__).resolve().parents[2] / "shared"
BASELINE = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>{{ title }}</title></head>"
    "<body><h1>{{ title }}</h1><pre>{{ text }}</pre></body></html>"
)


def build_archive(db: Path) -> None:
    folders = [SHARED / "corpus" / "seeds", SHARED / "corpus" / "frus-korea-1955-57"]
    files = [p for folder in folders for p in sorted(folder.glob("*.txt"))]
    with open_store(db) as store:
        report = ingest(files, store)
    if not report.ok:
        raise SystemExit(f"ingest failed: {[(r.path, r.reason) for r in report.failed]}")


def measure(client: TestClient, url: str, rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an archive to measure (default: ../shared read afresh)")
    parser.add_argument("--rounds", type=int, default=10, help="requests per record and page (default 10)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = options.db
        if db is None:
            db = Path(scratch) / "archive.db"
            print("reading ../shared into a fresh archive ...", flush=True)
            build_archive(db)
        app = create_app(db)
        with open_store(db) as store:
            ids = sorted(store.ids())

            @app.get("/baseline/{record_id}", response_class=HTMLResponse)
            def baseline(request: Request, record_id: str) -> str:
                record = store.get(record_id)
                return BASELINE.render(title=record.title or record.id, text=record.text)

            with TestClient(app) as client:
                for record_id in ids:  # warm: the authority, the index, the date order
                    client.get(f"/documents/{record_id}")
                    client.get(f"/baseline/{record_id}")
                reader: list[float] = []
                plain: list[float] = []
                slowest = (0.0, "")
                for record_id in ids:
                    page = measure(client, f"/documents/{record_id}", options.rounds)
                    reader += page
                    plain += measure(client, f"/baseline/{record_id}", options.rounds)
                    slowest = max(slowest, (statistics.median(page), record_id))
    print(f"records: {len(ids)}, {options.rounds} requests each, in-process through the app")
    print(f"{'page':<28}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, values in (("reader /documents/{id}", reader), ("baseline: plain text", plain)):
        print(f"{name:<28}{statistics.median(values):>10.2f}{percentile(values, 0.95):>10.2f}{max(values):>10.2f}")
    print(f"ratio reader / baseline (median): {statistics.median(reader) / statistics.median(plain):.1f}x")
    print(f"slowest record (median): {slowest[1]} at {slowest[0]:.1f} ms")


if __name__ == "__main__":
    main()
