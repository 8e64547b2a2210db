"""The benchmarks' small runs work end to end, so that they never rot. Speed is measured by
the benchmarks themselves, never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from archivist.document import Document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def test_the_corpus_is_recombined_from_real_material(shared: Path) -> None:
    from corpus import RARE_WORD, documents, load_material

    material = load_material(shared)
    assert len(material.sentences) > 1000 and len(material.persons) > 100
    records = list(documents(300, material, seed=7))
    assert records == list(documents(300, material, seed=7))  # the same seed, the same corpus
    assert all(isinstance(r, Document) and r.text.startswith(r.title) for r in records)
    lengths = sorted(len(r.text) for r in records)
    assert 2000 < lengths[len(lengths) // 2] < 4000 and lengths[-1] > 2 * lengths[len(lengths) // 2]
    assert any(b.kind == "turn" and b.speaker for r in records for b in r.blocks)
    assert any(a.kind == "ocr" for r in records for a in r.annotations)
    assert any(m.authority_id for r in records for m in r.mentions)
    assert RARE_WORD in records[7].text
    for record in records[:20]:
        for block in record.blocks:
            assert record.text[block.start : block.end].strip()


def test_quick_benchmark_runs_every_engine_on_the_same_rows(shared: Path, tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "search_bench.py"), "--quick", "--work", str(tmp_path)],
        capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    table = run.stdout
    for line in ("archivist (store + index)", "raw tantivy (index only)", "FTS5 bare INSERT", "targets"):
        assert line in table
    result = json.loads((tmp_path / "results.json").read_text())
    assert result["docs"] == 10_000
    assert result["raw"]["count"] == 10_000
    queries = result["queries"]
    assert set(queries) == {"common word", "rare word", "phrase", "boolean", "prefix", "person filter",
                            "speaker filter", "year range"}
    # Where the engines mean the same thing, they find the same records.
    for name in ("common word", "rare word", "phrase", "boolean"):
        totals = {engine: cell["total"] for engine, cell in queries[name].items()}
        assert len(set(totals.values())) == 1, (name, totals)
    assert queries["rare word"]["archivist"]["total"] == 1
    for row in queries.values():
        for cell in row.values():
            assert cell["p50_ms"] > 0 and cell["p95_ms"] >= cell["p50_ms"]
    assert result["archivist"]["peak_rss_mb"] > 0


def test_postgres_benchmark_runs_both_stores_on_the_same_records(shared: Path, postgres_cluster, tmp_path: Path) -> None:
    bench = str(ROOT / "bench" / "postgres_bench.py")
    first = postgres_cluster.database()
    run = subprocess.run(
        [sys.executable, bench, "--docs", "300", "--reps", "2", "--work", str(tmp_path / "both"), "--postgres", first],
        capture_output=True, text=True, timeout=900,
    )
    postgres_cluster.drop(first)
    # The run fails when the two stores find a different number of records for any query.
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "DIFFERENT" not in run.stdout
    result = json.loads((tmp_path / "both" / "results.json").read_text())
    for store in ("sqlite", "postgres"):
        assert result[store]["store_s"] > 0 and result[store]["bytes"] > 0
    assert result["sqlite"]["queries"]["common word"]["total"] == result["postgres"]["queries"]["common word"]["total"] > 100

    # At a million records the SQLite side comes from the search benchmark's run of the same
    # records, and only PostgreSQL is built: the counts are checked against that run's.
    searched = tmp_path / "search"
    searched.mkdir()
    (searched / "results.json").write_text(json.dumps({
        "docs": 300, "date": "2026-11-30",
        "archivist": {"store_s": 1.0, "index_s": 1.0},
        "queries": {name: {"archivist": cell} for name, cell in result["sqlite"]["queries"].items()},
    }))
    (searched / "archive.db").write_bytes(b"x" * 100)
    second = postgres_cluster.database()
    again = subprocess.run(
        [sys.executable, bench, "--docs", "300", "--reps", "1", "--work", str(tmp_path / "one"), "--postgres", second,
         "--sqlite-from", str(searched)],
        capture_output=True, text=True, timeout=900,
    )
    postgres_cluster.drop(second)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "the archivist figures of the search benchmark's run" in again.stdout
    one = json.loads((tmp_path / "one" / "results.json").read_text())
    assert one["sqlite"]["bytes"] == 100
    assert {n: c["total"] for n, c in one["postgres"]["queries"].items()} == {n: c["total"] for n, c in result["sqlite"]["queries"].items()}


def test_enrichment_benchmark_runs_the_loop_and_a_dask_worker(shared: Path, postgres_database: str) -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "enrich_bench.py"), "--docs", "12", "--workers", "1",
         "--no-in-process", "--postgres", postgres_database],
        capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = {line.split("  ")[1].strip(): line for line in run.stdout.splitlines() if line.startswith("  plain loop") or line.startswith("  enrich")}
    assert set(rows) == {"plain loop", "enrich --workers 1"}
    assert "1.00x" in rows["plain loop"]
