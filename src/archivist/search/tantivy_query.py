"""From a parsed query to tantivy queries: the planner of the tantivy index.

Free text is searched in the title, summary and body with their weights, or, under `speaker:`,
in those speakers' turns only; field filters qualify records without weighing in their score;
names expand to their spellings (`variants.expand`); prefixes become the most frequent words
that begin so, each scored (tantivy's own prefix query scores every hit alike and stops at 50
words); NEAR is every order of its words (tantivy's phrase slop keeps their order). Along the
way the planner collects what the snippets need: the words to highlight, the spellings to
report.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import tantivy
from tantivy import Occur, Query

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
    speaker_filters,
    text_part,
)
from archivist.search.snippets import Spellings as SnippetSpellings
from archivist.search.tantivy_schema import FACET_FIELDS, WEIGHTS, day

if TYPE_CHECKING:
    from archivist.search.tantivy_index import TantivyIndex

__all__ = ["Plan", "Planner", "any_of", "filtering", "words_query"]


class Plan:
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


class Planner:
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

    def plan(self) -> Plan:
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
            clauses.append((Occur.Must, any_of([Query.term_query(self.schema, "speaker_key", k) for k in sorted(keys)])))
        translated = self.translate(text, scope, positive=True)
        if translated is not None:
            clauses.append((Occur.Must, translated))
        for name, values in self.selected.items():
            chosen = [v for v in values if v]
            if chosen:
                clauses.append((Occur.Must, filtering(self.selection(name, chosen))))
        query = Query.all_query() if not clauses else (clauses[0][1] if len(clauses) == 1 else Query.boolean_query(clauses))
        highlight = any_of([Query.term_query(self.schema, "body", t) for t in sorted(self.highlight_tokens)]) if self.highlight_tokens else None
        return Plan(self.tree, query, self.scored, highlight, keys if speakers else None, self.variants, self.notes)

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
            return any_of([q for q in items if q is not None])
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
            return any_of(found) if found else None
        if isinstance(node, DateRange):
            return filtering(self.dates(node))
        if isinstance(node, Filter):
            query = self.field(node, positive)
            # A title is searched like text; the other fields only say which records qualify.
            return query if node.field == "title" or query is None else filtering(query)
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
            return any_of(per_field) if per_field else Query.empty_query()
        terms, total = self.index.prefix_terms(tokens[0])
        if total > len(terms):
            self.notes.append(f"{text}* begins {total:,} words; the {len(terms)} most frequent were searched")
        if not terms:
            return Query.empty_query()
        if positive:
            self.highlight_tokens.update(terms)
            self.scored = True
        per_field = []
        for name, weight in scope:
            query = any_of([Query.term_query(self.schema, name, t) for t in terms])
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
            query = any_of([Query.phrase_query(self.schema, name, list(o), node.distance) for o in orders])
            per_field.append(query if weight == 1.0 else Query.boost_query(query, weight))
        return any_of(per_field) if per_field else Query.empty_query()

    def dates(self, node: DateRange) -> Query:
        # Overlap: the record starts before the range ends and ends after it starts.
        clauses = []
        if node.latest is not None:
            clauses.append(Query.range_query(self.schema, "earliest", tantivy.FieldType.Integer, None, day(node.latest)))
        if node.earliest is not None:
            clauses.append(Query.range_query(self.schema, "latest", tantivy.FieldType.Integer, day(node.earliest), None))
        return Query.boolean_query([(Occur.Must, q) for q in clauses])

    def field(self, node: Filter, positive: bool) -> Query | None:
        name, value = node.field, node.value
        if name == "title":
            if node.prefix:
                return self.prefix(value, [("title", 1.0)], positive)
            return self.words(self.index.analyze(value), [("title", 1.0)], positive)
        if name in ("lang", "classification"):
            key = self.index.keyword.analyze(value)
            field = f"{name}_key"
            if not key:
                return None
            if node.prefix:
                terms = [t for t, _ in self.index.index.searcher().terms_with_prefix(field, key[0], limit=1000)]
                return any_of([Query.term_query(self.schema, field, t) for t in terms]) if terms else Query.empty_query()
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
        """Records that name the person: for a name or id of the authority, the mentions and
        participants linked to that record (participants are linked by name when indexed, so
        every spelling finds them); for any other name, the participants and mentions printed
        so. The text itself is left to the people stage that links mentions: a free-text query
        finds every spelling in it anyway, and a phrase per spelling over every body is slow."""
        spellings = self.index.spellings
        ids = spellings.persons(value)
        typed = self.index.analyze(value) if not value.isdigit() else []
        if ids:
            clauses = [Query.term_query(self.schema, "person_id", i) for i in ids]
        else:
            # An id of the record's own (a person the authority lacks), or a name as printed.
            clauses = [Query.term_query(self.schema, "person_id", value.strip())]
            if typed:
                clauses.append(words_query(self.schema, "person_words", typed))
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
        return any_of(clauses) if clauses else Query.empty_query()

    def selection(self, name: str, values: list[str]) -> Query:
        """Records with any of `values` for the facet `name`."""
        if name == "year":
            years = [year_of(v, name) for v in values]
            return any_of([Query.term_query(self.schema, "year", y) for y in years])
        if name == "decade":
            decades = [year_of(v.rstrip("s"), name) // 10 * 10 for v in values]
            return any_of([Query.range_query(self.schema, "year", tantivy.FieldType.Integer, d, d + 9) for d in decades])
        field = FACET_FIELDS[name]
        return any_of([Query.term_query(self.schema, field, v) for v in values])


def filtering(query: Query) -> Query:
    """`query` as a condition that adds nothing to the relevance score."""
    return Query.const_score_query(query, 0.0)


def any_of(queries: list[Query]) -> Query:
    if not queries:
        return Query.empty_query()
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Should, q) for q in queries])


def words_query(schema: tantivy.Schema, field: str, tokens: list[str]) -> Query:
    return Query.term_query(schema, field, tokens[0]) if len(tokens) == 1 else Query.phrase_query(schema, field, tokens)


def year_of(value: str, facet: str) -> int:
    if not re.fullmatch(r"\d{1,4}", value.strip()):
        raise QueryError(f"{facet} {value!r} is not a year; give four digits, e.g. 1956")
    return int(value)
