"""A record's date in words: what an EDTF value means, spelled out for a reader.

EDTF is exact but terse: `1956-09` means "some day in September 1956", `1957-11-12/1957-11-13`
"between 12 and 13 November 1957", `1955~` "about 1955". The reader prints the EDTF beside
this meaning, so a historian sees both the value a machine reads and what it claims.
"""

from __future__ import annotations

import calendar
import re

from archivist.document import DateValue

__all__ = ["date_meaning", "day_words", "short_date"]

_PART = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?([?~%]?)$")


def _parts(value: str) -> tuple[int, int | None, int | None, str] | None:
    match = _PART.match(value.strip())
    if not match:
        return None
    year, month, day, qualifier = match.groups()
    month_number = int(month) if month else None
    day_number = int(day) if day else None
    if month_number is not None and not 1 <= month_number <= 12:
        return None
    return int(year), month_number, day_number, qualifier


def day_words(iso: str | None) -> str | None:
    """`1956-09-18` -> "18 September 1956"; a month or a year as far as it goes."""
    if not iso:
        return None
    parts = _parts(iso)
    if parts is None:
        return iso
    year, month, day, _ = parts
    if month is None:
        return str(year)
    if day is None:
        return f"{calendar.month_name[month]} {year}"
    return f"{day} {calendar.month_name[month]} {year}"


def short_date(edtf: str | None) -> str:
    """A compact date for lists: "18 Sep 1956", "Sep 1956", "12–13 Nov 1957", "undated"."""
    if not edtf:
        return "undated"
    sides = [_parts(side) for side in edtf.split("/")[:2]]
    if not sides or any(side is None for side in sides):
        return edtf

    def one(year: int, month: int | None, day: int | None) -> str:
        if month is None:
            return str(year)
        if day is None:
            return f"{calendar.month_abbr[month]} {year}"
        return f"{day} {calendar.month_abbr[month]} {year}"

    first = sides[0]
    assert first is not None
    prefix = "c. " if first[3] in ("~", "%") else ""
    if len(sides) == 1:
        return prefix + one(*first[:3]) + ("?" if first[3] in ("?", "%") else "")
    last = sides[1]
    assert last is not None
    if first[0] == last[0] and first[1] == last[1] and first[2] and last[2]:
        return f"{first[2]}–{last[2]} {calendar.month_abbr[first[1] or 1]} {first[0]}"
    return f"{one(*first[:3])} – {one(*last[:3])}"


def date_meaning(date: DateValue) -> str | None:
    """What the record's EDTF date claims, in words; None for an undated record.

    A day is that day; a month, a year or a range is "between" its first and last day, so a
    reader knows how far the date can be trusted.
    """
    if not date.edtf:
        return None
    edtf = date.edtf
    if "/" in edtf:
        first, _, last = edtf.partition("/")
        start = day_words(date.earliest) or day_words(first) or "an open start"
        end = day_words(date.latest) or day_words(last) or "an open end"
        return f"between {start} and {end}"
    parts = _parts(edtf)
    if parts is None:
        return None
    year, month, day, qualifier = parts
    hedge = {"?": ", uncertain", "~": ", approximate", "%": ", approximate and uncertain"}.get(qualifier, "")
    if day is not None:
        return f"on {day_words(edtf.rstrip('?~%'))}{hedge}"
    earliest = day_words(date.earliest)
    latest = day_words(date.latest)
    span = f"some day in {calendar.month_name[month]} {year}" if month else f"some day in {year}"
    if earliest and latest:
        return f"{span}: between {earliest} and {latest}{hedge}"
    return span + hedge
