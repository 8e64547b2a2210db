"""The embedded search engine: a tantivy index in a folder beside the SQLite store.

Folder layout (`archive.db.index/`):

- `tantivy/`: the index, one tantivy document per record (fields: `tantivy_schema.py`).
- `state.json`: the layout version and the watermark, the store's last change number indexed.
  It is written after the index commits, so a process killed in between indexes the last few
  records again (adding a record deletes its earlier version first, so that is harmless).
- `names.sqlite`: the spellings of the person authority (`variants.Spellings`).

A hit's text, its passages and its repairs are stored with it, so a page of 20 hits reads no
record from the store: measured, 0.1 ms for the page instead of 6 ms for 20 records parsed
from SQLite, for an index about a third larger. Queries are planned in `tantivy_query.py`.

Quirks of tantivy 0.27 worked around here: `search(q, 0)` panics, so a page of 0 hits asks for
1; one writer at a time, so a busy lock means another process is catching up and this one
leaves it the work; a reader reloads a moment after a commit, so a search first looks whether
the watermark moved.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Order, Query

from archivist.document import Document
from archivist.errors import QueryError
from archivist.query import Node, parse
from archivist.search import (
    FACETS,
    FacetValue,
    Hit,
    NamedPerson,
    SearchIndex,
    SearchResults,
    check_page,
)
from archivist.search.readings import Reading, repairs
from archivist.search.snippets import Passage, match_variants, passages, snippets
from archivist.search.snippets import Spellings as SnippetSpellings
from archivist.search.tantivy_query import Plan, Planner
from archivist.search.tantivy_schema import FACET_FIELDS, NO_DATE, SEPARATOR, analyzer, day, keyword_analyzer, schema, slug
from archivist.search.variants import Spellings, expand
from archivist.store.base import Store

# The names other engines take from here (the PostgreSQL engine shares the analyzers and keys).
_slug = slug
_keyword_analyzer = keyword_analyzer

__all__ = ["LAYOUT", "TantivyIndex", "analyzer"]

#: The index layout; a folder with another one is rebuilt from the store.
LAYOUT = 2
#: A prefix stands for at most this many words, the most frequent.
PREFIX_TERMS = 50
#: Records per read from the store, and between commits while catching up.
BATCH = 500
COMMIT_EVERY = 100_000
#: Memory for the index writer, all threads together (tantivy wants 15 MB a thread at least).
#: Measured at a million records: 100 MB keeps the writer's process under 250 MB of its own
#: memory; 200 MB made bigger segments whose merges took over 500 MB, for no faster a build.
WRITER_HEAP = 100_000_000



class TantivyIndex(SearchIndex):
    """The index of `store` in `folder`, created if missing and rebuilt if its layout is old."""

    def __init__(self, store: Store, folder: str | Path, *, catch_up: bool = True):
        self.store = store
        self.folder = Path(folder)
        self.schema = schema()
        self._words = analyzer()
        self.keyword = keyword_analyzer()
        self._lock = threading.RLock()
        self._checked_at = time.monotonic()
        self._loaded = -1
        self.folder.mkdir(parents=True, exist_ok=True)
        state = self._read_state()
        if state.get("layout") != LAYOUT or state.get("watermark", 0) > store.last_change():
            # An old layout, or a watermark past the store's last change (the store file was
            # replaced): what is in the folder cannot be trusted.
            self._wipe()
        self.index = self._open_tantivy()
        self.spellings = Spellings(self.folder / "names.sqlite")
        if catch_up:
            self.catch_up()

    def __repr__(self) -> str:
        return f"TantivyIndex({str(self.folder)!r})"

    # -- the folder ------------------------------------------------------------------------

    def _open_tantivy(self) -> tantivy.Index:
        path = self.folder / "tantivy"
        path.mkdir(exist_ok=True)
        try:
            index = tantivy.Index(self.schema, path=str(path), reuse=True)
        except ValueError as exc:
            if "schema does not match" not in str(exc):
                raise
            # Another layout under the same number: derived data, so start afresh.
            self._wipe()
            path.mkdir()
            index = tantivy.Index(self.schema, path=str(path), reuse=True)
        index.register_tokenizer("words", self._words)
        index.register_tokenizer("keyword", self.keyword)
        return index

    def _read_state(self) -> dict[str, Any]:
        try:
            return json.loads((self.folder / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _write_state(self, watermark: int) -> None:
        path = self.folder / "state.json"
        temporary = path.with_name(f".state.{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_text(json.dumps({"layout": LAYOUT, "watermark": watermark}), encoding="utf-8")
        os.replace(temporary, path)

    def _wipe(self) -> None:
        shutil.rmtree(self.folder / "tantivy", ignore_errors=True)
        (self.folder / "state.json").unlink(missing_ok=True)

    @property
    def watermark(self) -> int:
        return int(self._read_state().get("watermark", 0))

    def count(self) -> int:
        return self.index.searcher().num_docs

    def people(self, name: str = "", *, offset: int = 0, limit: int = 20) -> tuple[int, list[NamedPerson]]:
        answer = self.index.searcher().aggregate(
            Query.all_query(), {"people": {"terms": {"field": "person_id", "size": 1_000_000}}}
        )
        counts = {str(b["key"]): int(b["doc_count"]) for b in answer["people"]["buckets"]}
        if name.strip():
            wanted = self.spellings.named(name)
            counts = {k: v for k, v in counts.items() if k in wanted}
        ranked = []
        for person_id, records in counts.items():
            person = self.spellings.person(person_id)
            if person is not None:
                ranked.append((person, records))
        ranked.sort(key=lambda pair: (-pair[1], pair[0].name, pair[0].id))
        page = ranked[offset : offset + limit]
        return len(ranked), [_named(person, records) for person, records in page]

    def person(self, id: str) -> NamedPerson | None:
        person = self.spellings.person(id)
        if person is None:
            return None
        records = self.index.searcher().search(Query.term_query(self.schema, "person_id", id), 1, count=True).count
        return _named(person, records)

    def close(self) -> None:
        self.spellings.close()

    # -- indexing --------------------------------------------------------------------------

    def catch_up(self) -> int:
        with self._lock:
            start = self.watermark
            last = self.store.last_change()
            if start >= last:
                return 0
            try:
                writer = self.index.writer(WRITER_HEAP, min(2, os.cpu_count() or 1))
            except ValueError as exc:
                if "LockBusy" in str(exc):
                    return 0  # another process is catching up right now; it does the work
                raise
            taken = 0
            fresh = self.index.searcher().num_docs == 0
            watermark = start
            try:
                while True:
                    changes = self.store.changes(after=watermark, limit=BATCH)
                    if not changes:
                        break
                    for change in changes:
                        # A fresh index holds no earlier version of a record listed before
                        # the run began; deleting first costs a lookup in every segment.
                        if not fresh or change.seq > last:
                            writer.delete_documents_by_term("id", change.document.id)
                        writer.add_document(self.document(change.document))
                        watermark = change.seq
                        taken += 1
                        if taken % COMMIT_EVERY == 0:
                            writer.commit()
                            self._write_state(watermark)
                writer.commit()
                self._write_state(watermark)
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            finally:
                del writer
            self.index.reload()
            return taken

    def rebuild(self) -> int:
        with self._lock:
            self._wipe()
            self.index = self._open_tantivy()
            self.catch_up()
            return self.count()

    def document(self, record: Document) -> tantivy.Document:
        """The tantivy document for one record."""
        doc = tantivy.Document()
        doc.add_text("id", record.id)
        text = record.text
        reading = Reading.of(record)
        for name, value in (("title", record.title), ("summary", record.summary)):
            if value:
                doc.add_text(name, value)
                repaired = _repaired(text, value, reading)
                if repaired is not None:
                    doc.add_text(name, repaired)
        body_start = record.body_start or 0
        doc.add_text("body", text[body_start:])
        if record.date.edtf:
            doc.add_text("date", record.date.edtf)
        held_passages = passages(record)
        doc.add_bytes("text", text.encode("utf-8"))
        layout = {"p": [[p.start, p.end, p.kind, p.speaker] for p in held_passages], "r": repairs(record)}
        doc.add_bytes("layout", json.dumps(layout, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        held: dict[str, list[str]] = {}
        speakers: dict[str, str] = {}
        for passage in held_passages:
            read = reading.read(passage.start, passage.end) if reading is not None else None
            printed = text[passage.start : passage.end]
            if read is not None and read != printed:
                doc.add_text("body", read)  # the passage as it reads after its repairs
            if passage.speaker:
                key = slug(passage.speaker)
                speakers.setdefault(key, passage.speaker)
                held.setdefault(key, []).append(read or printed)
        if held:
            doc.add_json("turns", held)
        self._add_speakers(doc, record, speakers)
        self._add_people(doc, record)
        if record.original_language:
            doc.add_text("lang", record.original_language)
            doc.add_text("lang_key", record.original_language)
        if record.classification:
            doc.add_text("classification", record.classification)
            doc.add_text("classification_key", record.classification)
        for name, values in (
            ("archive", [record.provenance.repository, record.provenance.archive]),
            ("type", [record.document_type]),
            ("translator", record.translators),
        ):
            for value in dict.fromkeys(v for v in values if v):
                doc.add_text(name, value)
                doc.add_text(f"{name}_words", value)
        earliest, latest = day(record.date.earliest), day(record.date.latest)
        if earliest is not None and latest is not None:
            doc.add_integer("earliest", earliest)
            doc.add_integer("latest", latest)
            doc.add_integer("year", earliest // 10_000)
        # Date, then a number from the id: ties in date keep one order across commits.
        doc.add_integer("sort_date", (earliest or NO_DATE) * 1_000_000 + zlib.crc32(record.id.encode()) % 1_000_000)
        return doc

    def _add_speakers(self, doc: tantivy.Document, record: Document, speakers: dict[str, str]) -> None:
        for key, name in speakers.items():
            doc.add_text("speaker", name)
            doc.add_text("speaker_key", key)
            names = {name}
            for participant in record.participants:
                if participant.name == name or name in participant.aliases:
                    names.update(participant.aliases)
                    names.add(participant.name)
                    if participant.authority_id:
                        names.update(self.spellings.spellings(participant.authority_id))
                        doc.add_text("speaker_token", f"{participant.authority_id}{SEPARATOR}{key}")
            for spelling in names:
                doc.add_text("speaker_words", spelling)
            for token in {t for n in names for t in self._words.analyze(n)}:
                doc.add_text("speaker_token", f"{token}{SEPARATOR}{key}")

    def _add_people(self, doc: tantivy.Document, record: Document) -> None:
        names: set[str] = set()
        shown: set[str] = set()
        ids: set[str] = set()
        for mention in record.mentions:
            if mention.kind != "person":
                continue
            names.update(n for n in (mention.text, mention.canonical) if n)
            if mention.authority_id:
                ids.add(mention.authority_id)
                shown.add(self.spellings.label(mention.authority_id) or mention.canonical or mention.text)
        for participant in record.participants:
            names.add(participant.name)
            names.update(participant.aliases)
            linked = participant.authority_id
            if not linked:
                # A participant's name that is one person's full name in the authority is that
                # person, as the people stage links mentions.
                found = self.spellings.persons(participant.name)
                linked = found[0] if len(found) == 1 else None
            if linked:
                ids.add(linked)
                shown.add(self.spellings.label(linked) or participant.name)
            else:
                shown.add(participant.name)
        for value in names:
            doc.add_text("person_words", value)
        for value in shown:
            doc.add_text("person", value)
        for value in ids:
            doc.add_text("person_id", value)

    # -- searching -------------------------------------------------------------------------

    def _refresh(self) -> None:
        """See what another writer (an ingest, in this process or another) committed since the
        last search, and catch up with records the store has and the index lacks; the store is
        asked once a second at most, so a busy server spends one cheap query on it."""
        try:
            changed = (self.folder / "state.json").stat().st_mtime_ns
        except OSError:
            changed = 0
        if changed != self._loaded:
            # tantivy reloads on commit by itself, but only after a moment.
            self.index.reload()
            self._loaded = changed
        now = time.monotonic()
        if now - self._checked_at < 1.0:
            return
        self._checked_at = now
        if self.store.last_change() > self.watermark:
            self.catch_up()

    def analyze(self, text: str) -> list[str]:
        return self._words.analyze(text)

    def search(
        self,
        query: str | Node = "",
        *,
        selected: Mapping[str, Sequence[str]] | None = None,
        sort: str = "relevance",
        offset: int = 0,
        limit: int = 20,
        facets: bool | Sequence[str] = False,
        facet_size: int = 10,
        snippets: bool = True,
    ) -> SearchResults:
        check_page(sort, offset, limit, selected)
        self._refresh()
        plan = self._plan(query, selected)
        searcher = self.index.searcher()
        order = {} if sort == "relevance" and plan.scored else {"order_by_field": "sort_date", "order": Order.Asc}
        names = list(FACETS) if facets is True else list(facets or [])
        # With facets, the aggregation counts the matches on its pass over them, and the top
        # hits need no count: tantivy can then skip the blocks that cannot reach the page.
        # tantivy panics on a page of 0 hits; ask for one and drop it.
        result = searcher.search(plan.query, max(limit, 1), count=not names, offset=offset, **order)
        addresses = [(score, address) for score, address in result.hits][:limit]
        hits = [self._hit(searcher, plan, score if not order else None, address, snippets) for score, address in addresses]
        total = result.count
        counted: dict[str, list[FacetValue]] = {}
        if names:
            counted, total = self._facets(searcher, plan.query, names, facet_size)
        return SearchResults(
            query=query if isinstance(query, str) else str(query),
            parsed=str(plan.tree),
            total=total,
            offset=offset,
            limit=limit,
            sort=sort,
            hits=tuple(hits),
            facets=counted,
            selected={k: list(v) for k, v in (selected or {}).items() if v},
            notes=tuple(plan.notes),
        )

    def facets(
        self,
        query: str | Node = "",
        *,
        selected: Mapping[str, Sequence[str]] | None = None,
        names: Sequence[str] = FACETS,
        size: int = 10,
    ) -> dict[str, list[FacetValue]]:
        check_page("relevance", 0, 0, selected)
        for name in names:
            if name not in FACETS:
                raise QueryError(f"unknown facet {name!r}; the facets are {', '.join(FACETS)}")
        self._refresh()
        plan = self._plan(query, selected)
        return self._facets(self.index.searcher(), plan.query, list(names), size)[0]

    def _facets(self, searcher: tantivy.Searcher, query: Query, names: list[str], size: int) -> tuple[dict[str, list[FacetValue]], int]:
        """The facet counts, and how many records match (every record has a sort_date)."""
        request: dict[str, Any] = {"matched": {"value_count": {"field": "sort_date"}}}
        for name in names:
            if name in ("year", "decade"):
                # Every year, so decades add up exactly.
                request["year"] = {"terms": {"field": "year", "size": 10_000, "segment_size": 10_000}}
            else:
                wide = name in ("lang", "archive", "type", "classification")
                # Each segment reports every value it has, so counts over segments are exact.
                request[name] = {"terms": {"field": FACET_FIELDS[name], "size": max(size, 50) if wide else size,
                                           "segment_size": 100_000}}
        answer = searcher.aggregate(query, request)
        result: dict[str, list[FacetValue]] = {}
        for name in names:
            buckets = answer.get("year" if name == "decade" else name, {}).get("buckets", [])
            if name == "year":
                result[name] = sorted(
                    (FacetValue(str(int(b["key"])), int(b["doc_count"])) for b in buckets), key=lambda v: v.value
                )
            elif name == "decade":
                decades: dict[int, int] = {}
                for bucket in buckets:
                    decade = int(bucket["key"]) // 10 * 10
                    decades[decade] = decades.get(decade, 0) + int(bucket["doc_count"])
                result[name] = [FacetValue(str(d), n, f"{d}s") for d, n in sorted(decades.items())]
            else:
                values = [FacetValue(str(b["key"]), int(b["doc_count"])) for b in buckets]
                result[name] = sorted(values, key=lambda v: (-v.count, v.value))[: max(size, 1)]
        return result, int(answer["matched"]["value"])

    def _hit(self, searcher: tantivy.Searcher, plan: Plan, score: float | None, address: Any, with_snippets: bool) -> Hit:
        stored = searcher.doc(address)
        title = stored.get_first("title")
        date = stored.get_first("date")
        found: tuple = ()
        variants: tuple = ()
        if with_snippets:
            text = bytes(stored.get_first("text")).decode("utf-8")
            layout = json.loads(bytes(stored.get_first("layout")))
            held = [Passage(*p) for p in layout["p"]]
            reading = Reading.from_repairs(text, [tuple(r) for r in layout["r"]])
            spans = self._highlights(searcher, plan, text, reading)
            speakers = None
            if plan.speakers is not None:
                speakers = {p.speaker for p in held if p.speaker and slug(p.speaker) in plan.speakers}
            found = tuple(snippets(text, held, spans, reading=reading, speakers=speakers))
            if plan.variants:
                if plan.spellings is None:
                    plan.spellings = SnippetSpellings.of(plan.variants, self.analyze)
                variants = tuple(match_variants(text, spans, plan.spellings, self.analyze, reading))
        return Hit(stored.get_first("id"), title, date, score, found, variants)

    def _highlights(self, searcher: tantivy.Searcher, plan: Plan, printed: str, reading: Reading | None) -> list[tuple[int, int]]:
        if plan.highlight is None:
            return []
        text = reading.text if reading is not None else printed
        if plan.generator is None:
            # Made once a page: it weighs the query's words against the index.
            plan.generator = tantivy.SnippetGenerator.create(searcher, plan.highlight, self.schema, "body")
        generator = plan.generator
        # One fragment the size of the whole text: every match in it, in one call.
        generator.set_max_num_chars(len(text) + 1)
        snippet = generator.snippet_from_doc(tantivy.Document(body=text))
        spans = [(r.start, r.end) for r in snippet.highlighted()]
        if not text.isascii():
            spans = _characters(text, spans)
        if reading is None:
            return spans
        return [(reading.to_printed(s), reading.to_printed(e, end=True)) for s, e in spans]

    # -- from the query tree to tantivy ----------------------------------------------------

    def _plan(self, query: str | Node, selected: Mapping[str, Sequence[str]] | None) -> Plan:
        tree = parse(query) if isinstance(query, str) else query
        tree = expand(tree, self.spellings, self.analyze)
        return Planner(self, tree, selected or {}).plan()

    def prefix_terms(self, prefix: str, fields: Sequence[str] = ("body", "title")) -> tuple[list[str], int]:
        """The most frequent words beginning with `prefix`, and how many there are."""
        searcher = self.index.searcher()
        frequency: dict[str, int] = {}
        for name in fields:
            for term, count in searcher.terms_with_prefix(name, prefix, limit=20_000):
                frequency[term] = frequency.get(term, 0) + count
        ranked = sorted(frequency, key=lambda t: (-frequency[t], t))
        return ranked[:PREFIX_TERMS], len(ranked)

    def speaker_keys(self, name: str) -> set[str]:
        """Keys of the speakers `name` can be: every word of it, or of one of the spellings
        of the person it names, is one of theirs."""
        searcher = self.index.searcher()
        spellings = [name]
        for person_id in self.spellings.persons(name):
            spellings.extend(self.spellings.spellings(person_id))
            spellings.append(person_id)
        keys: set[str] = set()
        for spelling in spellings:
            tokens = [spelling] if spelling.isdigit() else self.analyze(spelling)
            found: set[str] | None = None
            for token in tokens:
                mine = {t.split(SEPARATOR, 1)[1] for t, _ in searcher.terms_with_prefix("speaker_token", token + SEPARATOR)}
                found = mine if found is None else found & mine
            keys |= found or set()
        return keys


def _named(person: Any, records: int) -> NamedPerson:
    return NamedPerson(person.id, person.name, person.preferred, person.variants, person.birth_year, person.death_year, records)


def _characters(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Byte offsets of UTF-8 `text` (what tantivy's highlights count) as character offsets."""
    encoded = text.encode("utf-8")
    converted: list[tuple[int, int]] = []
    done_bytes = done_chars = 0
    # The spans come in order: each step decodes only the bytes since the last one, in C.
    for start, end in spans:
        done_chars += len(encoded[done_bytes:start].decode("utf-8", errors="ignore"))
        length = len(encoded[start:end].decode("utf-8", errors="ignore"))
        converted.append((done_chars, done_chars + length))
        done_bytes, done_chars = end, done_chars + length
    return converted


def _repaired(text: str, value: str, reading: Reading | None) -> str | None:
    """How a header value (title, summary) reads, when the text prints it with repairs in it."""
    if reading is None:
        return None
    position = text.find(value)
    if position < 0:
        return None
    read = reading.read(position, position + len(value))
    return read if read != value else None

