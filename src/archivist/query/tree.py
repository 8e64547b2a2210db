"""The tree a query parses to: engine-neutral dataclasses an engine translates into its own
query objects, and the helpers engines share to take it apart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

__all__ = [
    "And",
    "DateRange",
    "Everything",
    "FIELDS",
    "Filter",
    "Near",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Term",
    "Variants",
    "speaker_filters",
    "text_part",
    "walk",
]

#: Fields a query can name, and what each searches.
FIELDS: dict[str, str] = {
    "title": "words or a phrase in the title",
    "person": "a person named in the record: an authority id or a name in any spelling",
    "speaker": "only the words inside that person's speaker turns",
    "year": "records dated in that year, or in a range of years (1955..1957)",
    "date": "records whose date overlaps a date or range (1956-09, 1956-09..1957-11)",
    "lang": "the language of the original document",
    "archive": "the archive or repository that holds the original",
    "type": "the document type (memorandum, telegram ...)",
    "classification": "the security marking (Top Secret, Secret ...)",
    "translator": "a translator of the record",
}

#: What the lexer reads as a field name: letters and underscores before a colon.
FIELD = re.compile(r"[A-Za-z_]+:")


@dataclass(frozen=True)
class Term:
    """A word. `prefix` when written `word*`: any word beginning with `text`."""

    text: str
    prefix: bool = False
    position: int = 0

    def __str__(self) -> str:
        return _quote_word(self.text) + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Phrase:
    """Words in this order, side by side."""

    text: str
    position: int = 0

    def __str__(self) -> str:
        return f'"{self.text}"'


@dataclass(frozen=True)
class Near:
    """Every word within `distance` words of the others, in any order."""

    words: tuple[str, ...]
    distance: int
    position: int = 0

    def __str__(self) -> str:
        return f"NEAR({' '.join(self.words)}, {self.distance})"


@dataclass(frozen=True)
class Filter:
    """`field:value` for a field other than year and date. `phrase` when the value was quoted."""

    field: str
    value: str
    phrase: bool = False
    prefix: bool = False
    position: int = 0

    def __str__(self) -> str:
        if self.phrase:
            return f'{self.field}:"{self.value}"'
        return f"{self.field}:{_quote_word(self.value)}{'*' if self.prefix else ''}"


@dataclass(frozen=True)
class DateRange:
    """`year:` or `date:`: records whose date range overlaps `earliest`..`latest` (ISO days,
    either open)."""

    field: str
    text: str
    earliest: str | None
    latest: str | None
    position: int = 0

    def __str__(self) -> str:
        return f"{self.field}:{self.text}"


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]

    def __str__(self) -> str:
        return " ".join(_grouped(item, Or) for item in self.items)


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]

    def __str__(self) -> str:
        return " OR ".join(_grouped(item, ()) for item in self.items)


@dataclass(frozen=True)
class Not:
    item: Node
    position: int = 0

    def __str__(self) -> str:
        return "-" + _grouped(self.item, (And, Or, Not))


@dataclass(frozen=True)
class Variants:
    """Another way of writing the same thing, found outside the query: `original` as typed, or
    any of `phrases` (the spellings of one authority record). `label` names the record."""

    original: Node
    phrases: tuple[str, ...]
    label: str
    authority_id: str | None = None

    def __str__(self) -> str:
        return str(self.original)


@dataclass(frozen=True)
class Everything:
    """The empty query: every record (a browse, narrowed by facets)."""

    def __str__(self) -> str:
        return ""


Node = Union[Term, Phrase, Near, Filter, DateRange, And, Or, Not, Variants, Everything]


def _grouped(node: Node, wrap: type | tuple[type, ...]) -> str:
    text = str(node)
    return f"({text})" if isinstance(node, wrap) else text


def _quote_word(text: str) -> str:
    return f'"{text}"' if text in {"AND", "OR", "NOT"} or FIELD.match(text) else text


def walk(node: Node):
    yield node
    if isinstance(node, (And, Or)):
        for item in node.items:
            yield from walk(item)
    elif isinstance(node, Not):
        yield from walk(node.item)
    elif isinstance(node, Variants):
        yield from walk(node.original)


def speaker_filters(tree: Node) -> list[Filter]:
    """The `speaker:` filters of a parsed query (at most one group, ORed)."""
    return [n for n in walk(tree) if isinstance(n, Filter) and n.field == "speaker"]


def text_part(tree: Node) -> Node:
    """The query without its speaker filters: what must match inside the speakers' turns."""
    if isinstance(tree, Filter) and tree.field == "speaker":
        return Everything()
    if isinstance(tree, Or) and all(isinstance(i, Filter) and i.field == "speaker" for i in tree.items):
        return Everything()
    if isinstance(tree, And):
        kept = [text_part(item) for item in tree.items]
        kept = [item for item in kept if not isinstance(item, Everything)]
        if not kept:
            return Everything()
        return kept[0] if len(kept) == 1 else And(tuple(kept))
    return tree
