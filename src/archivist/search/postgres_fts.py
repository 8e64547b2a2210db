"""The server search engine: PostgreSQL's own full text, in the store's database.

Tables (`postgres_schema.py`; kept beside the store's, derived from it and rebuilt whenever
their layout changes):

- `search_documents`: one row per record: a weighted `tsvector` (title A, summary B, body C)
  under a GIN index, the token streams of every searchable field (`' mao tse tung | ... '`)
  for phrases and NEAR, the turns of each speaker, the facet values and the date bounds, and
  the record's text and layout for snippets.
- `search_terms`: how many fields of how many records hold each word, so that `negotia*` can
  stand for the most frequent words that begin so, as in the tantivy engine.
- `search_speakers`: which speaker keys a word of a speaker's names (or a person id) points to.
- `search_names`: the speakers' names, under a trigram index over their unaccented form
  (`pg_trgm` and `unaccent`): a `speaker:` no record has is answered with the names closest to it.
- `search_state`: the layout and the watermark, the store's last change taken in. A batch of
  records and the watermark move in one transaction, so a kill loses and doubles nothing.

A record's fields are those the tantivy engine indexes, taken from it (`_Fields`), and words
are that engine's analyzer's tokens: the two engines give the same records for the same query.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from archivist.document import Document
from archivist.errors import QueryError
from archivist.query import Node, parse
from archivist.search import FACETS, FacetValue, Hit, NamedPerson, SearchIndex, SearchResults, check_page
from archivist.search.postgres_query import GAP, SCALAR_FACETS, Plan, Planner, stream, tsquery_of
from archivist.search.postgres_schema import COLUMNS, LAYOUT, SCHEMA, TABLES
from archivist.search.readings import Reading
from archivist.search.snippets import Passage, match_variants, snippets
from archivist.search.snippets import Spellings as SnippetSpellings
from archivist.search.tantivy_index import TantivyIndex, _keyword_analyzer, _slug, analyzer
from archivist.search.variants import Spellings, expand
from archivist.store.postgres import PostgresStore, changes_in

__all__ = ["LAYOUT", "PostgresIndex"]

#: Records read from the store's change feed, and written, in one transaction.
BATCH = 200
#: Records taken in between two ANALYZE of the tables while catching up.
ANALYZE_EVERY = 5000
#: Positions of one word kept in the tsvector for ranking (membership never depends on them).
POSITIONS = 8
#: Ranking reads `rank_tsv`: the title, the summary and the first RANK_BODY words of the body,
#: with RANK_POSITIONS positions a word. Small enough to stay in the row, it ranks thousands of
#: matches without reading each record's whole tsvector back from TOAST storage.
RANK_BODY = 300
RANK_POSITIONS = 2
#: Ranking weights of the tsvector's D, C, B, A labels: body 1, summary 1.5, title 3.
RANK_WEIGHTS = "{0.1, 0.333, 0.5, 1.0}"
#: Key of the advisory lock held by the one process catching the tables up.
_CATCH_UP_LOCK = 0x61726373
#: Separates a word from its speaker's key in the tantivy engine's speaker_token values.
_SEPARATOR = "\x1f"


class _Fields:
    """A record's fields exactly as the tantivy engine indexes them: its own methods, run over
    this object, so both engines search the same values (one place decides what a record's
    title, turns, speakers and persons are)."""

    document = TantivyIndex.document
    _add_speakers = TantivyIndex._add_speakers
    _add_people = TantivyIndex._add_people

    def __init__(self, spellings: Spellings):
        self.spellings = spellings
        self._words = analyzer()

    def of(self, record: Document) -> dict[str, list[Any]]:
        return self.document(record).to_dict()


class PostgresIndex(SearchIndex):
    """The full-text tables of a PostgreSQL `store`. `folder` keeps the authority's spellings
    table: by default the `index_dir` setting, else `~/.cache/archivist/`, one table for every
    store of this machine, since it depends on the authority alone."""

    def __init__(self, store: PostgresStore, folder: str | Path | None = None, *, catch_up: bool = True):
        from archivist.settings import Settings

        self.store = store
        configured = str(Settings().get("index_dir"))
        self.folder = Path(folder or configured or Path.home() / ".cache" / "archivist")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.spellings = Spellings(self.folder / "names.sqlite")
        self._fields = _Fields(self.spellings)
        self._words = analyzer()
        self._keyword = _keyword_analyzer()
        self._lock = threading.RLock()
        self._checked_at = time.monotonic()
        self._prepare()
        if catch_up:
            self.catch_up()

    def __repr__(self) -> str:
        return f"PostgresIndex({self.store.url!r})"

    # -- the tables ------------------------------------------------------------------------

    def _prepare(self) -> None:
        with self.store.connection() as connection:
            # Two processes opening a new database at once must not both create the tables.
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_CATCH_UP_LOCK,))
            exists = connection.execute("SELECT to_regclass('search_state')").fetchone()[0]
            if exists is not None:
                row = connection.execute("SELECT layout, watermark FROM search_state").fetchone()
                last = connection.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]
                if row is not None and row[0] == LAYOUT and row[1] <= last:
                    return
                # Another layout, or a watermark past the store's last change (the database
                # was restored): derived data that cannot be trusted, so start afresh.
                for table in TABLES:
                    connection.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in SCHEMA:
                connection.execute(statement)
            connection.execute("INSERT INTO search_state (layout, watermark) VALUES (%s, 0)", (LAYOUT,))

    @property
    def watermark(self) -> int:
        with self.store.connection() as connection:
            return int(connection.execute("SELECT watermark FROM search_state").fetchone()[0])

    def count(self) -> int:
        with self.store.connection() as connection:
            return int(connection.execute("SELECT count(*) FROM search_documents").fetchone()[0])

    def close(self) -> None:
        self.spellings.close()

    # -- indexing --------------------------------------------------------------------------

    def catch_up(self) -> int:
        taken = 0
        with self._lock:
            while True:
                with self.store.connection() as connection:
                    if not connection.execute("SELECT pg_try_advisory_xact_lock(%s)", (_CATCH_UP_LOCK,)).fetchone()[0]:
                        return taken  # another process is catching up right now; it does the work
                    watermark = connection.execute("SELECT watermark FROM search_state FOR UPDATE").fetchone()[0]
                    # Through the same connection: a pool of one must not wait for itself.
                    changes = changes_in(connection, watermark, BATCH)
                    if not changes:
                        return taken
                    self._write(connection, [c.document for c in changes])
                    connection.execute("UPDATE search_state SET watermark = %s", (changes[-1].seq,))
                taken += len(changes)
                if taken % ANALYZE_EVERY < len(changes):
                    # Fresh statistics, so the planner knows a common word from a rare one
                    # without waiting for autovacuum.
                    with self.store.connection() as connection:
                        connection.execute("ANALYZE search_documents, search_terms")

    def rebuild(self) -> int:
        with self._lock:
            with self.store.connection() as connection:
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (_CATCH_UP_LOCK,))
                connection.execute("TRUNCATE search_documents, search_terms, search_speakers, search_names")
                connection.execute("UPDATE search_state SET watermark = 0")
            self.catch_up()
            return self.count()

    def _write(self, connection: Any, records: list[Document]) -> None:
        rows = []
        frequency: Counter[str] = Counter()
        speakers: set[tuple[str, str]] = set()
        names: set[str] = set()
        for record in records:
            fields = self._fields.of(record)
            row, terms = self._row(record, fields)
            rows.append(row)
            frequency.update(terms)
            for value in fields.get("speaker_token", []):
                token, _, key = value.partition(_SEPARATOR)
                speakers.add((token, key))
            names.update(fields.get("speaker", []))
        ids = [record.id for record in records]
        for title, body in connection.execute(
            "SELECT title_words, body_words FROM search_documents WHERE id = ANY(%s)", (ids,)
        ).fetchall():
            frequency.subtract(_field_terms(title, body))
        connection.execute("DELETE FROM search_documents WHERE id = ANY(%s)", (ids,))
        placeholders = ", ".join(["%s"] * len(COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO search_documents ({', '.join(COLUMNS)}) VALUES ({placeholders})", rows
            )
        changed = {term: n for term, n in frequency.items() if n}
        if changed:
            connection.execute(
                "INSERT INTO search_terms (term, frequency) SELECT * FROM unnest(%s::text[], %s::int[])"
                " ON CONFLICT (term) DO UPDATE SET frequency = search_terms.frequency + excluded.frequency",
                (list(changed), list(changed.values())),
            )
        if speakers:
            connection.execute(
                "INSERT INTO search_speakers (token, key) SELECT * FROM unnest(%s::text[], %s::text[])"
                " ON CONFLICT DO NOTHING",
                ([t for t, _ in speakers], [k for _, k in speakers]),
            )
        if names:
            connection.execute(
                "INSERT INTO search_names (name) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING", (sorted(names),)
            )

    def _row(self, record: Document, fields: dict[str, list[Any]]) -> tuple[tuple, Counter[str]]:
        analyze = self.analyze
        title, summary, body = fields.get("title", []), fields.get("summary", []), fields.get("body", [])
        title_words, summary_words, body_words = stream(title, analyze), stream(summary, analyze), stream(body, analyze)
        turns = {key: stream(values, analyze) for held in fields.get("turns", []) for key, values in held.items()}
        first = lambda name: (fields.get(name) or [None])[0]  # noqa: E731
        lang, classification = first("lang"), first("classification")
        text = bytes(first("text") or b"").decode("utf-8")
        layout = bytes(first("layout") or b"{}").decode("utf-8")
        row = (
            record.id,
            _tsvector(((title_words, "A"), (summary_words, "B"), (body_words, "C"))),
            _tsvector(((title_words, "A"), (summary_words, "B"), (_opening(body_words), "C")), positions=RANK_POSITIONS),
            title_words,
            summary_words,
            body_words,
            json.dumps(turns, ensure_ascii=False),
            lang,
            (self.keyword(lang) or [None])[0] if lang else None,
            classification,
            (self.keyword(classification) or [None])[0] if classification else None,
            fields.get("archive", []),
            stream(fields.get("archive_words", []), analyze),
            fields.get("type", []),
            stream(fields.get("type_words", []), analyze),
            fields.get("translator", []),
            stream(fields.get("translator_words", []), analyze),
            fields.get("person", []),
            fields.get("person_id", []),
            stream(fields.get("person_words", []), analyze),
            fields.get("speaker", []),
            fields.get("speaker_key", []),
            first("year"),
            first("earliest"),
            first("latest"),
            first("sort_date"),
            first("title"),
            first("date"),
            text,
            layout,
        )
        return row, _field_terms(title_words, body_words)

    # -- what the planner asks -------------------------------------------------------------

    def analyze(self, text: str) -> list[str]:
        return self._words.analyze(text)

    def keyword(self, text: str) -> list[str]:
        return self._keyword.analyze(text)

    def prefix_terms(self, prefix: str) -> tuple[list[str], int]:
        """The most frequent words beginning with `prefix`, and how many there are."""
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self.store.connection() as connection:
            rows = connection.execute(
                "SELECT term FROM search_terms WHERE term LIKE %s AND frequency > 0"
                " ORDER BY frequency DESC, term LIMIT 40000",
                (pattern,),
            ).fetchall()
        from archivist.search.postgres_query import PREFIX_TERMS

        terms = [row[0] for row in rows]
        return terms[:PREFIX_TERMS], len(terms)

    def speaker_keys(self, name: str) -> set[str]:
        """Keys of the speakers `name` can be: every word of it, or of one of the spellings
        of the person it names, is one of theirs."""
        spellings = [name]
        for person_id in self.spellings.persons(name):
            spellings.extend(self.spellings.spellings(person_id))
            spellings.append(person_id)
        keys: set[str] = set()
        with self.store.connection() as connection:
            for spelling in spellings:
                tokens = [spelling] if spelling.isdigit() else self.analyze(spelling)
                found: set[str] | None = None
                for token in tokens:
                    mine = {r[0] for r in connection.execute("SELECT key FROM search_speakers WHERE token = %s", (token,))}
                    found = mine if found is None else found & mine
                keys |= found or set()
        return keys

    def similar_speakers(self, name: str, limit: int = 3) -> list[str]:
        """Speakers' names closest to `name` in spelling, accents and case aside."""
        with self.store.connection() as connection:
            # Word similarity: "Mikoyn" is close to "Anastas Mikoyan", a name of more words.
            rows = connection.execute(
                "SELECT name FROM search_names"
                " WHERE archivist_unaccent(lower(%s)) <%% archivist_unaccent(lower(name))"
                " ORDER BY word_similarity(archivist_unaccent(lower(%s)), archivist_unaccent(lower(name))) DESC, name"
                " LIMIT %s",
                (name, name, limit),
            ).fetchall()
        return [row[0] for row in rows]

    # -- searching -------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Catch up with records another process stored since; the store is asked once a
        second at most, so a busy server spends one cheap query on it."""
        now = time.monotonic()
        if now - self._checked_at < 1.0:
            return
        self._checked_at = now
        if self.store.last_change() > self.watermark:
            self.catch_up()

    def _plan(self, query: str | Node, selected: Mapping[str, Sequence[str]] | None) -> Plan:
        tree = parse(query) if isinstance(query, str) else query
        tree = expand(tree, self.spellings, self.analyze)
        return Planner(self, tree, selected or {}).plan()

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
        condition = plan.condition
        if sort == "relevance" and plan.scored and plan.highlight:
            ranking = "ts_rank(%s::float4[], rank_tsv, %s::tsquery) DESC, sort_date, id"
            order_params: tuple = (RANK_WEIGHTS, tsquery_of(sorted(plan.highlight), "|"))
        else:
            ranking, order_params = "sort_date, id", ()
        scored = sort == "relevance" and plan.scored
        names = list(FACETS) if facets is True else list(facets or [])
        with self.store.connection() as connection:
            _prefer_indexes(connection, condition)
            # The page first, by id and rank only: the text of a record is read for the 20
            # shown, not for every match.
            page = connection.execute(
                f"SELECT id, {'ts_rank(%s::float4[], rank_tsv, %s::tsquery)' if order_params else 'NULL::float4'}"
                f" FROM search_documents WHERE {condition.sql} ORDER BY {ranking} LIMIT %s OFFSET %s",
                (*order_params, *condition.params, *order_params, limit, offset),
            ).fetchall()
            shown = {
                row[0]: row
                for row in connection.execute(
                    "SELECT id, title, date, text, layout FROM search_documents WHERE id = ANY(%s)",
                    ([row[0] for row in page],),
                )
            }
            rows = [(*shown[record_id], rank) for record_id, rank in page if record_id in shown]
            counted: dict[str, list[FacetValue]] = {}
            if names:
                counted, total = self._facets(connection, plan, names, facet_size)
            elif offset == 0 and len(page) < limit:
                total = len(page)
            else:
                total = connection.execute(
                    f"SELECT count(*) FROM search_documents WHERE {condition.sql}", condition.params
                ).fetchone()[0]
        hits = [self._hit(plan, row, float(row[5]) if scored and row[5] is not None else (0.0 if scored else None), snippets) for row in rows]
        return SearchResults(
            query=query if isinstance(query, str) else str(query),
            parsed=str(plan.tree),
            total=int(total),
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
        with self.store.connection() as connection:
            _prefer_indexes(connection, plan.condition)
            return self._facets(connection, plan, list(names), size)[0]

    def _facets(self, connection: Any, plan: Plan, names: list[str], size: int) -> tuple[dict[str, list[FacetValue]], int]:
        """Facet counts in one query over the matching records, and how many match."""
        parts = ["SELECT 'total', NULL::text, count(*) FROM matched"]
        columns = {"id"}
        for name in names:
            if name in ("year", "decade"):
                if "year" not in columns:
                    columns.add("year")
                    parts.append("SELECT 'year', year::text, count(*) FROM matched WHERE year IS NOT NULL GROUP BY year")
            elif name in SCALAR_FACETS:
                columns.add(name)
                parts.append(f"SELECT '{name}', {name}, count(*) FROM matched WHERE {name} IS NOT NULL GROUP BY {name}")
            else:
                columns.add(name)
                parts.append(f"SELECT '{name}', v, count(*) FROM matched, unnest({name}) AS v GROUP BY v")
        condition = plan.condition
        rows = connection.execute(
            f"WITH matched AS (SELECT {', '.join(sorted(columns))} FROM search_documents WHERE {condition.sql}) "
            + " UNION ALL ".join(parts),
            condition.params,
        ).fetchall()
        values: dict[str, list[tuple[str, int]]] = {}
        total = 0
        for facet, value, count in rows:
            if facet == "total":
                total = int(count)
            else:
                values.setdefault(facet, []).append((value, int(count)))
        result: dict[str, list[FacetValue]] = {}
        for name in names:
            if name == "year":
                result[name] = sorted((FacetValue(v, n) for v, n in values.get("year", [])), key=lambda f: f.value)
            elif name == "decade":
                decades: dict[int, int] = {}
                for value, count in values.get("year", []):
                    decade = int(value) // 10 * 10
                    decades[decade] = decades.get(decade, 0) + count
                result[name] = [FacetValue(str(d), n, f"{d}s") for d, n in sorted(decades.items())]
            else:
                found = [FacetValue(v, n) for v, n in values.get(name, [])]
                result[name] = sorted(found, key=lambda f: (-f.count, f.value))[: max(size, 1)]
        return result, total

    def _hit(self, plan: Plan, row: tuple, score: float | None, with_snippets: bool) -> Hit:
        record_id, title, date, text, layout_json = row[:5]
        found: tuple = ()
        variants: tuple = ()
        if with_snippets:
            layout = json.loads(layout_json)
            held = [Passage(*p) for p in layout.get("p", [])]
            reading = Reading.from_repairs(text, [tuple(r) for r in layout.get("r", [])])
            spans = self._highlights(plan, text, reading)
            speakers = None
            if plan.speakers is not None:
                speakers = {p.speaker for p in held if p.speaker and _slug(p.speaker) in plan.speakers}
            found = tuple(snippets(text, held, spans, reading=reading, speakers=speakers))
            if plan.variants:
                prepared = SnippetSpellings.of(plan.variants, self.analyze)
                variants = tuple(match_variants(text, spans, prepared, self.analyze, reading))
        return Hit(record_id, title, date, score, found, variants)

    def _highlights(self, plan: Plan, printed: str, reading: Reading | None) -> list[tuple[int, int]]:
        """Every word of the text (as it reads, repairs applied) that is one of the query's."""
        if not plan.highlight:
            return []
        text = reading.text if reading is not None else printed
        spans = _highlighted(text, frozenset(plan.highlight))
        if reading is None:
            return spans
        return [(reading.to_printed(s), reading.to_printed(e, end=True)) for s, e in spans]

    # -- people ----------------------------------------------------------------------------

    def people(self, name: str = "", *, offset: int = 0, limit: int = 20) -> tuple[int, list[NamedPerson]]:
        with self.store.connection() as connection:
            counts = {
                row[0]: int(row[1])
                for row in connection.execute(
                    "SELECT p, count(*) FROM search_documents, unnest(person_id) AS p GROUP BY p"
                )
            }
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
        with self.store.connection() as connection:
            records = connection.execute(
                "SELECT count(*) FROM search_documents WHERE person_id @> ARRAY[%s]::text[]", (id,)
            ).fetchone()[0]
        return _named(person, int(records))


def _prefer_indexes(connection: Any, condition: Any) -> None:
    """Words are found through the GIN index even when most records hold them: the planner
    counts a sequential scan as cheap, not knowing that it reads every record's tsvector back
    from TOAST storage (seven times slower at 20,000 records than the index here)."""
    if "tsv @@" in condition.sql:
        connection.execute("SET LOCAL enable_seqscan = off")


def _named(person: Any, records: int) -> NamedPerson:
    return NamedPerson(person.id, person.name, person.preferred, person.variants, person.birth_year, person.death_year, records)


def _field_terms(title_words: str, body_words: str) -> Counter[str]:
    """One count for each word of the title and one for each word of the body, as tantivy
    counts a word's documents field by field."""
    terms: Counter[str] = Counter()
    for words in (title_words, body_words):
        terms.update(set(words.split()) - {GAP})
    return terms


def _opening(words: str) -> str:
    """The first RANK_BODY words of a stream."""
    return " ".join(words.split(" ", RANK_BODY + 1)[: RANK_BODY + 1])


def _tsvector(fields: tuple[tuple[str, str], ...], positions: int | None = None) -> str:
    """A tsvector value with weighted positions: the streams' words in order, gaps counted;
    at most `positions` (POSITIONS) positions a word."""
    most = POSITIONS if positions is None else positions
    positions: dict[str, list[str]] = {}
    position = 0
    for words, weight in fields:
        for token in words.split():
            position += 1
            if token == GAP:
                continue
            kept = positions.setdefault(token, [])
            if len(kept) < most:
                kept.append(f"{min(position, 16383)}{weight}")
    return " ".join(
        "'" + token.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(kept) for token, kept in positions.items()
    )


def _highlighted(text: str, tokens: frozenset[str]) -> list[tuple[int, int]]:
    """The spans of the words of `text` that the analyzer folds into one of `tokens`.

    Words of plain ASCII fold by lower case alone, so one regular expression finds them; only
    the words with other characters (Sŏng, Łódź) go through the analyzer."""
    found: list[tuple[int, int]] = []
    if tokens:
        pattern = _token_pattern(tokens)
        found = [(m.start(), m.end()) for m in pattern.finditer(text) if m.group().isascii()]
        if not text.isascii():
            for match in _ACCENTED.finditer(text):
                folded = _folded(match.group())
                if folded and folded[0] in tokens:
                    found.append((match.start(), match.end()))
            found.sort()
    return found


@lru_cache(maxsize=256)
def _token_pattern(tokens: frozenset[str]) -> re.Pattern[str]:
    words = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{words})(?![^\W_])", re.IGNORECASE)


#: A word with a character beyond ASCII in it.
_ACCENTED = re.compile(r"[^\W_]*[^\W_a-zA-Z0-9][^\W_]*")


@lru_cache(maxsize=1)
def _word_analyzer() -> Any:
    return analyzer()


@lru_cache(maxsize=200_000)
def _folded(word: str) -> tuple[str, ...]:
    return tuple(_word_analyzer().analyze(word))
