"""The accuracy floor on the FRUS Korea gold: the scorer's figures may rise, never fall."""

from __future__ import annotations

from conftest import bench_module

#: field -> the share of the 46 records that must be exactly right
FLOORS = {
    "id": 1.0,
    "title": 1.0,
    "date": 1.0,
    "url": 1.0,
    "summary": 1.0,
    "citation.title": 1.0,
    "citation.date": 1.0,
    "citation.source_note": 1.0,
    "citation.url": 1.0,
    "datetime": 1.0,
    "time": 1.0,
    "place": 1.0,
    "dateline": 1.0,
    "classification": 1.0,
    "drafter": 1.0,
    "signer": 1.0,
    "footnote_numbers": 1.0,
    "footnotes": 1.0,
}


def test_frus_gold_floors(shared):
    scorer = bench_module("score")
    results, misses = scorer.score(shared / "corpus" / "frus-korea-1955-57")
    assert next(iter(results.values()))[1] == 46
    for field, floor in FLOORS.items():
        right, total = results[field]
        assert right / total >= floor, (field, misses[field][:3])
