"""The query language: what each form parses to, and a clear error naming the problem and
position for every malformed query."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist.errors import ArchivistError, QueryError
from archivist.query import (
    And,
    DateRange,
    Everything,
    Filter,
    Near,
    Not,
    Or,
    Phrase,
    Term,
    parse,
    speaker_filters,
    text_part,
)


def test_words_side_by_side_are_all_required() -> None:
    assert parse("Kim Il Sung") == And((Term("Kim", position=0), Term("Il", position=4), Term("Sung", position=7)))


def test_phrases_operators_and_groups() -> None:
    tree = parse('("Central Committee" OR Korea) AND NOT Japan -"Cold War"')
    assert isinstance(tree, And)
    group, not_japan, not_cold_war = tree.items
    assert group == Or((Phrase("Central Committee", 1), Term("Korea", position=24)))
    assert not_japan == Not(Term("Japan", position=39), 35)
    assert not_cold_war == Not(Phrase("Cold War", 46), 45)


def test_and_binds_tighter_than_or() -> None:
    tree = parse("a b OR c")
    assert isinstance(tree, Or)
    assert isinstance(tree.items[0], And)


def test_prefix_near_and_fields() -> None:
    assert parse("negotia*") == Term("negotia", prefix=True)
    assert parse("NEAR(Mao Korea, 5)") == Near(("Mao", "Korea"), 5)
    assert parse('person:"Kim Il Sung"') == Filter("person", "Kim Il Sung", phrase=True)
    assert parse("title:armist*") == Filter("title", "armist", prefix=True)
    assert parse("LANG:Russian") == Filter("lang", "Russian")


def test_year_and_date_are_ranges_of_days() -> None:
    assert parse("year:1956") == DateRange("year", "1956", "1956-01-01", "1956-12-31")
    assert parse("year:1955..1957") == DateRange("year", "1955..1957", "1955-01-01", "1957-12-31")
    assert parse("date:1956-09..1957-11") == DateRange("date", "1956-09..1957-11", "1956-09-01", "1957-11-30")
    assert parse("date:1956-02") == DateRange("date", "1956-02", "1956-02-01", "1956-02-29")
    assert parse("date:..1956-09-18") == DateRange("date", "..1956-09-18", None, "1956-09-18")
    assert parse("date:1956/1957") == DateRange("date", "1956/1957", "1956-01-01", "1957-12-31")


def test_empty_query_is_a_browse() -> None:
    assert parse("") == Everything()
    assert parse("   ") == Everything()


def test_commas_and_words_with_colons_are_text() -> None:
    assert parse("Korea, China") == And((Term("Korea", position=0), Term("China", position=7)))
    assert parse("12:30") == Term("12:30")


def test_speaker_narrows_the_rest() -> None:
    tree = parse("speaker:Mao Korea")
    assert [f.value for f in speaker_filters(tree)] == ["Mao"]
    assert text_part(tree) == Term("Korea", position=12)
    either = parse("(speaker:Mao OR speaker:Mikoyan) Korea")
    assert [f.value for f in speaker_filters(either)] == ["Mao", "Mikoyan"]
    assert text_part(parse("speaker:Mao")) == Everything()


def test_canonical_form_parses_back_to_the_same_tree() -> None:
    for query in [
        'a b OR c -(d OR e) "f g" NEAR(h i, 3) title:j* year:1955..1957 person:"Kim Il Sung"',
        "(speaker:Mao OR speaker:Mikoyan) Korea",
        '"AND" x',
    ]:
        tree = parse(query)
        assert _strip(parse(str(tree))) == _strip(tree)


BAD = [
    # (query, position, words the message must contain)
    ('"Kim Il', 0, ["unbalanced quote"]),
    ('Mao said "Korea', 9, ["unbalanced quote"]),
    ("(Korea OR China", 0, ["unbalanced parenthesis", "never closed"]),
    ("Korea)", 5, ["unbalanced parenthesis", "closes nothing"]),
    ("AND Korea", 0, ["AND", "nothing on its left"]),
    ("Korea OR", 6, ["OR", "nothing on its right"]),
    ("Korea AND OR China", 6, ["AND", "nothing on its right"]),
    ("NOT", 0, ["NOT", "leaves out nothing"]),
    ("Korea -", 6, ["'-'", "leaves out nothing"]),
    ("col:x OR {", 0, ["unknown field 'col:'"]),
    ("Korea OR {", 9, ["'{'", "not part of the query language"]),
    ("Korea~2", 5, ["'~'", "NEAR"]),
    ("title:[a TO b]", 6, ["'['"]),
    ("+Korea", 0, ["'+'"]),
    ("year:19x", 5, ["year", "four digits"]),
    ("date:1956-13", 5, ["month 13"]),
    ("date:1957-02-29", 5, ["day 29"]),
    ("year:1957..1955", 5, ["ends before it starts"]),
    ("year:", 0, ["has no value"]),
    ("title: x", 0, ["has no value"]),
    ("title:(a b)", 0, ["not a group"]),
    ("neg*tiation", 3, ["'*'", "end of a word"]),
    ("*", 0, ["'*'"]),
    ('"Cold War"*', 10, ["'*'", "phrase"]),
    ("NEAR(Mao, 5)", 0, ["at least two words"]),
    ("NEAR(Mao Korea 5)", 0, ["comma"]),
    ("NEAR(Mao Korea, five)", 0, ["distance"]),
    ("NEAR(Mao Korea, 5", 0, ["never closed"]),
    ("NEAR(a b, 500)", 10, ["more than 100"]),
    ('""', 0, ["empty phrase"]),
    ("()", 0, ["empty parentheses"]),
    ("a && b", 2, ["write AND"]),
    ("Korea OR speaker:Mao", 9, ["speaker:", "narrows the whole query"]),
    ("-speaker:Mao Korea", 1, ["speaker:", "inside NOT"]),
    ("speaker:Mao speaker:Mikoyan Korea", 12, ["second speaker:"]),
    ("person:Mao*", 0, ["whole name"]),
]


@pytest.mark.parametrize(("query", "position", "words"), BAD, ids=[b[0] for b in BAD])
def test_a_malformed_query_names_the_problem_and_its_position(query: str, position: int, words: list[str]) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    error = caught.value
    assert isinstance(error, ArchivistError)
    assert error.position == position, str(error)
    assert error.query == query
    for word in words:
        assert word in error.message, error.message
    assert f"position {position}" in error.message or f"position {_field_start(query)}" in error.message


def test_an_overlong_query_is_refused() -> None:
    with pytest.raises(QueryError, match="characters long"):
        parse("a " * 1500)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('abc "()-*:,~{}ANDORTyear1956.'+"\u00e9\u2014\x00")), max_size=40))
def test_any_text_parses_or_raises_query_error(query: str) -> None:
    try:
        tree = parse(query)
    except QueryError as error:
        assert 0 <= error.position <= len(query)
        assert error.message
    else:
        assert _strip(parse(str(tree))) == _strip(tree)


def _field_start(query: str) -> int:
    return query.find(":") - len(query[: query.find(":")].split()[-1]) if ":" in query else -1


def _strip(tree):
    """The tree without positions, to compare trees parsed from different spellings."""
    from dataclasses import fields, is_dataclass, replace

    if isinstance(tree, tuple):
        return tuple(_strip(t) for t in tree)
    if not is_dataclass(tree):
        return tree
    changes = {}
    for f in fields(tree):
        value = getattr(tree, f.name)
        if f.name == "position":
            changes[f.name] = 0
        elif is_dataclass(value) or isinstance(value, tuple):
            changes[f.name] = _strip(value)
    return replace(tree, **changes)
