"""A bounded load test: 50 concurrent API clients for 60 s against `archivist serve` on a
PostgreSQL store, while `archivist ingest` adds records to the same store.

    python bench/load_test.py                       # a throwaway cluster, 50 clients, 60 s
    python bench/load_test.py --clients 50 --seconds 60 --postgres postgresql://archivist@db/load

Everything stays on this machine: the server listens on 127.0.0.1, the clients only ask it,
and the run stops by itself after `--seconds` (each request times out after 30 s). The store
starts with `--docs` synthetic records (bench/corpus.py); the ingest reads FRUS exports
recombined by bench/enrich_bench.py, each a record of its own id. Each client loops over a mix
of requests: searches with and without facets, record reads, and reads of the records the
ingest has just added (found through a date-sorted browse).

Checked at the end, and the exit status says whether they held: no request failed (every
answer a 200, or a 404 only for a read of a record the ingest had not yet stored); every file
the ingest read is a record of the store, once; the store holds exactly the records it started
with plus those; the search index holds each record once and counts the same.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

SEARCHES = ["Korea", "Kim Il Sung", '"Central Committee"', "(Korea OR China) -Japan", "negotia*",
            "speaker:Mao Korea", 'person:"Kim Il Sung"', "year:1950..1953 armistice", "armistice", "Rhee"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(url: str, count: int) -> list[str]:
    from corpus import documents, load_material

    from archivist.search import catch_up
    from archivist.store import open_store

    with open_store(url) as store:
        for document in documents(count, load_material()):
            store.add(document)
        catch_up(store)
        return list(store.ids())


async def client(base: str, ids: list[str], until: float, stats: dict, rng: random.Random) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=30.0) as http:
        while time.monotonic() < until:
            roll = rng.random()
            if roll < 0.45:
                kind, params, path = "search", {"q": rng.choice(SEARCHES), "limit": 20}, "/api/documents"
                if rng.random() < 0.5:
                    params["facets"] = "true"
            elif roll < 0.85:
                kind, params, path = "read", None, f"/api/documents/{rng.choice(ids)}"
            else:
                kind, params, path = "newest", {"q": "", "sort": "date", "limit": 5, "offset": 0}, "/api/documents"
            started = time.perf_counter()
            try:
                answer = await http.get(path, params=params)
                status = answer.status_code
                if kind == "newest" and status == 200:
                    # Read back a record the browse names: the ingest may have just stored it.
                    for hit in answer.json()["hits"][:1]:
                        again = await http.get(f"/api/documents/{hit['id']}")
                        if again.status_code != 200:
                            stats["errors"].append(f"read of listed {hit['id']}: {again.status_code}")
            except Exception as exc:  # a refused or timed-out request is an error of the run
                status = f"{type(exc).__name__}"
            stats["times"][kind].append((time.perf_counter() - started) * 1000)
            stats["status"][(kind, status)] += 1
            if status != 200:
                stats["errors"].append(f"{kind} {path} {params}: {status}")


async def load(base: str, ids: list[str], clients: int, seconds: float) -> dict:
    stats = {"times": defaultdict(list), "status": Counter(), "errors": []}
    until = time.monotonic() + seconds
    await asyncio.gather(*(client(base, ids, until, stats, random.Random(n)) for n in range(clients)))
    return stats


def wait_for(base: str, timeout: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server at {base} did not answer within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="50 API clients against archivist serve on PostgreSQL, with an ingest running.")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--docs", type=int, default=2000, help="synthetic records in the store at the start")
    parser.add_argument("--ingest", type=int, default=400, help="export files the concurrent ingest reads")
    parser.add_argument("--postgres", default=None, help="an empty PostgreSQL database (default: a throwaway cluster)")
    args = parser.parse_args(argv)
    from postgres_cluster import database_or_throwaway

    with database_or_throwaway(args.postgres) as url:
        return run(args, url)


def run(args: argparse.Namespace, url: str) -> int:
    """The load test against the store at `url`; 1 when any request failed or any record was
    lost or doubled."""
    from enrich_bench import exports
    from search_bench import _machine

    from archivist.search import open_index
    from archivist.sources import read_bytes
    from archivist.store import open_store

    server = ingest = None
    folder = Path(tempfile.mkdtemp(prefix="archivist-load-"))
    inbox = folder / "exports"
    inbox.mkdir()
    try:
        ids = seed(url, args.docs)
        files = exports(args.ingest)
        expected = set()
        for name, data in files:
            (inbox / name).write_bytes(data)
            expected.add(read_bytes(name, data).id)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "ARCHIVIST_DB": url}
        archivist = str(Path(sys.executable).with_name("archivist"))
        server = subprocess.Popen(
            [archivist, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=open(folder / "server.log", "w"),
        )
        wait_for(base)
        ingest = subprocess.Popen(
            [archivist, "ingest", str(inbox), "--db", url], env=env,
            stdout=open(folder / "ingest.log", "w"), stderr=subprocess.STDOUT,
        )
        started = time.monotonic()
        stats = asyncio.run(load(base, ids, args.clients, args.seconds))
        elapsed = time.monotonic() - started
        ingest.wait(timeout=3600)
        ingesting = time.monotonic() - started

        problems = list(stats["errors"])
        with open_store(url) as store:
            stored = set(store.ids())
            missing = expected - stored
            if missing:
                problems.append(f"{len(missing)} ingested records are missing, e.g. {sorted(missing)[:3]}")
            if len(stored) != len(ids) + len(expected):
                problems.append(f"the store holds {len(stored):,} records, not {len(ids) + len(expected):,}")
            changes = [c.document.id for c in store.changes(limit=10**9)]
            doubled = [i for i, n in Counter(changes).items() if n > 1]
            if doubled or len(changes) != len(stored):
                problems.append(f"the change feed lists {len(changes):,} records for {len(stored):,}, doubled: {doubled[:3]}")
            with open_index(store) as index, store.connection() as connection:
                indexed = connection.execute("SELECT count(*), count(DISTINCT id) FROM search_documents").fetchone()
                if indexed[0] != indexed[1] or indexed[0] != len(stored) or index.search("").total != len(stored):
                    problems.append(f"the search index holds {indexed[0]:,} rows for {indexed[1]:,} ids and {len(stored):,} records")
        requests = sum(stats["status"].values())
        lines = [
            f"archivist load test: {args.clients} clients for {args.seconds:.0f} s against archivist serve on PostgreSQL,"
            f" {date.today().isoformat()}, {_machine()}",
            f"  store: {len(ids):,} records at the start; ingest of {len(expected):,} export files alongside"
            f" ({ingesting:.0f} s from the clients' start to the ingest's end)",
            f"  requests: {requests:,} in {elapsed:.0f} s ({requests / elapsed:,.0f}/s)",
            f"  {'kind':<10}{'requests':>10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}",
        ]
        for kind, times in sorted(stats["times"].items()):
            times.sort()
            lines.append(
                f"  {kind:<10}{len(times):>10,}{statistics.median(times):>9.0f}"
                f"{times[min(len(times) - 1, round(0.95 * len(times)) - 1)]:>9.0f}{times[-1]:>9.0f}"
            )
        lines.append(f"  errors: {len(stats['errors'])}; records lost: {len(missing)}; records doubled: {len(doubled)}")
        lines.append(f"  store after: {len(stored):,} records; search index: {indexed[0]:,} rows, {indexed[1]:,} ids")
        for problem in problems[:20]:
            lines.append(f"  PROBLEM: {problem}")
        print("\n".join(lines))
        return 1 if problems else 0
    finally:
        for process in (ingest, server):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
