"""The embedded search engine: a tantivy index in a folder beside the SQLite store.

Folder layout (`archive.db.index/`):

- `tantivy/`: the index, one tantivy document per record.
- `state.json`: the layout version and the watermark, the store's last change number indexed.
  It is written after the index commits, so a process killed in between indexes the last few
  records again (adding a record deletes its earlier version first, so that is harmless).
- `names.sqlite`: the spellings of the person authority (`variants.Spellings`).

A record is indexed as: `title` (with its repaired reading, if OCR repairs change it),
`summary`, `body` (the text from the body on, plus the repaired reading of each passage that
has repairs), `turns` (a JSON field: for each speaker, the words of the passages they hold, so
`speaker:Mao Korea` matches Mao's words only), and the filter and facet fields. A hit's text, its
passages and its repairs are stored with it (`text`, `layout`), so a page of 20 hits reads no
record from the store: measured, 0.1 ms for the page instead of 6 ms for 20 records parsed
from SQLite, for an index about a third larger.

Quirks of tantivy 0.27 worked around here: a prefix query scores every hit alike and stops at
50 words, so prefixes are expanded against the term dictionary (`_prefix_terms`) into scored
terms; phrase slop is order-sensitive, so NEAR is every order of its words; `search(q, 0)`
panics, so a page of 0 hits asks for 1; one writer at a time, so a busy lock means another
process is catching up and this one leaves it the work.
"""

from __future__ import annotations

import itertools
import json
from bisect import bisect_right
import os
import re
import shutil
import threading
import time
import zlib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Filter as TokenFilter
from tantivy import Occur, Order, Query, TextAnalyzerBuilder, Tokenizer

from archivist.document import Document
from archivist.errors import QueryError
from archivist.query import (
    And,
    DateRange,
    Everything,
    Filter,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    Variants,
    parse,
    speaker_filters,
    text_part,
)
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
from archivist.search.variants import Spellings, expand
from archivist.store.base import Store

__all__ = ["LAYOUT", "TantivyIndex", "analyzer"]

#: The index layout; a folder with another one is rebuilt from the store.
LAYOUT = 2
#: Field weights of free text: a match in the title counts most, then the summary.
WEIGHTS = (("title", 3.0), ("summary", 1.5), ("body", 1.0))
#: A prefix stands for at most this many words, the most frequent.
PREFIX_TERMS = 50
#: Records per read from the store, and between commits while catching up.
BATCH = 500
COMMIT_EVERY = 100_000
#: Memory for the index writer, all threads together (tantivy wants 15 MB a thread at least).
WRITER_HEAP = 200_000_000

_SEPARATOR = "\x1f"
_NO_DATE = 99_999_999


def analyzer() -> tantivy.TextAnalyzer:
    """Words as searched: split at anything not a letter or digit, lower case, accents
    folded ("Sŏng" -> "song"). No stemming, so prefixes and phrases mean what they say."""
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(TokenFilter.remove_long(40))
        .filter(TokenFilter.lowercase())
        .filter(TokenFilter.ascii_fold())
        .build()
    )


def _keyword_analyzer() -> tantivy.TextAnalyzer:
    """A whole value as one token, case and accents folded: `lang:russian` finds "Russian"."""
    return TextAnalyzerBuilder(Tokenizer.raw()).filter(TokenFilter.lowercase()).filter(TokenFilter.ascii_fold()).build()


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="words")
    for name in ("summary", "body"):
        builder.add_text_field(name, tokenizer_name="words")
    # What a hit shows, kept with it: the date, the text and its passages and repairs. A hit
    # then costs one read of the document store instead of a record from SQLite.
    builder.add_text_field("date", stored=True, tokenizer_name="raw")
    builder.add_bytes_field("text", stored=True)
    builder.add_bytes_field("layout", stored=True)
    builder.add_json_field("turns", tokenizer_name="words")
    # Facet values as printed (fast, for counting and exact selection) beside the forms a
    # query matches: whole values folded (`_key`) or words (`_words`).
    for name in ("lang", "archive", "type", "classification", "translator", "person", "speaker"):
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    builder.add_text_field("lang_key", tokenizer_name="keyword")
    builder.add_text_field("classification_key", tokenizer_name="keyword")
    for name in ("archive_words", "type_words", "translator_words", "person_words", "speaker_words"):
        builder.add_text_field(name, tokenizer_name="words")
    builder.add_text_field("person_id", tokenizer_name="raw", fast=True)
    builder.add_text_field("speaker_key", tokenizer_name="raw")
    builder.add_text_field("speaker_token", tokenizer_name="raw")
    for name in ("year", "earliest", "latest", "sort_date"):
        builder.add_integer_field(name, indexed=True, fast=True)
    return builder.build()


FACET_FIELDS = {
    "lang": "lang",
    "archive": "archive",
    "type": "type",
    "classification": "classification",
    "translator": "translator",
    "person": "person",
    "speaker": "speaker",
}


class TantivyIndex(SearchIndex):
    """The index of `store` in `folder`, created if missing and rebuilt if its layout is old."""

    def __init__(self, store: Store, folder: str | Path, *, catch_up: bool = True):
        self.store = store
        self.folder = Path(folder)
        self.schema = _schema()
        self._words = analyzer()
        self._keyword = _keyword_analyzer()
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
        index.register_tokenizer("keyword", self._keyword)
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
                key = _slug(passage.speaker)
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
        earliest, latest = _day(record.date.earliest), _day(record.date.latest)
        if earliest is not None and latest is not None:
            doc.add_integer("earliest", earliest)
            doc.add_integer("latest", latest)
            doc.add_integer("year", earliest // 10_000)
        # Date, then a number from the id: ties in date keep one order across commits.
        doc.add_integer("sort_date", (earliest or _NO_DATE) * 1_000_000 + zlib.crc32(record.id.encode()) % 1_000_000)
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
                        doc.add_text("speaker_token", f"{participant.authority_id}{_SEPARATOR}{key}")
            for spelling in names:
                doc.add_text("speaker_words", spelling)
            for token in {t for n in names for t in self._words.analyze(n)}:
                doc.add_text("speaker_token", f"{token}{_SEPARATOR}{key}")

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

    def _hit(self, searcher: tantivy.Searcher, plan: _Plan, score: float | None, address: Any, with_snippets: bool) -> Hit:
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
                speakers = {p.speaker for p in held if p.speaker and _slug(p.speaker) in plan.speakers}
            found = tuple(snippets(text, held, spans, reading=reading, speakers=speakers))
            if plan.variants:
                if plan.spellings is None:
                    plan.spellings = SnippetSpellings.of(plan.variants, self.analyze)
                variants = tuple(match_variants(text, spans, plan.spellings, self.analyze, reading))
        return Hit(stored.get_first("id"), title, date, score, found, variants)

    def _highlights(self, searcher: tantivy.Searcher, plan: _Plan, printed: str, reading: Reading | None) -> list[tuple[int, int]]:
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

    def _plan(self, query: str | Node, selected: Mapping[str, Sequence[str]] | None) -> _Plan:
        tree = parse(query) if isinstance(query, str) else query
        tree = expand(tree, self.spellings, self.analyze)
        return _Planner(self, tree, selected or {}).plan()

    def _prefix_terms(self, prefix: str, fields: Sequence[str] = ("body", "title")) -> tuple[list[str], int]:
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
                mine = {t.split(_SEPARATOR, 1)[1] for t, _ in searcher.terms_with_prefix("speaker_token", token + _SEPARATOR)}
                found = mine if found is None else found & mine
            keys |= found or set()
        return keys


class _Plan:
    def __init__(self, tree: Node, query: Query, scored: bool, highlight: Query | None,
                 speakers: set[str] | None, variants: list[Variants], notes: list[str]):
        # `speakers`: keys of the speakers whose turns the query is narrowed to, if any.
        self.tree = tree
        self.query = query
        self.scored = scored
        self.highlight = highlight
        self.speakers = speakers
        self.variants = variants
        self.notes = notes
        self.generator: tantivy.SnippetGenerator | None = None
        self.spellings: SnippetSpellings | None = None


class _Planner:
    """Translates one query tree into tantivy queries, collecting what snippets need."""

    def __init__(self, index: TantivyIndex, tree: Node, selected: Mapping[str, Sequence[str]]):
        self.index = index
        self.schema = index.schema
        self.tree = tree
        self.selected = selected
        self.notes: list[str] = []
        self.highlight_tokens: set[str] = set()
        self.variants: list[Variants] = []
        self.scored = False

    def plan(self) -> _Plan:
        speakers = speaker_filters(self.tree)
        text = text_part(self.tree)
        scope: list[tuple[str, float]] = list(WEIGHTS)
        keys: set[str] = set()
        if speakers:
            for speaker in speakers:
                found = self.index.speaker_keys(speaker.value)
                if not found:
                    self.notes.append(f"no speaker in the archive is called {speaker.value!r}")
                keys |= found
            scope = [(f"turns.{key}", 1.0) for key in sorted(keys)]
        clauses: list[tuple[Occur, Query]] = []
        if speakers:
            # Records where the speakers speak at all; the words below are looked for in
            # their turns only.
            clauses.append((Occur.Must, _any([Query.term_query(self.schema, "speaker_key", k) for k in sorted(keys)])))
        translated = self.translate(text, scope, positive=True)
        if translated is not None:
            clauses.append((Occur.Must, translated))
        for name, values in self.selected.items():
            chosen = [v for v in values if v]
            if chosen:
                clauses.append((Occur.Must, _filtering(self.selection(name, chosen))))
        query = Query.all_query() if not clauses else (clauses[0][1] if len(clauses) == 1 else Query.boolean_query(clauses))
        highlight = _any([Query.term_query(self.schema, "body", t) for t in sorted(self.highlight_tokens)]) if self.highlight_tokens else None
        return _Plan(self.tree, query, self.scored, highlight, keys if speakers else None, self.variants, self.notes)

    # Each translate returns None for "no condition" (a word with nothing searchable in it).
    def translate(self, node: Node, scope: list[tuple[str, float]], *, positive: bool) -> Query | None:
        if isinstance(node, Everything):
            return None
        if isinstance(node, And):
            musts = [q for q in (self.translate(i, scope, positive=positive) for i in node.items if not isinstance(i, Not)) if q is not None]
            nots = [q for q in (self.translate(i.item, scope, positive=not positive) for i in node.items if isinstance(i, Not)) if q is not None]
            if not musts and not nots:
                return None
            if not musts:
                musts = [Query.all_query()]
            return Query.boolean_query([(Occur.Must, q) for q in musts] + [(Occur.MustNot, q) for q in nots])
        if isinstance(node, Or):
            items = [self.translate(i, scope, positive=positive) for i in node.items]
            if any(q is None for q in items):
                return None  # one side asks for nothing: the OR holds for every record
            return _any([q for q in items if q is not None])
        if isinstance(node, Not):
            inner = self.translate(node.item, scope, positive=not positive)
            if inner is None:
                return None
            return Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, inner)])
        if isinstance(node, Term):
            if node.prefix:
                return self.prefix(node.text, scope, positive)
            return self.words(self.index.analyze(node.text), scope, positive)
        if isinstance(node, Phrase):
            return self.words(self.index.analyze(node.text), scope, positive)
        if isinstance(node, Near):
            return self.near(node, scope, positive)
        if isinstance(node, Variants):
            if positive:
                self.variants.append(node)
            alternatives = [self.translate(node.original, scope, positive=positive)]
            alternatives += [self.words(self.index.analyze(p), scope, positive) for p in node.phrases]
            found = [q for q in alternatives if q is not None]
            return _any(found) if found else None
        if isinstance(node, DateRange):
            return _filtering(self.dates(node))
        if isinstance(node, Filter):
            query = self.field(node, positive)
            # A title is searched like text; the other fields only say which records qualify.
            return query if node.field == "title" or query is None else _filtering(query)
        raise QueryError(f"cannot search for {node!r}")

    def words(self, tokens: list[str], scope: list[tuple[str, float]], positive: bool) -> Query | None:
        if not tokens:
            return None
        if positive:
            self.highlight_tokens.update(tokens)
            self.scored = True
        per_field = []
        for name, weight in scope:
            if len(tokens) == 1:
                query = Query.term_query(self.schema, name, tokens[0])
            else:
                query = Query.phrase_query(self.schema, name, tokens)
            per_field.append(query if weight == 1.0 else Query.boost_query(query, weight))
        if not per_field:
            return Query.empty_query()
        return per_field[0] if len(per_field) == 1 else Query.disjunction_max_query(per_field, 0.1)

    def prefix(self, text: str, scope: list[tuple[str, float]], positive: bool) -> Query | None:
        tokens = self.index.analyze(text)
        if not tokens:
            return None
        if len(tokens) > 1:
            # "Tse-t*": the words before as they are, the last one as a prefix.
            per_field = [Query.phrase_prefix_query(self.schema, name, tokens) for name, _ in scope]
            if positive:
                self.highlight_tokens.update(tokens[:-1])
                self.scored = True
            return _any(per_field) if per_field else Query.empty_query()
        terms, total = self.index._prefix_terms(tokens[0])
        if total > len(terms):
            self.notes.append(f"{text}* begins {total:,} words; the {len(terms)} most frequent were searched")
        if not terms:
            return Query.empty_query()
        if positive:
            self.highlight_tokens.update(terms)
            self.scored = True
        per_field = []
        for name, weight in scope:
            query = _any([Query.term_query(self.schema, name, t) for t in terms])
            per_field.append(query if weight == 1.0 else Query.boost_query(query, weight))
        return per_field[0] if len(per_field) == 1 else Query.disjunction_max_query(per_field, 0.1)

    def near(self, node: Near, scope: list[tuple[str, float]], positive: bool) -> Query | None:
        tokens = [t for w in node.words for t in self.index.analyze(w)]
        if len(tokens) < 2:
            return self.words(tokens, scope, positive)
        if positive:
            self.highlight_tokens.update(tokens)
            self.scored = True
        # tantivy's slop keeps the words' order; NEAR does not, so every order is asked for.
        orders = list(itertools.permutations(tokens)) if len(tokens) <= 4 else [tuple(tokens)]
        per_field = []
        for name, weight in scope:
            query = _any([Query.phrase_query(self.schema, name, list(o), node.distance) for o in orders])
            per_field.append(query if weight == 1.0 else Query.boost_query(query, weight))
        return _any(per_field) if per_field else Query.empty_query()

    def dates(self, node: DateRange) -> Query:
        # Overlap: the record starts before the range ends and ends after it starts.
        clauses = []
        if node.latest is not None:
            clauses.append(Query.range_query(self.schema, "earliest", tantivy.FieldType.Integer, None, _day(node.latest)))
        if node.earliest is not None:
            clauses.append(Query.range_query(self.schema, "latest", tantivy.FieldType.Integer, _day(node.earliest), None))
        return Query.boolean_query([(Occur.Must, q) for q in clauses])

    def field(self, node: Filter, positive: bool) -> Query | None:
        name, value = node.field, node.value
        if name == "title":
            if node.prefix:
                return self.prefix(value, [("title", 1.0)], positive)
            return self.words(self.index.analyze(value), [("title", 1.0)], positive)
        if name in ("lang", "classification"):
            key = self.index._keyword.analyze(value)
            field = f"{name}_key"
            if not key:
                return None
            if node.prefix:
                terms = [t for t, _ in self.index.index.searcher().terms_with_prefix(field, key[0], limit=1000)]
                return _any([Query.term_query(self.schema, field, t) for t in terms]) if terms else Query.empty_query()
            return Query.term_query(self.schema, field, key[0])
        if name in ("archive", "type", "translator"):
            field = f"{name}_words"
            if node.prefix:
                return self.prefix(value, [(field, 1.0)], positive=False)
            tokens = self.index.analyze(value)
            if not tokens:
                return None
            return Query.term_query(self.schema, field, tokens[0]) if len(tokens) == 1 else Query.phrase_query(self.schema, field, tokens)
        if name == "person":
            return self.person(value, positive)
        raise QueryError(f"{name}: cannot be used here", query=str(self.tree), position=node.position)

    def person(self, value: str, positive: bool) -> Query | None:
        """Records that name the person: a mention or participant linked to their authority
        record, or a participant or mention printed with one of their spellings. The text
        itself is left to the people stage that links mentions: a free-text query finds
        every spelling in it anyway, and a phrase per spelling over every body is slow."""
        spellings = self.index.spellings
        ids = spellings.persons(value)
        # The value as an id too: records link persons the authority lacks by ids of their own.
        clauses = [Query.term_query(self.schema, "person_id", i) for i in dict.fromkeys([value.strip(), *ids])]
        typed = self.index.analyze(value) if not value.isdigit() else []
        if typed:
            # Participants and mentions printed so, linked or not.
            clauses.append(_words_query(self.schema, "person_words", typed))
        names = [value] if typed else []
        for person_id in ids[:4]:
            names.extend(spellings.spellings(person_id))
        if positive:
            # Every spelling is highlighted, so the snippets show where the person is named.
            for name in names:
                self.highlight_tokens.update(self.index.analyze(name))
        if positive and ids:
            label = " / ".join(spellings.label(i) or i for i in ids[:4])
            self.variants.append(Variants(Phrase(value), tuple(names[1:]), label, ids[0] if len(ids) == 1 else None))
        return _any(clauses) if clauses else Query.empty_query()

    def selection(self, name: str, values: list[str]) -> Query:
        """Records with any of `values` for the facet `name`."""
        if name == "year":
            years = [_year(v, name) for v in values]
            return _any([Query.term_query(self.schema, "year", y) for y in years])
        if name == "decade":
            decades = [_year(v.rstrip("s"), name) // 10 * 10 for v in values]
            return _any([Query.range_query(self.schema, "year", tantivy.FieldType.Integer, d, d + 9) for d in decades])
        field = FACET_FIELDS[name]
        return _any([Query.term_query(self.schema, field, v) for v in values])


def _named(person: Any, records: int) -> NamedPerson:
    return NamedPerson(person.id, person.name, person.preferred, person.variants, person.birth_year, person.death_year, records)


def _filtering(query: Query) -> Query:
    """`query` as a condition that adds nothing to the relevance score."""
    return Query.const_score_query(query, 0.0)


def _any(queries: list[Query]) -> Query:
    if not queries:
        return Query.empty_query()
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Should, q) for q in queries])


def _words_query(schema: tantivy.Schema, field: str, tokens: list[str]) -> Query:
    return Query.term_query(schema, field, tokens[0]) if len(tokens) == 1 else Query.phrase_query(schema, field, tokens)


def _characters(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Byte offsets of UTF-8 `text` (what tantivy's highlights count) as character offsets."""
    # Every character past ASCII adds bytes; note where each one starts and how many bytes
    # the text has gained by its end. Records are mostly ASCII, so this list is short.
    starts: list[int] = []
    gained: list[int] = []
    extra = 0
    for match in _NON_ASCII.finditer(text):
        width = len(match.group().encode("utf-8")) - 1
        starts.append(match.start() + extra)
        extra += width
        gained.append(extra)

    def character(offset: int) -> int:
        index = bisect_right(starts, offset - 1)
        return offset - (gained[index - 1] if index else 0)

    return [(character(start), character(end)) for start, end in spans]


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _year(value: str, facet: str) -> int:
    if not re.fullmatch(r"\d{1,4}", value.strip()):
        raise QueryError(f"{facet} {value!r} is not a year; give four digits, e.g. 1956")
    return int(value)


def _day(iso: str | None) -> int | None:
    """1956-09-18 -> 19560918; None for a date that is not a full ISO day."""
    if not iso or len(iso) < 10 or iso[4] != "-" or iso[7] != "-":
        return None
    digits = iso[:4] + iso[5:7] + iso[8:10]
    return int(digits) if digits.isdigit() else None


@lru_cache(maxsize=4096)
def _slug(name: str) -> str:
    """A speaker's key in the `turns` field: letters and digits, folded, joined by '-'."""
    from archivist.authority import normalise

    return "-".join(normalise(name).split()) or "unnamed"


def _repaired(text: str, value: str, reading: Reading | None) -> str | None:
    """How a header value (title, summary) reads, when the text prints it with repairs in it."""
    if reading is None:
        return None
    position = text.find(value)
    if position < 0:
        return None
    read = reading.read(position, position + len(value))
    return read if read != value else None

