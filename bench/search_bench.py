"""The search benchmark: archivist against raw tantivy, raw SQLite FTS5 and Datasette, on the
same rows, in one run.

    python bench/search_bench.py --docs 100000      # var/bench/100000/, about 10 minutes
    python bench/search_bench.py --docs 1000000     # about an hour, 20 GB of disk
    python bench/search_bench.py --quick            # 10,000 records, what the tests run

1. A synthetic corpus (`bench/corpus.py`) is written into an archivist store, then the
   archivist index catches up with it: the ingest rate of archivist is records over the time
   spent in `Store.add` and in the catch-up (generating the records is not counted), and its
   peak RSS is that of the process doing it.
2. Raw tantivy indexes the same rows read back from the store, with a plain schema and the
   same writer memory: its rate is records over the whole pass, reading included, as the
   archivist catch-up reads from the store too.
3. SQLite FTS5: the same rows into a plain table `docs` and an FTS5 table over it (the layout
   Datasette's search uses); the rate counts reading and the bare INSERTs into the FTS5 table.
4. Every query of `QUERIES` as one full page: the count, the top 20 with snippets, and the
   facets language, year and archive, in archivist (`SearchIndex.search`), raw tantivy (the
   same work written directly against tantivy: the limit), raw FTS5 SQL, and Datasette's JSON
   API on the FTS5 file (table search with `_facet`; Datasette orders by rowid, not relevance,
   and makes no snippets, so its page does less). p50 and p95 of repeated runs after a warm-up.

Each phase that builds runs in a child process, so its peak RSS is its own. Results are
printed as a table and written as JSON beside the data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

__all__ = ["QUERIES", "main", "run"]

FACETS = ("lang", "year", "archive")
PAGE = 20
WRITER_HEAP = 100_000_000
WRITER_THREADS = 2
TARGETS = {"p95_ms": 50.0, "vs_raw": 1.5, "vs_fts5_common": 20.0, "ingest_vs_raw": 0.5, "rss_mb": 500.0}


#: name -> (archivist query, raw tantivy builder key, FTS5 MATCH, SQL filter on docs, Datasette extra parameters)
QUERIES: dict[str, dict[str, Any]] = {
    "common word": {"q": "Korea", "match": "korea"},
    "rare word": {"q": "Ulaanbaatar", "match": "ulaanbaatar"},
    "phrase": {"q": '"Central Committee"', "match": '"central committee"'},
    "boolean": {"q": "(Korea OR China) -Japan", "match": "(korea OR china) NOT japan"},
    "prefix": {"q": "negotia*", "match": "negotia*"},
    "person filter": {"q": 'person:"Kim Il Sung" Korea', "match": 'persons:"kim il sung" AND korea'},
    "speaker filter": {"q": "speaker:Mao Korea", "match": "speakers:mao AND korea"},
    "year range": {"q": "year:1950..1953 armistice", "match": "armistice", "years": (1950, 1953)},
}


# -- child phases --------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Memory:
    """Samples this process's resident memory ten times a second: the peak of all of it (what
    ru_maxrss says) and of its anonymous part, apart from the index files tantivy maps in while
    merging segments (file-backed pages the kernel can drop at any time)."""

    def __init__(self) -> None:
        import threading

        self.peak_anon = 0.0
        self.peak_file = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            try:
                fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
                anon = int(fields["RssAnon"].split()[0]) / 1024
                mapped = int(fields["RssFile"].split()[0]) / 1024
            except (OSError, KeyError, ValueError):
                return
            self.peak_anon = max(self.peak_anon, anon)
            self.peak_file = max(self.peak_file, mapped)

    def report(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return {"peak_rss_mb": _peak_rss_mb(), "peak_anon_mb": self.peak_anon, "peak_file_mb": self.peak_file}


def phase_archivist(work: Path, count: int, seed: int) -> dict[str, Any]:
    """Generate into the store, then let the index catch up; the archivist ingest."""
    from corpus import documents, load_material

    from archivist.search import open_index
    from archivist.search import tantivy_index
    from archivist.store import open_store

    tantivy_index.WRITER_HEAP = WRITER_HEAP
    memory = Memory()
    material = load_material()
    stored = 0.0
    started = time.perf_counter()
    with open_store(work / "archive.db") as store:
        for document in documents(count, material, seed):
            t = time.perf_counter()
            store.add(document)
            stored += time.perf_counter() - t
        generated = time.perf_counter() - started - stored
        opened = time.perf_counter()
        # Opening builds the spellings table once per index folder; not part of the rate.
        index = open_index(store, catch_up=False)
        opening = time.perf_counter() - opened
        t = time.perf_counter()
        taken = index.catch_up()
        indexing = time.perf_counter() - t
        index.close()
    assert taken == count, (taken, count)
    return {"store_s": stored, "index_s": indexing, "generate_s": generated, "open_s": opening, **memory.report()}


def _rows(work: Path, batch: int = 2000):
    """The stored records as plain rows, straight from the store's SQLite file."""
    db = sqlite3.connect(work / "archive.db")
    cursor = db.execute("SELECT json FROM documents ORDER BY rowid")
    while True:
        chunk = cursor.fetchmany(batch)
        if not chunk:
            break
        for (record,) in chunk:
            data = json.loads(record)
            text = data["text"]
            body = text[data.get("body_start") or 0 :]
            persons = sorted({m["canonical"] or m["text"] for m in data["mentions"] if m["kind"] == "person"}
                             | {p["name"] for p in data["participants"]})
            speakers = sorted({b["speaker"] for b in data["blocks"] if b.get("speaker")})
            earliest = (data["date"] or {}).get("earliest")
            provenance = data["provenance"]
            yield {
                "id": data["id"],
                "title": data.get("title") or "",
                "summary": data.get("summary") or "",
                "body": body,
                "lang": data.get("original_language"),
                "year": int(earliest[:4]) if earliest else None,
                "archive": [v for v in (provenance.get("repository"), provenance.get("archive")) if v],
                "repository": provenance.get("repository"),
                "persons": persons,
                "speakers": speakers,
            }
    db.close()


def _raw_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in ("title", "summary", "body"):
        builder.add_text_field(name)
    for name in ("lang", "archive", "person", "speaker"):
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    return builder.build()


def phase_raw(work: Path) -> dict[str, Any]:
    import tantivy

    folder = work / "raw.tantivy"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    memory = Memory()
    index = tantivy.Index(_raw_schema(), path=str(folder))
    writer = index.writer(WRITER_HEAP, WRITER_THREADS)
    started = time.perf_counter()
    count = 0
    for row in _rows(work):
        doc = tantivy.Document()
        doc.add_text("id", row["id"])
        doc.add_text("title", row["title"])
        doc.add_text("summary", row["summary"])
        doc.add_text("body", row["body"])
        if row["lang"]:
            doc.add_text("lang", row["lang"])
        for value in row["archive"]:
            doc.add_text("archive", value)
        for value in row["persons"]:
            doc.add_text("person", value)
        for value in row["speakers"]:
            doc.add_text("speaker", value)
        if row["year"] is not None:
            doc.add_integer("year", row["year"])
        writer.add_document(doc)
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return {"raw_s": time.perf_counter() - started, "count": count, **memory.report()}


def phase_fts(work: Path) -> dict[str, Any]:
    path = work / "fts.db"
    path.unlink(missing_ok=True)
    memory = Memory()
    db = sqlite3.connect(path)
    db.executescript(
        """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE docs (
            rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, summary TEXT, body TEXT,
            persons TEXT, speakers TEXT, lang TEXT, year INTEGER, repository TEXT
        );
        CREATE INDEX docs_lang ON docs (lang);
        CREATE INDEX docs_year ON docs (year);
        CREATE INDEX docs_repository ON docs (repository);
        -- External content, as sqlite-utils sets it up for Datasette.
        CREATE VIRTUAL TABLE docs_fts USING fts5(
            title, summary, body, persons, speakers, content="docs", content_rowid="rowid"
        );
        """
    )
    reading = plain = full_text = 0.0
    started = time.perf_counter()
    rows = _rows(work)
    batch: list[tuple] = []
    number = 0

    def flush() -> tuple[float, float]:
        t = time.perf_counter()
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
        middle = time.perf_counter()
        db.executemany(
            "INSERT INTO docs_fts (rowid, title, summary, body, persons, speakers) VALUES (?, ?, ?, ?, ?, ?)",
            [(b[0], b[2], b[3], b[4], b[5], b[6]) for b in batch],
        )
        return middle - t, time.perf_counter() - middle

    db.execute("BEGIN")
    t = time.perf_counter()
    for row in rows:
        number += 1
        batch.append((number, row["id"], row["title"], row["summary"], row["body"], "; ".join(row["persons"]),
                      "; ".join(row["speakers"]), row["lang"], row["year"], row["repository"]))
        if len(batch) == 2000:
            reading += time.perf_counter() - t
            a, b = flush()
            plain += a
            full_text += b
            batch.clear()
            t = time.perf_counter()
    reading += time.perf_counter() - t
    if batch:
        a, b = flush()
        plain += a
        full_text += b
    t = time.perf_counter()
    db.execute("COMMIT")
    full_text += time.perf_counter() - t
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"fts_s": reading + full_text, "docs_s": plain, "total_s": time.perf_counter() - started, **memory.report()}


def _child(phase: str, *args: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, __file__, "_phase", phase, *args], capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        raise RuntimeError(f"phase {phase} failed:\n{run.stdout}\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


# -- the pages -----------------------------------------------------------------------------


def archivist_page(index: Any) -> Callable[[dict[str, Any]], int]:
    def page(query: dict[str, Any]) -> int:
        results = index.search(query["q"], limit=PAGE, facets=FACETS, snippets=True)
        return results.total

    return page


def raw_page(work: Path) -> Callable[[dict[str, Any]], int]:
    import tantivy
    from tantivy import Occur, Query

    index = tantivy.Index.open(str(work / "raw.tantivy"))
    schema = index.schema
    texts = sqlite3.connect(work / "fts.db", check_same_thread=False)
    fields = ["title", "summary", "body"]
    boosts = {"title": 3.0, "summary": 1.5}

    def build(query: dict[str, Any]) -> tantivy.Query:
        q = query["q"]
        if q.startswith("person:"):
            return Query.boolean_query([
                (Occur.Must, Query.term_query(schema, "person", "Kim Il Sung")),
                (Occur.Must, index.parse_query("Korea", fields, boosts)),
            ])
        if q.startswith("speaker:"):
            return Query.boolean_query([
                (Occur.Must, Query.term_query(schema, "speaker", "Mao Zedong")),
                (Occur.Must, index.parse_query("Korea", fields, boosts)),
            ])
        if q.startswith("year:"):
            low, high = query["years"]
            return Query.boolean_query([
                (Occur.Must, Query.range_query(schema, "year", tantivy.FieldType.Integer, low, high)),
                (Occur.Must, index.parse_query("armistice", fields, boosts)),
            ])
        if q.endswith("*"):
            # tantivy's own prefix query: every hit scores alike, 50 words at most.
            return Query.phrase_prefix_query(schema, "body", [q[:-1].lower()])
        if q.startswith("(Korea"):
            return index.parse_query("(Korea OR China) -Japan", fields, boosts)
        return index.parse_query(q, fields, boosts)

    def page(query: dict[str, Any]) -> int:
        searcher = index.searcher()
        tq = build(query)
        result = searcher.search(tq, PAGE, count=True)
        ids = [searcher.doc(address)["id"][0] for _, address in result.hits]
        if ids:
            marks = ",".join("?" * len(ids))
            bodies = dict(texts.execute(f"SELECT id, body FROM docs WHERE id IN ({marks})", ids).fetchall())
            generator = tantivy.SnippetGenerator.create(searcher, tq, schema, "body")
            for id in ids:
                generator.snippet_from_doc(tantivy.Document(body=bodies[id])).to_html()
        searcher.aggregate(tq, {
            "lang": {"terms": {"field": "lang", "size": 50}},
            "year": {"terms": {"field": "year", "size": 10_000}},
            "archive": {"terms": {"field": "archive", "size": 50}},
        })
        return result.count

    return page


def fts_page(work: Path) -> Callable[[dict[str, Any]], int]:
    db = sqlite3.connect(work / "fts.db", check_same_thread=False)

    def page(query: dict[str, Any]) -> int:
        match = query["match"]
        where = "docs_fts MATCH ?"
        args: list[Any] = [match]
        if "years" in query:
            where += " AND d.year BETWEEN ? AND ?"
            args += list(query["years"])
        source = "docs_fts JOIN docs AS d ON d.rowid = docs_fts.rowid"
        count = db.execute(f"SELECT count(*) FROM {source} WHERE {where}", args).fetchone()[0]
        db.execute(
            f"SELECT d.id, d.title, snippet(docs_fts, 2, '<b>', '</b>', '…', 24) FROM {source} WHERE {where}"
            f" ORDER BY bm25(docs_fts, 3.0, 1.5, 1.0, 0.0, 0.0) LIMIT {PAGE}",
            args,
        ).fetchall()
        for column in ("lang", "year", "repository"):
            db.execute(
                f"SELECT d.{column}, count(*) FROM {source} WHERE {where} GROUP BY d.{column}"
                " ORDER BY count(*) DESC LIMIT 50",
                args,
            ).fetchall()
        return count

    return page


class Datasette:
    """`datasette serve` on the FTS5 file, on a free loopback port, for as long as needed."""

    def __init__(self, work: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        executable = Path(sys.executable).with_name("datasette")
        self.log = (work / "datasette.log").open("wb")
        self.process = subprocess.Popen(
            [
                str(executable), "serve", str(work / "fts.db"), "--host", "127.0.0.1", "--port", str(self.port),
                # Time limits high enough to answer every page in full, never a cut-off page.
                "--setting", "sql_time_limit_ms", "600000",
                "--setting", "facet_time_limit_ms", "600000",
                "--setting", "suggest_facets", "off",
                "--setting", "num_sql_threads", "2",
            ],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/versions.json", timeout=2).read()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("datasette did not start; see datasette.log") from None
                time.sleep(0.3)

    def page(self, query: dict[str, Any]) -> int:
        params = [("_search", query["match"]), ("_searchmode", "raw"), ("_size", str(PAGE)),
                  ("_facet", "lang"), ("_facet", "year"), ("_facet", "repository"), ("_shape", "objects")]
        if "years" in query:
            params += [("year__gte", str(query["years"][0])), ("year__lte", str(query["years"][1]))]
        url = f"http://127.0.0.1:{self.port}/fts/docs.json?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=600) as response:
            data = json.loads(response.read())
        return int(data["filtered_table_rows_count"])

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _time(page: Callable[[dict[str, Any]], int], query: dict[str, Any], reps: int) -> tuple[float, float, int]:
    total = page(query)  # warm-up, and the count the others are checked against
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        page(query)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return statistics.median(times), p95, total


# -- the run -------------------------------------------------------------------------------


def run(docs: int, work: Path, *, reps: int, slow_reps: int, seed: int = 1956, reuse: bool = False) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"docs": docs, "date": date.today().isoformat(), "machine": _machine()}
    if not (reuse and (work / "results.json").exists()):
        for name in ("archive.db", "archive.db-wal", "archive.db-shm"):
            (work / name).unlink(missing_ok=True)
        shutil.rmtree(work / "archive.db.index", ignore_errors=True)
        result["archivist"] = _child("archivist", str(work), str(docs), str(seed))
        result["raw"] = _child("raw", str(work))
        result["fts"] = _child("fts", str(work))
    else:
        previous = json.loads((work / "results.json").read_text())
        result.update({k: previous[k] for k in ("archivist", "raw", "fts")})

    from archivist.search import open_index
    from archivist.store import open_store

    rows: dict[str, dict[str, Any]] = {}
    datasette = Datasette(work)
    try:
        with open_store(work / "archive.db") as store, open_index(store) as index:
            engines = {
                "archivist": (archivist_page(index), reps),
                "raw tantivy": (raw_page(work), reps),
                "FTS5": (fts_page(work), slow_reps),
                "Datasette": (datasette.page, slow_reps),
            }
            for name, query in QUERIES.items():
                rows[name] = {}
                for engine, (page, count) in engines.items():
                    p50, p95, total = _time(page, query, count)
                    rows[name][engine] = {"p50_ms": p50, "p95_ms": p95, "total": total}
            full = {}
            for name, query in QUERIES.items():
                p50, p95, _ = _time(lambda q: index.search(q["q"], limit=PAGE, facets=True).total, query, reps)
                full[name] = {"p50_ms": p50, "p95_ms": p95}
            result["all_facets"] = full
    finally:
        datasette.close()
    result["queries"] = rows
    (work / "results.json").write_text(json.dumps(result, indent=2))
    return result


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def table(result: dict[str, Any]) -> str:
    """The results as the table the README and RESULTS.md show."""
    docs = result["docs"]
    a, raw, fts = result["archivist"], result["raw"], result["fts"]
    archivist_rate = docs / (a["store_s"] + a["index_s"])
    raw_rate = docs / raw["raw_s"]
    fts_rate = docs / fts["fts_s"]
    lines = [
        f"archivist search benchmark: {docs:,} documents, {result['date']}, {result['machine']}",
        "",
        "ingest                         records/s   peak RSS (anonymous + mapped index files)",
        f"  archivist (store + index)    {archivist_rate:9,.0f}   {_memory(a)}"
        f"   (store {a['store_s']:.1f} s, index {a['index_s']:.1f} s)",
        f"  raw tantivy (index only)     {raw_rate:9,.0f}   {_memory(raw)}",
        f"  FTS5 bare INSERT             {fts_rate:9,.0f}   {_memory(fts)}",
        f"  archivist / raw tantivy      {archivist_rate / raw_rate:9.0%}",
        "",
        "full page (count + top 20 with snippets + facets lang, year, archive), ms p50 / p95",
        f"  {'query':<16}{'hits':>9}  {'archivist':>15}  {'raw tantivy':>15}  {'FTS5':>17}  {'Datasette':>17}"
        f"  {'arch/raw p95':>12}  {'FTS5/arch p50':>13}",
    ]
    for name, row in result["queries"].items():
        cells = []
        for engine in ("archivist", "raw tantivy", "FTS5", "Datasette"):
            cell = row[engine]
            width = 15 if engine in ("archivist", "raw tantivy") else 17
            cells.append(f"{cell['p50_ms']:.1f} / {cell['p95_ms']:.1f}".rjust(width))
        ratio = row["archivist"]["p95_ms"] / max(row["raw tantivy"]["p95_ms"], 1e-6)
        speedup = row["FTS5"]["p50_ms"] / max(row["archivist"]["p50_ms"], 1e-6)
        lines.append(f"  {name:<16}{row['archivist']['total']:>9,}  {'  '.join(cells)}  {ratio:11.2f}x  {speedup:12.1f}x")
    if "all_facets" in result:
        lines.append("")
        lines.append("archivist with all nine facets (year, decade, lang, archive, type, classification, person, speaker, translator), ms p50 / p95")
        for name, cell in result["all_facets"].items():
            lines.append(f"  {name:<16}{cell['p50_ms']:>8.1f} / {cell['p95_ms']:.1f}")
    lines += ["", "targets"] + [f"  {line}" for line in verdicts(result)]
    return "\n".join(lines)


def _memory(phase: dict[str, Any]) -> str:
    if "peak_anon_mb" not in phase:
        return f"{phase['peak_rss_mb']:6.0f} MB"
    return f"{phase['peak_rss_mb']:6.0f} MB ({phase['peak_anon_mb']:.0f} + {phase['peak_file_mb']:.0f})"


def verdicts(result: dict[str, Any]) -> list[str]:
    """Each target, met or missed and by how much."""
    out = []
    rows = result["queries"]
    worst = max(rows.items(), key=lambda kv: kv[1]["archivist"]["p95_ms"])
    out.append(_verdict(f"every page p95 <= {TARGETS['p95_ms']:.0f} ms", worst[1]["archivist"]["p95_ms"] <= TARGETS["p95_ms"],
                        f"worst {worst[0]}: {worst[1]['archivist']['p95_ms']:.1f} ms"))
    ratios = {n: r["archivist"]["p95_ms"] / max(r["raw tantivy"]["p95_ms"], 1e-6) for n, r in rows.items()}
    worst_ratio = max(ratios.items(), key=lambda kv: kv[1])
    out.append(_verdict(f"every page p95 <= {TARGETS['vs_raw']}x raw tantivy", worst_ratio[1] <= TARGETS["vs_raw"],
                        f"worst {worst_ratio[0]}: {worst_ratio[1]:.2f}x; "
                        + ", ".join(f"{n} {v:.2f}x" for n, v in ratios.items() if v > TARGETS["vs_raw"])))
    common = rows["common word"]
    speedup = common["FTS5"]["p50_ms"] / max(common["archivist"]["p50_ms"], 1e-6)
    out.append(_verdict(f">= {TARGETS['vs_fts5_common']:.0f}x faster than FTS5 on the common word", speedup >= TARGETS["vs_fts5_common"], f"{speedup:.1f}x"))
    slower = [n for n, r in rows.items() if r["archivist"]["p50_ms"] >= r["Datasette"]["p50_ms"]]
    out.append(_verdict("faster than Datasette on every query", not slower, "slower on " + ", ".join(slower) if slower else "all faster"))
    a, raw = result["archivist"], result["raw"]
    share = (raw["raw_s"]) / (a["store_s"] + a["index_s"])
    out.append(_verdict(f"ingest >= {TARGETS['ingest_vs_raw']:.0%} of raw tantivy's rate", share >= TARGETS["ingest_vs_raw"], f"{share:.0%}"))
    detail = f"{a['peak_rss_mb']:.0f} MB"
    if "peak_anon_mb" in a:
        detail += f" ({a['peak_anon_mb']:.0f} MB anonymous, {a['peak_file_mb']:.0f} MB of mapped index files at most)"
    out.append(_verdict(f"ingest peak RSS < {TARGETS['rss_mb']:.0f} MB", a["peak_rss_mb"] < TARGETS["rss_mb"], detail))
    return out


def _verdict(target: str, met: bool, detail: str) -> str:
    return f"{'met   ' if met else 'MISSED'}  {target}: {detail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "_phase":
        phase, rest = args[1], args[2:]
        if phase == "archivist":
            out = phase_archivist(Path(rest[0]), int(rest[1]), int(rest[2]))
        elif phase == "raw":
            out = phase_raw(Path(rest[0]))
        else:
            out = phase_fts(Path(rest[0]))
        print(json.dumps(out))
        return 0
    parser = argparse.ArgumentParser(description="Benchmark archivist search against raw tantivy, FTS5 and Datasette.")
    parser.add_argument("--docs", type=int, default=100_000, help="records in the synthetic corpus")
    parser.add_argument("--quick", action="store_true", help="10,000 records and few repetitions: a smoke run")
    parser.add_argument("--work", type=Path, default=None, help="folder for the data (default var/bench/DOCS)")
    parser.add_argument("--reps", type=int, default=None, help="timed runs per query for archivist and raw tantivy")
    parser.add_argument("--slow-reps", type=int, default=None, help="timed runs per query for FTS5 and Datasette")
    parser.add_argument("--reuse", action="store_true", help="reuse the data of an earlier run in --work")
    parser.add_argument("--seed", type=int, default=1956)
    options = parser.parse_args(args)
    docs = 10_000 if options.quick else options.docs
    work = options.work or ROOT / "var" / "bench" / str(docs)
    reps = options.reps or (5 if options.quick else 30)
    slow = options.slow_reps or (2 if options.quick else (5 if docs <= 100_000 else 3))
    result = run(docs, work, reps=reps, slow_reps=slow, seed=options.seed, reuse=options.reuse)
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
