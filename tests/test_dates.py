"""Record dates: the sources' own forms into EDTF with bounds, and what must never happen
(today's date filled in, a two-digit year read as this century)."""

from __future__ import annotations

import calendar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archivist.dates import _parsed_bounds, bounds, leading_date, parse_date


@pytest.mark.parametrize(
    "text, edtf, earliest, latest",
    [
        ("November 13, 1957", "1957-11-13", "1957-11-13", "1957-11-13"),
        ("18 September 1956", "1956-09-18", "1956-09-18", "1956-09-18"),
        ("Sept. 18, 1956", "1956-09-18", "1956-09-18", "1956-09-18"),
        ("13.XI.57", "1957-11-13", "1957-11-13", "1957-11-13"),
        ("13.11.1957", "1957-11-13", "1957-11-13", "1957-11-13"),
        ("September 1956", "1956-09", "1956-09-01", "1956-09-30"),
        ("1958", "1958", "1958-01-01", "1958-12-31"),
        ("[1956]", "1956", "1956-01-01", "1956-12-31"),
        ("c. 1956", "1956~", "1956-01-01", "1956-12-31"),
        ("November 12-13, 1957", "1957-11-12/1957-11-13", "1957-11-12", "1957-11-13"),
        ("12–13 November 1957", "1957-11-12/1957-11-13", "1957-11-12", "1957-11-13"),
        ("October 30 - November 2, 1956", "1956-10-30/1956-11-02", "1956-10-30", "1956-11-02"),
        ("1956-1957", "1956/1957", "1956-01-01", "1957-12-31"),
        ("1957-11-13", "1957-11-13", "1957-11-13", "1957-11-13"),
        ("February 29, 1956", "1956-02-29", "1956-02-29", "1956-02-29"),
    ],
)
def test_source_forms(text, edtf, earliest, latest):
    value = parse_date(text)
    assert value is not None
    assert (value.edtf, value.earliest, value.latest, value.original) == (edtf, earliest, latest, text)


@pytest.mark.parametrize("text", ["undated", "[Undated]", "n.d."])
def test_undated_is_kept_as_undated(text):
    value = parse_date(text)
    assert value is not None and value.edtf is None and value.original == text


@pytest.mark.parametrize(
    "text", ["February 30, 1956", "Kim Il Sung", "13 September", "November", "the 20th Congress", ""]
)
def test_not_a_date(text):
    assert parse_date(text) is None


def test_leading_date_splits_a_fused_heading_but_not_a_year_title():
    assert leading_date("November 13, 1957 From the Journal of A. M. Puzanov") == (
        "November 13, 1957",
        "From the Journal of A. M. Puzanov",
    )
    assert leading_date("1956 Polish October and the Soviet Union") is None


@given(st.integers(0, 99), st.integers(1, 12), st.integers(1, 28))
def test_two_digit_years_are_of_the_1900s(year, month, day):
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"][month - 1]
    value = parse_date(f"{day}.{roman}.{year:02d}")
    assert value is not None
    assert value.edtf == f"19{year:02d}-{month:02d}-{day:02d}"


@given(st.integers(1900, 1999), st.integers(1, 12), st.data())
def test_bounds_hold_the_date(year, month, data):
    day = data.draw(st.integers(1, calendar.monthrange(year, month)[1]))
    for text in (f"{calendar.month_name[month]} {day}, {year}", f"{day} {calendar.month_name[month]} {year}"):
        value = parse_date(text)
        assert value.earliest == value.latest == f"{year}-{month:02d}-{day:02d}"
    month_only = parse_date(f"{calendar.month_name[month]} {year}")
    assert month_only.earliest <= f"{year}-{month:02d}-{day:02d}" <= month_only.latest


@given(st.integers(1, 2100), st.integers(0, 13), st.integers(0, 32), st.sampled_from(["y", "m", "d"]))
def test_plain_dates_are_bounded_as_the_edtf_package_bounds_them(year, month, day, precision):
    value = f"{year:04d}" + (f"-{month:02d}" if precision != "y" else "") + (f"-{day:02d}" if precision == "d" else "")
    assert bounds(value) == _parsed_bounds(value)


@given(st.text(max_size=40))
def test_arbitrary_text_never_crashes_and_never_invents_a_year(text):
    value = parse_date(text)
    if value is not None and value.edtf:
        assert any(part in text for part in value.edtf[:4].split()) or "." in text
