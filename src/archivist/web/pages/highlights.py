"""The words of a search, found again in the record a reader opens from the results.

The search engine says which records match; the reader marks where, over the whole text. The
query's words, phrases, prefixes and NEAR words are looked for in the text as printed and in
its repaired reading (so `Kim Il Sung` marks the printed `Kim II Sung`), ignoring case and
accents as the search does. Words under a NOT are not marked: they are what the record lacks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from archivist.document import Document
from archivist.errors import QueryError
from archivist.query import And, Filter, Near, Node, Not, Or, Phrase, Term, Variants, parse
from archivist.search.readings import Reading

__all__ = ["MAX_MARKS", "Expander", "find_marks", "fold", "query_patterns"]

#: Marks on one page; a query for "the" should not bury the text in yellow.
MAX_MARKS = 2000

_JOIN = re.compile(r"^[^\w\n]{1,3}$")

#: Expands a parsed query with the other spellings of the persons it names (the search index
#: knows them); the reader works without one.
Expander = Callable[[Node], Node]


def fold(text: str) -> str:
    """Lower case with accents dropped, one character for one, so offsets stay put."""
    folded = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0] if not char.isascii() else char
        folded.append(base.lower() if len(base.lower()) == 1 else char)
    return "".join(folded)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _phrase_pattern(text: str, *, prefix: bool = False) -> str | None:
    words = _words(text)
    if not words:
        return None
    body = r"\W+".join(re.escape(word) for word in words)
    return rf"(?<!\w){body}" + (r"\w*" if prefix else r"(?!\w)")


def _collect(node: Node, found: list[str]) -> None:
    if isinstance(node, Not):
        return
    if isinstance(node, (And, Or)):
        for item in node.items:
            _collect(item, found)
    elif isinstance(node, Variants):
        _collect(node.original, found)
        for phrase in node.phrases:
            pattern = _phrase_pattern(phrase)
            if pattern:
                found.append(pattern)
    elif isinstance(node, Term):
        pattern = _phrase_pattern(node.text, prefix=node.prefix)
        if pattern:
            found.append(pattern)
    elif isinstance(node, Phrase):
        pattern = _phrase_pattern(node.text)
        if pattern:
            found.append(pattern)
    elif isinstance(node, Near):
        for word in node.words:
            pattern = _phrase_pattern(word)
            if pattern:
                found.append(pattern)
    elif isinstance(node, Filter) and node.field in ("title", "person", "translator"):
        pattern = _phrase_pattern(node.value, prefix=node.prefix)
        if pattern:
            found.append(pattern)


def query_patterns(query: str, expander: Expander | None = None) -> re.Pattern[str] | None:
    """One regular expression over folded text for everything `query` looks for; None for a
    query with nothing to mark (empty, only filters, or unreadable)."""
    if not query.strip():
        return None
    try:
        tree = parse(query)
        if expander is not None:
            tree = expander(tree)
    except QueryError:
        return None
    patterns: list[str] = []
    _collect(tree, patterns)
    if not patterns:
        return None
    # Longest first, so a phrase wins over one of its words at the same place.
    patterns = sorted(set(patterns), key=len, reverse=True)
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _spans(pattern: re.Pattern[str], text: str, start: int) -> Iterable[tuple[int, int]]:
    for match in pattern.finditer(fold(text), start):
        if match.end() > match.start():
            yield match.start(), match.end()


def find_marks(document: Document, pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Spans of the printed text (from the body on) where `pattern` matches, in the text as
    printed or in its repaired reading; merged and sorted."""
    if pattern is None:
        return []
    start = document.body_start or 0
    spans = set(_spans(pattern, document.text, start))
    reading = Reading.of(document)
    if reading is not None:
        for a, b in _spans(pattern, reading.text, reading.to_reading(start)):
            spans.add((reading.to_printed(a), reading.to_printed(b, end=True)))
    merged: list[tuple[int, int]] = []
    text = document.text
    for a, b in sorted(spans):
        # Words of the query side by side are one mark: "Kim Il Sung", not three.
        if merged and (a <= merged[-1][1] or _JOIN.match(text[merged[-1][1]:a])):
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged[:MAX_MARKS]
