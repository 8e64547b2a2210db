"""From a parsed query to SQL over the full-text table of the PostgreSQL engine.

The query language's tree (`archivist.query`) becomes one SQL condition with bound
parameters: a user's text only ever reaches the database as parameter values, never as SQL or
as `to_tsquery` syntax (the `tsquery` values are built here from the analyzer's tokens, which
hold letters and digits only, each quoted).

The condition means exactly what the embedded engine's query means (the tests run one query
set on both and compare the records), so it follows the tantivy planner node for node:

- words and phrases are looked up in the weighted `tsvector` (title A, summary B, body C),
  which its GIN index answers; a phrase is then checked against the token streams (`' mao
  tse tung '`) with LIKE, because a `tsvector` keeps at most 256 positions of a word and none
  past 16,383;
- NEAR is `archivist_near` over the streams: the words, in any order, within a window;
- a prefix stands for the most frequent words that begin so (`search_terms`, the counts tantivy
  keeps in its term dictionary), at most PREFIX_TERMS of them, with a note when there are more;
- `speaker:` narrows the words to the turns of the speakers the name can be (`search_speakers`),
  whose streams are in the `turns` object;
- field filters and facet selections compare the values as the tantivy engine stores them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

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

__all__ = ["Condition", "Plan", "Planner", "stream", "tsquery_of", "words_pattern"]

#: A prefix stands for at most this many words, the most frequent (as in the tantivy engine).
PREFIX_TERMS = 50
#: The three weighted fields of the `tsvector`, with their weight letters.
WEIGHTED = {"title": "A", "summary": "B", "body": "C"}
#: Facets stored as one value a record, compared with `=`; the others are arrays.
SCALAR_FACETS = ("lang", "classification")
ARRAY_FACETS = ("archive", "type", "translator", "person", "speaker")
#: What separates two values of one field in a stream: one position, matching no word, as
#: tantivy leaves a gap of one position between the values of a field.
GAP = "|"


@dataclass(frozen=True)
class Condition:
    """A SQL boolean expression and its parameters, in order."""

    sql: str
    params: tuple = ()


TRUE = Condition("TRUE")
FALSE = Condition("FALSE")


def stream(values: Sequence[str], analyze: Callable[[str], list[str]]) -> str:
    """The tokens of `values`, space-separated with GAP between values and a space at both
    ends, so that `LIKE '% a b %'` finds the phrase "a b" inside one value."""
    parts = [words for words in (" ".join(analyze(v)) for v in values) if words]
    return " " + f" {GAP} ".join(parts) + " " if parts else " "


def words_pattern(tokens: Sequence[str], *, prefix: bool = False) -> str:
    """A LIKE pattern for the phrase `tokens` in a stream."""
    escaped = " ".join(_like(t) for t in tokens)
    return f"% {escaped}%" if prefix else f"% {escaped} %"


def tsquery_of(tokens: Sequence[str], operator: str = "&", weight: str = "") -> str:
    """A `tsquery` value: each token quoted (tokens are letters and digits; quotes and
    backslashes are escaped all the same), joined by `operator`, each with `weight`."""
    suffix = f":{weight}" if weight else ""
    return f" {operator} ".join(f"'{_quoted(t)}'{suffix}" for t in tokens)


def _quoted(token: str) -> str:
    return token.replace("\\", "\\\\").replace("'", "''")


def _like(token: str) -> str:
    return token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class Plan:
    tree: Node
    condition: Condition
    scored: bool
    highlight: set[str]
    speakers: set[str] | None
    variants: list[Variants]
    notes: list[str]
    similar: list[str] = field(default_factory=list)


class Planner:
    """Translates one query tree into a SQL condition, collecting what snippets need.

    `index` answers `analyze`, `keyword`, `prefix_terms`, `speaker_keys` and `spellings`."""

    def __init__(self, index, tree: Node, selected: Mapping[str, Sequence[str]]):
        self.index = index
        self.tree = tree
        self.selected = selected
        self.notes: list[str] = []
        self.highlight: set[str] = set()
        self.variants: list[Variants] = []
        self.scored = False

    def plan(self) -> Plan:
        speakers = speaker_filters(self.tree)
        text = text_part(self.tree)
        scope: list[str] = list(WEIGHTED)
        keys: set[str] = set()
        clauses: list[Condition] = []
        if speakers:
            for speaker in speakers:
                found = self.index.speaker_keys(speaker.value)
                if not found:
                    self.notes.append(f"no speaker in the archive is called {speaker.value!r}")
                    similar = self.index.similar_speakers(speaker.value)
                    if similar:
                        self.notes.append(f"speakers with a similar name: {', '.join(similar)}")
                keys |= found
            scope = [f"turns.{key}" for key in sorted(keys)]
            clauses.append(Condition("speaker_key && %s::text[]", (sorted(keys),)))
        translated = self.translate(text, scope, positive=True)
        if translated is not None:
            clauses.append(translated)
        for name, values in self.selected.items():
            chosen = [v for v in values if v]
            if chosen:
                clauses.append(self.selection(name, chosen))
        condition = _all(clauses) if clauses else TRUE
        return Plan(self.tree, condition, self.scored, self.highlight, keys if speakers else None, self.variants, self.notes)

    # Each translate returns None for "no condition" (a word with nothing searchable in it).
    def translate(self, node: Node, scope: list[str], *, positive: bool) -> Condition | None:
        if isinstance(node, Everything):
            return None
        if isinstance(node, And):
            musts = [c for c in (self.translate(i, scope, positive=positive) for i in node.items if not isinstance(i, Not)) if c is not None]
            nots = [c for c in (self.translate(i.item, scope, positive=not positive) for i in node.items if isinstance(i, Not)) if c is not None]
            if not musts and not nots:
                return None
            return _all(musts + [_not(c) for c in nots])
        if isinstance(node, Or):
            items = [self.translate(i, scope, positive=positive) for i in node.items]
            if any(c is None for c in items):
                return None  # one side asks for nothing: the OR holds for every record
            return _any([c for c in items if c is not None])
        if isinstance(node, Not):
            inner = self.translate(node.item, scope, positive=not positive)
            return None if inner is None else _not(inner)
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
            found = [c for c in alternatives if c is not None]
            return _any(found) if found else None
        if isinstance(node, DateRange):
            return self.dates(node)
        if isinstance(node, Filter):
            return self.field(node, positive)
        raise QueryError(f"cannot search for {node!r}")

    def words(self, tokens: list[str], scope: list[str], positive: bool) -> Condition | None:
        if not tokens:
            return None
        if positive:
            self.highlight.update(tokens)
            self.scored = True
        if scope == list(WEIGHTED):
            # Every weighted field: one lookup without weights, which the GIN index answers
            # without reading the rows back.
            lookup = Condition("tsv @@ %s::tsquery", (tsquery_of(tokens, "&"),))
            if len(tokens) == 1:
                return lookup
            return _all([lookup, _any([_stream_has(name, tokens) for name in scope])])
        return _any([_words_in(name, tokens) for name in scope]) if scope else FALSE

    def prefix(self, text: str, scope: list[str], positive: bool) -> Condition | None:
        tokens = self.index.analyze(text)
        if not tokens:
            return None
        if len(tokens) > 1:
            # "Tse-t*": the words before as they are, the last one as a prefix.
            if positive:
                self.highlight.update(tokens[:-1])
                self.scored = True
            return _any([_phrase_prefix_in(name, tokens) for name in scope]) if scope else FALSE
        terms, total = self.index.prefix_terms(tokens[0])
        if total > len(terms):
            self.notes.append(f"{text}* begins {total:,} words; the {len(terms)} most frequent were searched")
        if not terms:
            return FALSE
        if positive:
            self.highlight.update(terms)
            self.scored = True
        if scope == list(WEIGHTED):
            return Condition("tsv @@ %s::tsquery", (tsquery_of(terms, "|"),))
        return _any([_any_word_in(name, terms) for name in scope]) if scope else FALSE

    def near(self, node: Near, scope: list[str], positive: bool) -> Condition | None:
        tokens = [t for w in node.words for t in self.index.analyze(w)]
        if len(tokens) < 2:
            return self.words(tokens, scope, positive)
        if positive:
            self.highlight.update(tokens)
            self.scored = True
        if scope == list(WEIGHTED):
            lookup = Condition("tsv @@ %s::tsquery", (tsquery_of(sorted(set(tokens)), "&"),))
            return _all([lookup, _any([_near_only(name, tokens, node.distance) for name in scope])])
        return _any([_near_in(name, tokens, node.distance) for name in scope]) if scope else FALSE

    def dates(self, node: DateRange) -> Condition:
        # Overlap: the record starts before the range ends and ends after it starts.
        clauses = []
        if node.latest is not None:
            clauses.append(Condition("earliest <= %s", (_day(node.latest),)))
        if node.earliest is not None:
            clauses.append(Condition("latest >= %s", (_day(node.earliest),)))
        return _all(clauses)

    def field(self, node: Filter, positive: bool) -> Condition | None:
        name, value = node.field, node.value
        if name == "title":
            if node.prefix:
                return self.prefix(value, ["title"], positive)
            return self.words(self.index.analyze(value), ["title"], positive)
        if name in ("lang", "classification"):
            key = self.index.keyword(value)
            if not key:
                return None
            if node.prefix:
                return Condition(f"{name}_key LIKE %s", (_like(key[0]) + "%",))
            return Condition(f"{name}_key = %s", (key[0],))
        if name in ("archive", "type", "translator"):
            column = f"{name}_words"
            if node.prefix:
                return self.prefix(value, [column], positive=False)
            tokens = self.index.analyze(value)
            if not tokens:
                return None
            return _words_in(column, tokens)
        if name == "person":
            return self.person(value, positive)
        raise QueryError(f"{name}: cannot be used here", query=str(self.tree), position=node.position)

    def person(self, value: str, positive: bool) -> Condition:
        """Records that name the person, as the tantivy engine reads `person:`: for a name or
        id of the authority, the mentions and participants linked to that record; for any other
        name, the participants and mentions printed so."""
        spellings = self.index.spellings
        ids = spellings.persons(value)
        typed = self.index.analyze(value) if not value.isdigit() else []
        if ids:
            # A name or id of the authority: the mentions and participants linked to it
            # (participants are linked by name when indexed, so every spelling finds them).
            clauses = [Condition("person_id && %s::text[]", (list(ids),))]
        else:
            # An id of the record's own (a person the authority lacks), or a name as printed.
            clauses = [Condition("person_id && %s::text[]", ([value.strip()],))]
            if typed:
                clauses.append(_words_in("person_words", typed))
        names = [value] if typed else []
        for person_id in ids[:4]:
            names.extend(spellings.spellings(person_id))
        if positive:
            for name in names:
                self.highlight.update(self.index.analyze(name))
        if positive and ids:
            label = " / ".join(spellings.label(i) or i for i in ids[:4])
            self.variants.append(Variants(Phrase(value), tuple(names[1:]), label, ids[0] if len(ids) == 1 else None))
        return _any(clauses)

    def selection(self, name: str, values: list[str]) -> Condition:
        """Records with any of `values` for the facet `name`."""
        if name == "year":
            return Condition("year = ANY(%s::int[])", ([_year(v, name) for v in values],))
        if name == "decade":
            decades = [_year(v.rstrip("s"), name) // 10 * 10 for v in values]
            return _any([Condition("year BETWEEN %s AND %s", (d, d + 9)) for d in decades])
        if name in SCALAR_FACETS:
            return Condition(f"{name} = ANY(%s::text[])", (list(values),))
        return Condition(f"{name} && %s::text[]", (list(values),))


# -- conditions on one field ---------------------------------------------------------------


def _column(name: str) -> str:
    """The SQL of a field's token stream: a column, or one speaker's turns."""
    if name.startswith("turns."):
        return "(turns ->> %s)"
    if name in WEIGHTED:
        return f"{name}_words"
    return name


def _column_params(name: str) -> tuple:
    return (name[len("turns."):],) if name.startswith("turns.") else ()


def _words_in(name: str, tokens: list[str]) -> Condition:
    column, params = _column(name), _column_params(name)
    if name in WEIGHTED:
        weight = WEIGHTED[name]
        lookup = Condition("tsv @@ %s::tsquery", (tsquery_of(tokens, "&", weight),))
        if len(tokens) == 1:
            return lookup
        # The tsvector finds the records with every word in the field; the stream says
        # whether they stand side by side.
        return _all([lookup, Condition(f"{column} LIKE %s", (*params, words_pattern(tokens)))])
    return Condition(f"coalesce({column} LIKE %s, FALSE)", (*params, words_pattern(tokens)))


def _stream_has(name: str, tokens: list[str]) -> Condition:
    column, params = _column(name), _column_params(name)
    return Condition(f"{column} LIKE %s", (*params, words_pattern(tokens)))


def _near_only(name: str, tokens: list[str], distance: int) -> Condition:
    column, params = _column(name), _column_params(name)
    return Condition(f"coalesce(archivist_near({column}, %s::text[], %s), FALSE)", (*params, list(tokens), distance))


def _any_word_in(name: str, terms: list[str]) -> Condition:
    if name in WEIGHTED:
        return Condition("tsv @@ %s::tsquery", (tsquery_of(terms, "|", WEIGHTED[name]),))
    column, params = _column(name), _column_params(name)
    pattern = " (" + "|".join(re.escape(t) for t in terms) + ") "
    return Condition(f"coalesce({column} ~ %s, FALSE)", (*params, pattern))


def _phrase_prefix_in(name: str, tokens: list[str]) -> Condition:
    column, params = _column(name), _column_params(name)
    found = Condition(f"coalesce({column} LIKE %s, FALSE)", (*params, words_pattern(tokens, prefix=True)))
    if name in WEIGHTED:
        return _all([Condition("tsv @@ %s::tsquery", (tsquery_of(tokens[:-1], "&", WEIGHTED[name]),)), found])
    return found


def _near_in(name: str, tokens: list[str], distance: int) -> Condition:
    column, params = _column(name), _column_params(name)
    near = Condition(f"coalesce(archivist_near({column}, %s::text[], %s), FALSE)", (*params, list(tokens), distance))
    if name in WEIGHTED:
        return _all([Condition("tsv @@ %s::tsquery", (tsquery_of(sorted(set(tokens)), "&", WEIGHTED[name]),)), near])
    return near


# -- combining -----------------------------------------------------------------------------


def _all(conditions: list[Condition]) -> Condition:
    if not conditions:
        return TRUE
    if len(conditions) == 1:
        return conditions[0]
    return Condition("(" + " AND ".join(c.sql for c in conditions) + ")", tuple(itertools.chain.from_iterable(c.params for c in conditions)))


def _any(conditions: list[Condition]) -> Condition:
    if not conditions:
        return FALSE
    if len(conditions) == 1:
        return conditions[0]
    return Condition("(" + " OR ".join(c.sql for c in conditions) + ")", tuple(itertools.chain.from_iterable(c.params for c in conditions)))


def _not(condition: Condition) -> Condition:
    # IS NOT TRUE: a record without the field (NULL) is one the condition does not hold for.
    return Condition(f"(({condition.sql}) IS NOT TRUE)", condition.params)


def _year(value: str, facet: str) -> int:
    if not re.fullmatch(r"\d{1,4}", value.strip()):
        raise QueryError(f"{facet} {value!r} is not a year; give four digits, e.g. 1956")
    return int(value)


def _day(iso: str | None) -> int | None:
    """1956-09-18 -> 19560918; None for a date that is not a full ISO day."""
    if not iso or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso[:10]):
        return None
    return int(iso[:4] + iso[5:7] + iso[8:10])
