"""The search benchmark on both stores: archivist on SQLite (with its tantivy index) beside
archivist on PostgreSQL (with PostgreSQL's full text), on the same synthetic records, in one run.

    python bench/postgres_bench.py --docs 100000
    python bench/postgres_bench.py --docs 10000 --postgres postgresql://archivist@db/bench

For each store: the synthetic corpus of bench/corpus.py is written with `Store.add` and the
search index catches up; the ingest rate is records over the time spent in `add` and in the
catch-up (generating the records is not counted). Then every query of search_bench.QUERIES as
one full page (the count, the top 20 with snippets, the facets language, year and archive),
p50 and p95 over repeated runs after a warm-up, and the size on disk: the SQLite file with its
index folder, and `pg_database_size` for PostgreSQL. Both engines must find the same number of
records for every query; a difference is printed and fails the run.

Unless --postgres names a database, a throwaway PostgreSQL 15 cluster is started in a temporary
folder (tests/postgres_cluster.py: fsync and synchronous_commit off, default memory settings)
and stopped at the end; that favours PostgreSQL's ingest over a durable server.

At a million records the SQLite side need not be built twice: `--sqlite-from` takes it from a
run of search_bench.py at the same size and seed (its archivist ingest, its archivist pages and
the size of its store), and only PostgreSQL is built and timed here:

    python bench/postgres_bench.py --docs 1000000 --reps 5 --sqlite-from var/bench/1000000
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from search_bench import FACETS, PAGE, QUERIES, _machine  # noqa: E402


def build(target: str, count: int, seed: int) -> dict[str, float]:
    """The corpus into the store at `target`, then its index; seconds for each."""
    from corpus import documents, load_material

    from archivist.search import open_index
    from archivist.store import open_store

    material = load_material()
    stored = 0.0
    with open_store(target) as store:
        for document in documents(count, material, seed):
            started = time.perf_counter()
            store.add(document)
            stored += time.perf_counter() - started
        index = open_index(store, catch_up=False)
        started = time.perf_counter()
        taken = index.catch_up()
        indexed = time.perf_counter() - started
        index.close()
    assert taken == count, (taken, count)
    return {"store_s": stored, "index_s": indexed}


def timings(target: str, reps: int) -> dict[str, dict[str, float]]:
    from archivist.search import open_index
    from archivist.store import open_store

    rows: dict[str, dict[str, float]] = {}
    with open_store(target) as store, open_index(store) as index:
        for name, query in QUERIES.items():
            total = index.search(query["q"], limit=PAGE, facets=FACETS).total  # warm-up
            times = []
            for _ in range(reps):
                started = time.perf_counter()
                index.search(query["q"], limit=PAGE, facets=FACETS)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
            rows[name] = {"total": total, "p50_ms": statistics.median(times), "p95_ms": p95}
    return rows


def sqlite_size(path: Path) -> int:
    files = [path, path.with_name(path.name + "-wal")]
    size = sum(f.stat().st_size for f in files if f.exists())
    folder = path.with_name(path.name + ".index")
    return size + sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def postgres_size(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        return int(connection.execute("SELECT pg_database_size(current_database())").fetchone()[0])


def sqlite_from(folder: Path, docs: int) -> dict[str, Any]:
    """The SQLite + tantivy side of a search_bench.py run in `folder`: ingest times, pages, size."""
    previous = json.loads((folder / "results.json").read_text())
    if previous["docs"] != docs:
        raise SystemExit(f"{folder / 'results.json'} holds a run at {previous['docs']:,} records, not {docs:,}")
    built = previous["archivist"]
    queries = {name: dict(previous["queries"][name]["archivist"]) for name in QUERIES}
    return {"store_s": built["store_s"], "index_s": built["index_s"], "queries": queries,
            "bytes": sqlite_size(folder / "archive.db"), "from": str(folder / "results.json"),
            "date": previous["date"]}


def table(result: dict[str, Any]) -> str:
    docs = result["docs"]
    lines = [
        f"archivist on SQLite + tantivy and on PostgreSQL: {docs:,} synthetic documents, {result['date']}, {result['machine']}",
        "",
        f"  {'':<24}{'SQLite + tantivy':>22}{'PostgreSQL':>22}",
    ]
    s, p = result["sqlite"], result["postgres"]
    rate = lambda b: docs / (b["store_s"] + b["index_s"])  # noqa: E731
    lines.append(f"  {'ingest, records/s':<24}{rate(s):>22,.0f}{rate(p):>22,.0f}")
    lines.append(f"  {'  store / index s':<24}{s['store_s']:>14.1f} / {s['index_s']:<5.1f}{p['store_s']:>14.1f} / {p['index_s']:<5.1f}")
    lines.append(f"  {'size on disk':<24}{s['bytes'] / 2**20:>19.0f} MB{p['bytes'] / 2**20:>19.0f} MB")
    lines += ["", f"  full page (count + top 20 with snippets + facets lang, year, archive), ms p50 / p95",
              f"  {'query':<18}{'hits':>9}{'SQLite + tantivy':>22}{'PostgreSQL':>22}"]
    for name in QUERIES:
        a, b = s["queries"][name], p["queries"][name]
        same = "" if a["total"] == b["total"] else f"   DIFFERENT: {b['total']:,} on PostgreSQL"
        lines.append(
            f"  {name:<18}{a['total']:>9,}{a['p50_ms']:>13.1f} / {a['p95_ms']:<6.1f}{b['p50_ms']:>13.1f} / {b['p95_ms']:<6.1f}{same}"
        )
    if "from" in s:
        lines += ["", f"  SQLite + tantivy: the archivist figures of the search benchmark's run of {s['date']} on the same",
                  f"  records ({s['from']}); PostgreSQL built and timed in this run"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Search benchmark: archivist on SQLite and on PostgreSQL.")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--work", type=Path, default=None, help="folder for the SQLite data (default var/bench/pg-DOCS)")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL database to use (default: a throwaway cluster)")
    parser.add_argument("--seed", type=int, default=1956)
    parser.add_argument("--sqlite-from", type=Path, default=None,
                        help="a search_bench.py folder of the same size and seed to take the SQLite side from")
    args = parser.parse_args(argv)
    work = args.work or ROOT / "var" / "bench" / f"pg-{args.docs}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    from postgres_cluster import database_or_throwaway

    with database_or_throwaway(args.postgres) as url:
        result: dict[str, Any] = {"docs": args.docs, "date": date.today().isoformat(), "machine": _machine()}
        path = work / "archive.db"
        if args.sqlite_from is None:
            result["sqlite"] = build(str(path), args.docs, args.seed)
            print(f"SQLite built: {result['sqlite']}", file=sys.stderr, flush=True)
        result["postgres"] = build(url, args.docs, args.seed)
        print(f"PostgreSQL built: {result['postgres']}", file=sys.stderr, flush=True)
        if args.sqlite_from is None:
            result["sqlite"]["queries"] = timings(str(path), args.reps)
            result["sqlite"]["bytes"] = sqlite_size(path)
        else:
            result["sqlite"] = sqlite_from(args.sqlite_from, args.docs)
        result["postgres"]["queries"] = timings(url, args.reps)
        result["postgres"]["bytes"] = postgres_size(url)
        (work / "results.json").write_text(json.dumps(result, indent=2))
        print(table(result))
        differing = [n for n in QUERIES if result["sqlite"]["queries"][n]["total"] != result["postgres"]["queries"][n]["total"]]
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
