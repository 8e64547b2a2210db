"""The query language: one parser for the CLI, the API and the web pages, and the tree it gives.

    Kim Il Sung                       every word, anywhere in the record
    "Central Committee"               an exact phrase
    Korea OR China, Korea AND China   AND binds tighter than OR; words side by side are ANDed
    NOT Japan, -Japan, -"Cold War"    leave out records that match
    (Korea OR China) -Japan           parentheses group
    negotia*                          words that begin so
    NEAR(Mao Korea, 5)                the words at most 5 words apart, in any order
    title:armistice  person:"Kim Il Sung"  speaker:Mao  year:1956  date:1956-09..1957-11
    lang:Russian  archive:AVPRF  type:memorandum  classification:"Top Secret"  translator:Goldberg

The parser knows nothing of any search engine: it gives a tree of the dataclasses of `tree.py`, which
an engine (the tantivy index, PostgreSQL's full text) translates into its own query objects. A
user's text never reaches an engine as a query string, so engine syntax typed into the box is
either ours or an error.

A query that cannot be read raises `QueryError`, whose `position` is the offset (counted from 0)
of the character where the problem is, and whose message names the problem and what to write
instead.
"""

from __future__ import annotations

from archivist.errors import QueryError
from archivist.query.parser import MAX_LENGTH, MAX_NEAR_DISTANCE, MAX_NEAR_WORDS, parse
from archivist.query.tree import (
    FIELDS,
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
    walk,
)

__all__ = [
    "And",
    "DateRange",
    "Everything",
    "FIELDS",
    "Filter",
    "MAX_LENGTH",
    "MAX_NEAR_DISTANCE",
    "MAX_NEAR_WORDS",
    "Near",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "QueryError",
    "Term",
    "Variants",
    "parse",
    "speaker_filters",
    "text_part",
    "walk",
]
