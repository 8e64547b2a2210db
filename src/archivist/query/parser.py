"""The query language's parser: text to tree, or a `QueryError` naming the problem and the
position (counted from 0) of the character where it is."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from archivist.errors import QueryError
from archivist.query.tree import (
    FIELD,
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
    walk,
)

__all__ = ["MAX_LENGTH", "MAX_NEAR_DISTANCE", "MAX_NEAR_WORDS", "parse"]

#: Characters of other query languages (tantivy's, Lucene's) that mean nothing in ours; they
#: are refused rather than searched for, so a query never silently means something else.
_RESERVED = set("{}[]^~\\+")
_WORD_END = set(' \t\r\n\f\v()",') | _RESERVED
MAX_NEAR_WORDS = 4
MAX_NEAR_DISTANCE = 100
MAX_LENGTH = 2000


# -- parsing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # word, phrase, field, lparen, rparen, and, or, not, minus, near, comma
    text: str
    position: int
    prefix: bool = False


def parse(query: str) -> Node:
    """The tree of `query`; `Everything` for an empty query. Raises QueryError."""
    if len(query) > MAX_LENGTH:
        raise QueryError(
            f"the query is {len(query):,} characters long, more than the {MAX_LENGTH:,} allowed; "
            "shorten it",
            query=query,
            position=MAX_LENGTH,
        )
    tokens = _Lexer(query).tokens()
    if all(token.kind == "comma" for token in tokens):
        return Everything()
    tree = _Parser(query, tokens).parse()
    _check_speakers(query, tree)
    return tree


class _Lexer:
    def __init__(self, query: str):
        self.query = query
        self.position = 0

    def error(self, message: str, position: int) -> QueryError:
        return QueryError(message, query=self.query, position=position)

    def tokens(self) -> list[_Token]:
        query = self.query
        tokens: list[_Token] = []
        while True:
            while self.position < len(query) and query[self.position].isspace():
                self.position += 1
            if self.position >= len(query):
                return tokens
            start = self.position
            char = query[start]
            if char == "(":
                tokens.append(_Token("lparen", char, start))
                self.position += 1
            elif char == ")":
                tokens.append(_Token("rparen", char, start))
                self.position += 1
            elif char == '"':
                tokens.append(self.phrase())
            elif char == ",":
                # Only NEAR(a b, 5) gives a comma meaning; elsewhere it separates like a space.
                tokens.append(_Token("comma", char, start))
                self.position += 1
            elif char in _RESERVED:
                raise self.error(_reserved_message(char, start), start)
            elif char == "-":
                following = query[start + 1 : start + 2]
                if not following or following.isspace() or following == ")":
                    raise self.error(
                        f"'-' at position {start} leaves out nothing: write it right before a word, "
                        "a phrase or a group (-Japan, -\"Cold War\", -(Japan OR China))",
                        start,
                    )
                if following == "-":
                    raise self.error(f"'--' at position {start}: write a single '-' before what to leave out", start)
                tokens.append(_Token("minus", char, start))
                self.position += 1
            else:
                tokens.append(self.word())

    def phrase(self) -> _Token:
        start = self.position
        end = self.query.find('"', start + 1)
        if end < 0:
            raise self.error(
                f'unbalanced quote: the " at position {start} is never closed; add a closing " '
                "or remove it",
                start,
            )
        text = " ".join(self.query[start + 1 : end].split())
        if not text:
            raise self.error(f'empty phrase "" at position {start}: put words between the quotes', start)
        self.position = end + 1
        if self.query[self.position : self.position + 1] == "*":
            raise self.error(
                f"'*' at position {self.position} after a phrase: '*' only ends a single word (negotia*)",
                self.position,
            )
        return _Token("phrase", text, start)

    def word(self) -> _Token:
        query = self.query
        start = self.position
        field = FIELD.match(query, start)
        if field is not None:
            name = field.group()[:-1]
            if name.lower() not in FIELDS:
                raise self.error(
                    f"unknown field '{name}:' at position {start}; the fields are "
                    f"{', '.join(f'{f}:' for f in FIELDS)} (quote the text to search for it as words)",
                    start,
                )
            self.position = field.end()
            return _Token("field", name.lower(), start)
        end = start
        while end < len(query) and query[end] not in _WORD_END:
            end += 1
        text = query[start:end]
        self.position = end
        if text == "NEAR" and query[end : end + 1] == "(":
            return _Token("near", text, start)
        if text in ("AND", "OR", "NOT"):
            return _Token(text.lower(), text, start)
        if text in ("&&", "||"):
            word = "AND" if text == "&&" else "OR"
            raise self.error(f"'{text}' at position {start}: write {word}", start)
        prefix = False
        star = text.find("*")
        if star >= 0:
            if star != len(text) - 1 or star == 0:
                raise self.error(
                    f"'*' at position {start + star} is not at the end of a word: '*' only ends a "
                    "word, for words that begin so (negotia*)",
                    start + star,
                )
            text, prefix = text[:-1], True
        return _Token("word", text, start, prefix)


def _reserved_message(char: str, position: int) -> str:
    hints = {
        "~": "for words near each other write NEAR(a b, 5)",
        "+": "every word is required already; leave the '+' out",
        "^": "boosts are not part of the query language",
    }
    hint = hints.get(char, 'quote the text ("...") to search for it')
    return f"'{char}' at position {position} is not part of the query language; {hint}"


class _Parser:
    def __init__(self, query: str, tokens: list[_Token]):
        self.query = query
        self.tokens = tokens
        self.index = 0
        self.in_near = False

    def error(self, message: str, position: int) -> QueryError:
        return QueryError(message, query=self.query, position=position)

    def peek(self) -> _Token | None:
        if not self.in_near:
            while self.index < len(self.tokens) and self.tokens[self.index].kind == "comma":
                self.index += 1
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        self.peek()
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        node = self.or_expression()
        token = self.peek()
        if token is not None:
            if token.kind == "rparen":
                raise self.error(
                    f"unbalanced parenthesis: the ')' at position {token.position} closes nothing; "
                    "remove it or add a '(' before it",
                    token.position,
                )
            raise self.error(f"unexpected {token.text!r} at position {token.position}", token.position)
        return node

    def or_expression(self) -> Node:
        items = [self.and_expression()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            self.expect_operand(token, "OR")
            items.append(self.and_expression())
        return items[0] if len(items) == 1 else Or(tuple(_flatten(items, Or)))

    def and_expression(self) -> Node:
        items = [self.unary()]
        while (token := self.peek()) is not None and token.kind not in ("or", "rparen"):
            if token.kind == "and":
                self.take()
                self.expect_operand(token, "AND")
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(_flatten(items, And)))

    def expect_operand(self, operator: _Token, name: str) -> None:
        following = self.peek()
        if following is None or following.kind in ("or", "and", "rparen"):
            raise self.error(
                f"{name} at position {operator.position} has nothing on its right; "
                f"write a word or a group after it, or remove the {name}",
                operator.position,
            )

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise self.error("the query ends where a word was expected", len(self.query))
        if token.kind in ("not", "minus"):
            self.take()
            following = self.peek()
            if following is None or following.kind in ("or", "and", "rparen", "not", "minus"):
                raise self.error(
                    f"{token.text} at position {token.position} leaves out nothing; "
                    "write a word, phrase or group after it",
                    token.position,
                )
            return Not(self.unary(), token.position)
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "word":
            return Term(token.text, token.prefix, token.position)
        if token.kind == "phrase":
            return Phrase(token.text, token.position)
        if token.kind == "field":
            return self.field_value(token)
        if token.kind == "near":
            return self.near(token)
        if token.kind == "lparen":
            following = self.peek()
            if following is None:
                raise self.error(
                    f"unbalanced parenthesis: the '(' at position {token.position} is never closed; "
                    "add a ')'",
                    token.position,
                )
            if following.kind == "rparen":
                raise self.error(f"empty parentheses at position {token.position}: put words inside", token.position)
            node = self.or_expression()
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise self.error(
                    f"unbalanced parenthesis: the '(' at position {token.position} is never closed; "
                    "add a ')'",
                    token.position,
                )
            self.take()
            return node
        if token.kind in ("and", "or"):
            raise self.error(
                f"{token.text} at position {token.position} has nothing on its left; "
                f"write a word before it, or remove the {token.text}",
                token.position,
            )
        if token.kind == "rparen":
            raise self.error(
                f"unbalanced parenthesis: the ')' at position {token.position} closes nothing; "
                "remove it or add a '(' before it",
                token.position,
            )
        raise self.error(f"unexpected {token.text!r} at position {token.position}", token.position)

    def field_value(self, field: _Token) -> Node:
        name = field.text
        value = self.peek()
        end = field.position + len(name) + 1
        if value is None or value.position != end or value.kind not in ("word", "phrase", "and", "or", "not", "near"):
            hint = "(title:armistice, person:\"Kim Il Sung\")"
            if value is not None and value.kind == "lparen" and value.position == end:
                raise self.error(
                    f"'{name}:(' at position {field.position}: a field takes one word or a quoted "
                    f"phrase, not a group; write {name}:a OR {name}:b",
                    field.position,
                )
            raise self.error(
                f"'{name}:' at position {field.position} has no value; write the value right after "
                f"the colon {hint}",
                field.position,
            )
        self.take()
        if name in ("year", "date"):
            if value.kind == "phrase":
                text = value.text
            else:
                text = value.text + ("*" if value.prefix else "")
            return _date_range(self.query, name, text, field.position, value.position)
        if value.kind == "phrase":
            return Filter(name, value.text, phrase=True, position=field.position)
        if name in ("speaker", "person") and value.prefix:
            raise self.error(
                f"'*' in {name}:{value.text}* at position {field.position}: {name}: takes a whole "
                "name; names are matched in every spelling already",
                field.position,
            )
        return Filter(name, value.text, prefix=value.prefix, position=field.position)

    def near(self, token: _Token) -> Node:
        example = "NEAR(Mao Korea, 5)"
        self.take()  # the "(" right after NEAR
        self.in_near = True
        try:
            words: list[str] = []
            while (item := self.peek()) is not None and item.kind in ("word", "and", "or", "not"):
                if item.kind == "word" and item.prefix:
                    raise self.error(
                        f"'*' inside NEAR at position {item.position}: NEAR takes whole words", item.position
                    )
                self.take()
                words.append(item.text)
            comma = self.peek()
            if comma is None or comma.kind != "comma":
                raise self.error(
                    f"NEAR at position {token.position} needs its words, a comma and a distance: {example}",
                    token.position,
                )
            self.take()
            if len(words) < 2:
                raise self.error(
                    f"NEAR at position {token.position} needs at least two words: {example}", token.position
                )
            if len(words) > MAX_NEAR_WORDS:
                raise self.error(
                    f"NEAR at position {token.position} has {len(words)} words; it takes at most "
                    f"{MAX_NEAR_WORDS}",
                    token.position,
                )
            distance_token = self.peek()
            if distance_token is None or distance_token.kind != "word" or not distance_token.text.isdigit():
                raise self.error(
                    f"NEAR at position {token.position} needs a distance in words after the comma: {example}",
                    token.position,
                )
            self.take()
            distance = int(distance_token.text)
            if distance > MAX_NEAR_DISTANCE:
                raise self.error(
                    f"NEAR distance {distance} at position {distance_token.position} is more than "
                    f"{MAX_NEAR_DISTANCE} words; use AND for words anywhere in the record",
                    distance_token.position,
                )
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise self.error(
                    f"unbalanced parenthesis: NEAR( at position {token.position} is never closed; "
                    f"write {example}",
                    token.position,
                )
            self.take()
        finally:
            self.in_near = False
        return Near(tuple(words), distance, token.position)


def _flatten(items: list[Node], kind: type) -> list[Node]:
    flat: list[Node] = []
    for item in items:
        if isinstance(item, kind):
            flat.extend(item.items)  # type: ignore[attr-defined]
        else:
            flat.append(item)
    return flat


# -- dates ---------------------------------------------------------------------------------

_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _date_range(query: str, field: str, text: str, field_position: int, value_position: int) -> DateRange:
    def error(message: str) -> QueryError:
        return QueryError(message, query=query, position=value_position)

    example = "year:1956 or year:1955..1957" if field == "year" else "date:1956-09 or date:1956-09..1957-11"
    separator = ".." if ".." in text else ("/" if "/" in text else None)
    if separator is None:
        start_text = end_text = text
    else:
        start_text, _, end_text = text.partition(separator)
        if not start_text and not end_text:
            raise error(f"{field}:{text} at position {field_position} gives no date; write {example}")
    at = f"at position {value_position}"
    earliest = _bound(start_text, field, example, error, at, low=True) if start_text else None
    latest = _bound(end_text, field, example, error, at, low=False) if end_text else None
    if earliest and latest and earliest > latest:
        raise error(
            f"{field}:{text} at position {field_position} ends before it starts; write the earlier date first"
        )
    return DateRange(field, text, earliest, latest, field_position)


def _bound(text: str, field: str, example: str, error, at: str, *, low: bool) -> str:
    match = _DAY.match(text)
    if match is None or (field == "year" and (match.group(2) or match.group(3))):
        what = "a year of four digits" if field == "year" else "a date as YYYY, YYYY-MM or YYYY-MM-DD"
        raise error(f"{field}:{text!r} {at} is not {what}; write {example}")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if year < 1:
        raise error(f"{field}: year {text!r} {at} is out of range; write {example}")
    if month is not None and not 1 <= month <= 12:
        raise error(f"{field}: month {month:02d} in {text!r} {at} does not exist; write {example}")
    if day is not None and month is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise error(f"{field}: day {day:02d} in {text!r} {at} does not exist in that month; write {example}")
    if low:
        return f"{year:04d}-{month or 1:02d}-{day or 1:02d}"
    last_month = month or 12
    last_day = day or calendar.monthrange(year, last_month)[1]
    return f"{year:04d}-{last_month:02d}-{last_day:02d}"


# -- the speaker rule ----------------------------------------------------------------------


def _check_speakers(query: str, tree: Node) -> None:
    """`speaker:` narrows the whole query to one person's words: it may stand beside the rest
    (`speaker:Mao Korea`) or be ORed with other speakers, never inside OR with words or NOT."""
    allowed: set[int] = set()
    top = tree.items if isinstance(tree, And) else (tree,)
    groups = 0
    for item in top:
        if isinstance(item, Filter) and item.field == "speaker":
            allowed.add(id(item))
            groups += 1
        elif isinstance(item, Or) and all(isinstance(i, Filter) and i.field == "speaker" for i in item.items):
            allowed.update(id(i) for i in item.items)
            groups += 1
    for node in walk(tree):
        if isinstance(node, Filter) and node.field == "speaker" and id(node) not in allowed:
            raise QueryError(
                f"speaker: at position {node.position} is inside NOT, or ORed with something that "
                "is not a speaker; speaker: narrows the whole query (speaker:Mao Korea, "
                "(speaker:Mao OR speaker:Mikoyan) Korea)",
                query=query,
                position=node.position,
            )
    if groups > 1:
        second = [n for n in walk(tree) if isinstance(n, Filter) and n.field == "speaker"][-1]
        raise QueryError(
            f"a second speaker: at position {second.position}: the words cannot be inside two "
            "people's turns at once; to search the words of either, write (speaker:A OR speaker:B)",
            query=query,
            position=second.position,
        )
