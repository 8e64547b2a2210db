"""How fast person mentions are found and linked, against a baseline in the same run.

Usage: python bench/people_bench.py [--repeat N]

Reads the 46 FRUS Korea records and both seeds, then times, on the same texts:
- load:     loading the authority (16,312 persons) once, as a process does at start;
- baseline: finding candidate names only (the capitalised runs looked up in the authority's
            name index, no linking): the least any rule-based finder does;
- archivist: the `people` stage as the pipeline runs it (candidates, evidence, linking), and
            the whole pipeline for reference.
Prints words per second for each and the ratio of archivist to the baseline.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    paths = sorted((SHARED / "frus-korea-1955-57").glob("*.txt")) + sorted((SHARED / "seeds").glob("*.txt"))
    if not paths:
        print(f"people_bench: no records under {SHARED}", file=sys.stderr)
        return 1

    started = time.perf_counter()
    from archivist import pipeline
    from archivist.authority import default_authority
    from archivist.entities import candidates, find_mentions
    from archivist.sources import read_path

    authority = default_authority()
    load = time.perf_counter() - started

    started = time.perf_counter()
    documents = [pipeline.run(read_path(p)) for p in paths]
    whole = time.perf_counter() - started
    words = sum(len(re.findall(r"\w+", d.text)) for d in documents)

    def timed(work) -> float:
        best = float("inf")
        for _ in range(args.repeat):
            began = time.perf_counter()
            for document in documents:
                work(document)
            best = min(best, time.perf_counter() - began)
        return best

    baseline = timed(lambda d: candidates(d.text, 0, len(d.text), authority, {}))
    linked = timed(lambda d: find_mentions(d, authority))
    print(f"{len(documents)} records, {words:,} words; authority of {len(authority):,} persons")
    print(f"{'step':<34} {'seconds':>8} {'words/s':>10}")
    print(f"{'authority load (once)':<34} {load:>8.2f}")
    print(f"{'baseline: candidate names only':<34} {baseline:>8.3f} {words / baseline:>10,.0f}")
    print(f"{'archivist: people stage':<34} {linked:>8.3f} {words / linked:>10,.0f}")
    print(f"{'whole pipeline, first run':<34} {whole:>8.2f} {words / whole:>10,.0f}")
    print(f"people stage / baseline: {linked / baseline:.2f}x the time")
    print(f"load + whole pipeline: {load + whole:.1f} s (target: under 30 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
