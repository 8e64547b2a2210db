"""Score archivist's reading of the FRUS Korea records against their gold labels.

Usage: python bench/score.py [CORPUS_DIR] [--show-misses]

Prints per-field accuracy (exact match) over every `*.gold.json` in the corpus folder, reading
each record's `.txt` with archivist's readers and pipeline. A field whose gold is null counts as
right when archivist also leaves it empty.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

from archivist import pipeline
from archivist.document import Document
from archivist.sources import read_path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "frus-korea-1955-57"


def _citation_title(d: Document, gold: dict) -> tuple[Any, Any]:
    return d.citation_parts.title, gold["title"]


def _citation_date(d: Document, gold: dict) -> tuple[Any, Any]:
    from archivist.dates import parse_date

    parsed = parse_date(d.citation_parts.date or "")
    return (parsed.edtf if parsed else None), gold["date"]


#: field name -> function(document, gold) returning (ours, theirs)
FIELDS: dict[str, Callable[[Document, dict], tuple[Any, Any]]] = {
    "id": lambda d, g: (d.id, g["id"]),
    "title": lambda d, g: (d.title, g["title"]),
    "date": lambda d, g: (d.date.edtf, g["date"]),
    "url": lambda d, g: (d.url, g["url"]),
    "summary": lambda d, g: (d.summary, g["summary"]),
    "citation.title": _citation_title,
    "citation.date": _citation_date,
    "citation.source_note": lambda d, g: (d.citation_parts.source_note, g["source_note"]),
    "citation.url": lambda d, g: (d.citation_parts.url, g["url"]),
    "datetime": lambda d, g: (d.datetime, g["datetime"]),
    "time": lambda d, g: (d.time, g["time"]),
    "place": lambda d, g: (d.place, g["place"]),
    "dateline": lambda d, g: (d.dateline, g["dateline"]),
    "classification": lambda d, g: (d.classification, g["classification"]),
    "drafter": lambda d, g: (d.drafter, g["drafter"]),
    "signer": lambda d, g: (d.signer, g["signer"]),
    "footnote_numbers": lambda d, g: ([f.number for f in d.footnotes], g["footnote_numbers"]),
    "footnotes": lambda d, g: ([f.text for f in d.footnotes], g["footnotes"]),
}


def score(corpus: Path = DEFAULT_CORPUS) -> tuple[dict[str, tuple[int, int]], dict[str, list[str]]]:
    """({field: (right, total)}, {field: [record ids wrong]}) over the corpus."""
    results = {name: [0, 0] for name in FIELDS}
    misses: dict[str, list[str]] = {name: [] for name in FIELDS}
    for gold_path in sorted(corpus.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        document = pipeline.run(read_path(gold_path.with_name(gold["id"] + ".txt")))
        for name, compare in FIELDS.items():
            ours, theirs = compare(document, gold)
            results[name][1] += 1
            if ours == theirs:
                results[name][0] += 1
            else:
                misses[name].append(f"{gold['id']}: ours={ours!r} gold={theirs!r}")
    return {k: (v[0], v[1]) for k, v in results.items()}, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"score: no corpus folder at {args.corpus}", file=sys.stderr)
        return 1
    results, misses = score(args.corpus)
    records = next(iter(results.values()))[1]
    print(f"FRUS gold fields, {records} records ({args.corpus.name})")
    print(f"{'field':<22} {'right':>6} {'total':>6} {'accuracy':>9}")
    for name, (right, total) in results.items():
        print(f"{name:<22} {right:>6} {total:>6} {right / total:>9.1%}")
        if args.show_misses:
            for miss in misses[name][:5]:
                print(f"    {miss[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
