"""Bulk enrichment: the plain single-process loop against `archivist enrich` in this process and
on a local Dask cluster of 1 and 2 workers, on the same stored records, in one run.

    python bench/enrich_bench.py --docs 2000 --workers 1,2
    python bench/enrich_bench.py --docs 2000 --postgres postgresql://archivist@db/bench

The records are real exports recombined: the 46 FRUS Korea records of ../shared, copied with a
document number of their own in the citation URL (so each copy is a record of its own id), and
stored as read, before any stage runs. The records of bench/corpus.py are built as Documents,
not as export files, so they cannot be read again from their bytes, which is what enrichment
does. Each variant enriches every record (`force`) and writes back into the same PostgreSQL
store (a throwaway cluster, fsync off, unless --postgres names one), then links each
collection's evidence again, as `archivist enrich` does.

Printed: wall time, documents per second and the ratio to the plain loop, and where the time
goes (cluster start and worker warm-up, reading, stages, writing back, summed over workers, and
linking). Each variant runs in a process of its own.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

SHARED = ROOT.parent / "shared"
FRUS = SHARED / "corpus" / "frus-korea-1955-57"
_DOCUMENT = re.compile(rb"(historicaldocuments/frus[^/\s]+/d)(\d+)")


def exports(count: int) -> list[tuple[str, bytes]]:
    """`count` export files: the FRUS records again and again, each copy numbered anew."""
    originals = sorted(FRUS.glob("*.txt"))
    files = []
    for number in range(count):
        path = originals[number % len(originals)]
        copy = number // len(originals)
        data = _DOCUMENT.sub(lambda m: m.group(1) + m.group(2) + f"c{copy}".encode(), path.read_bytes())
        files.append((f"{path.stem}-c{copy}.txt", data))
    return files


def load(url: str, count: int) -> float:
    """The exports stored as read (no stages); seconds taken."""
    from archivist.sources import read_bytes
    from archivist.store import open_store

    started = time.perf_counter()
    with open_store(url) as store:
        for name, data in exports(count):
            store.add(read_bytes(name, data))
        assert store.count() == count, store.count()
    return time.perf_counter() - started


def plain_loop(url: str) -> dict[str, float]:
    """What `archivist enrich` did before: each record read, enriched and saved in turn, then
    linked again with the collection's evidence, all in one process."""
    from archivist.enrichment import reenrich, warm
    from archivist.people import relink
    from archivist.store import open_store

    started = time.perf_counter()
    warm()
    warmed = time.perf_counter()
    read = stages = write = 0.0
    with open_store(url) as store:
        for record_id in list(store.ids()):
            t0 = time.perf_counter()
            stored = store.get(record_id)
            t1 = time.perf_counter()
            document = reenrich(stored)
            t2 = time.perf_counter()
            store.save(document)
            t3 = time.perf_counter()
            read, stages, write = read + t1 - t0, stages + t2 - t1, write + t3 - t2
        linking = time.perf_counter()
        relink(store)
        linked = time.perf_counter() - linking
    return {"wall": time.perf_counter() - started, "start": warmed - started, "read": read, "stages": stages,
            "write": write, "link": linked}


def archivist_enrich(url: str, workers: int) -> dict[str, float]:
    from archivist.enrichment import enrich, warm

    started = time.perf_counter()
    if not workers:
        warm()  # in this process; on a cluster the workers warm up as they start
    warmed = time.perf_counter()
    report = enrich(url, workers=workers, force=True)
    assert report.ok, report.failures[:3]
    seconds = report.seconds
    return {
        "wall": time.perf_counter() - started,
        "start": seconds.get("cluster", warmed - started),
        "read": sum(r.read_seconds for r in report.results),
        "stages": sum(r.stage_seconds for r in report.results),
        "write": sum(r.write_seconds for r in report.results),
        "link": seconds.get("relink", 0.0),
        "partitions": report.partitions,
    }


def variant(name: str, url: str) -> dict[str, float]:
    """One variant in a process of its own, so that none inherits another's warm caches."""
    import json
    import subprocess

    run = subprocess.run([sys.executable, __file__, "_variant", name, url], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"variant {name} failed:\n{run.stdout}\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def table(docs: int, rows: dict[str, dict[str, float]], loaded: float, machine: str) -> str:
    base = rows["plain loop"]["wall"]
    lines = [
        f"archivist enrichment benchmark: {docs:,} records (FRUS exports recombined), {date.today().isoformat()}, {machine}",
        f"stored as read in {loaded:.0f} s; every variant enriches all of them, writes back into PostgreSQL and links",
        "",
        f"  {'variant':<24}{'wall s':>8}{'docs/s':>8}{'vs loop':>9}   {'start s':>8}{'read s':>8}{'stages s':>10}{'write s':>9}{'link s':>8}",
    ]
    for name, row in rows.items():
        lines.append(
            f"  {name:<24}{row['wall']:>8.0f}{docs / row['wall']:>8.2f}{base / row['wall']:>8.2f}x"
            f"   {row['start']:>8.1f}{row['read']:>8.1f}{row['stages']:>10.0f}{row['write']:>9.1f}{row['link']:>8.0f}"
        )
    lines += [
        "",
        "  start: the warm-up (authority, glossary, place names, spaCy) in this process, or the cluster's",
        "  start with each worker's warm-up; read, stages and write are summed over the workers; link:",
        "  linking with each collection's evidence (one process for the loop and this process, two rounds",
        "  of tasks on the cluster). Each variant runs in a fresh process.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["_variant"]:
        import json

        name, url = arguments[1], arguments[2]
        if name == "plain loop":
            result = plain_loop(url)
        else:
            result = archivist_enrich(url, int(name.rsplit(" ", 1)[1]) if "--workers" in name else 0)
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description="Benchmark archivist enrich: the plain loop, in-process and on Dask.")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--workers", default="1,2", help="Dask worker counts to run, comma-separated")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL database to use (default: a throwaway cluster)")
    parser.add_argument("--no-in-process", action="store_true", help="leave out `archivist enrich` in one process")
    args = parser.parse_args(argv)
    from postgres_cluster import database_or_throwaway
    from search_bench import _machine

    with database_or_throwaway(args.postgres) as url:
        loaded = load(url, args.docs)
        rows = {}
        names = ["plain loop"] + ([] if args.no_in_process else ["enrich, this process"])
        for name in names + [f"enrich --workers {w}" for w in args.workers.split(",") if w]:
            rows[name] = variant(name, url)
            print(f"{name}: {rows[name]['wall']:.0f} s", file=sys.stderr, flush=True)
        print(table(args.docs, rows, loaded, _machine()))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
