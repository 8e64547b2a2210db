"""The timeline: how many records of a search fall in each month, year or decade, as bars.

Counts come from the search index, so any search can be drawn: years and decades from its year
facet, months from one counting query a month (`date:1955-02` added to the search), asked only
for the years that hold records. A window of ten years or less is drawn by month, up to two
hundred years by year, anything wider by decade. The page draws the bars as SVG on the server
(no script needed); the geometry is worked out here, the markup in the template.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from archivist.errors import QueryError
from archivist.search import SearchIndex
from archivist.web.pages.searching import SearchState

__all__ = ["Bar", "Dot", "Strip", "Tick", "Timeline", "build_strip", "build_timeline", "parse_bound"]

WIDTH = 960
HEIGHT = 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 12, 16, 54
MONTHS_UP_TO = 10  # years in a window drawn by month
YEARS_UP_TO = 200  # years in a window drawn by year
_BOUND = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?\s*$")


@dataclass(frozen=True)
class Bar:
    key: str  # 1955-02, 1955, 1950s
    label: str  # February 1955
    count: int
    href: str  # the search for the records in it
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    href: str | None = None  # zoom into this year


@dataclass(frozen=True)
class Timeline:
    unit: str  # month, year or decade
    bars: list[Bar]
    ticks: list[Tick]
    levels: list[tuple[float, int]]  # (y, count) of the horizontal guides
    total: int
    shown: int  # records within the window
    start: str
    end: str
    width: int = WIDTH
    height: int = HEIGHT
    zoom_out: str | None = None

    @property
    def peak(self) -> Bar | None:
        return max(self.bars, key=lambda b: b.count) if self.bars else None


def parse_bound(text: str | None) -> tuple[int, int | None] | None:
    """"1955" -> (1955, None); "1955-02" -> (1955, 2); anything else -> None."""
    if not text:
        return None
    match = _BOUND.match(text)
    if not match:
        return None
    month = int(match.group(2)) if match.group(2) else None
    if month is not None and not 1 <= month <= 12:
        return None
    return int(match.group(1)), month


def _with_date(q: str, value: str) -> str:
    return f"({q}) date:{value}" if q else f"date:{value}"


def _nice(peak: int) -> int:
    if peak <= 5:
        return max(peak, 1)
    magnitude = 10 ** int(math.log10(peak))
    for step in (1, 2, 2.5, 5, 10):
        if peak <= step * magnitude:
            return int(step * magnitude)
    return peak


def _timeline_url(state: SearchState, start: str | None, end: str | None) -> str:
    pairs = [p for p in state.pairs() if p[0] not in ("sort", "offset")]
    if start:
        pairs.append(("from", start))
    if end:
        pairs.append(("to", end))
    return "/timeline" + (f"?{urlencode(pairs)}" if pairs else "")


def build_timeline(index: SearchIndex, state: SearchState, start: str | None = None, end: str | None = None) -> Timeline:
    """The bars of the records `state` finds, within `start`..`end` ("1955", "1955-02"; open
    when None). Raises QueryError for a query that cannot be read."""
    selection = state.as_selection()
    total = index.search(state.q, selected=selection, limit=0, snippets=False).total
    years = {int(v.value): v.count for v in index.facets(state.q, selected=selection, names=("year",), size=10_000)["year"]}
    low_bound, high_bound = parse_bound(start), parse_bound(end)
    if not years:
        return Timeline("year", [], [], [], total, 0, start or "", end or "")
    first = low_bound[0] if low_bound else min(years)
    last = high_bound[0] if high_bound else max(years)
    if last < first:
        raise QueryError(f"the timeline's range ends ({last}) before it starts ({first}); swap them")
    span = last - first + 1
    # (key, label, count, search href)
    slots: list[tuple[str, str, int, str]] = []
    if span <= MONTHS_UP_TO:
        unit = "month"
        first_month = low_bound[1] if low_bound and low_bound[1] else 1
        last_month = high_bound[1] if high_bound and high_bound[1] else 12
        for year in range(first, last + 1):
            for month in range(1, 13):
                if (year == first and month < first_month) or (year == last and month > last_month):
                    continue
                key = f"{year}-{month:02d}"
                count = 0
                if years.get(year):
                    count = index.search(_with_date(state.q, key), selected=selection, limit=0, snippets=False).total
                href = SearchState(_with_date(state.q, key), state.selected, "date").url()
                slots.append((key, f"{calendar.month_name[month]} {year}", count, href))
    elif span <= YEARS_UP_TO:
        unit = "year"
        for year in range(first, last + 1):
            chosen = state if state.chosen("year", str(year)) else state.toggled("year", str(year))
            slots.append((str(year), str(year), years.get(year, 0), chosen.sorted_by("date").url()))
    else:
        unit = "decade"
        for decade in range(first // 10 * 10, last // 10 * 10 + 1, 10):
            count = sum(n for y, n in years.items() if decade <= y < decade + 10)
            chosen = state if state.chosen("decade", str(decade)) else state.toggled("decade", str(decade))
            slots.append((f"{decade}s", f"the {decade}s", count, chosen.sorted_by("date").url()))
    top = _nice(max((s[2] for s in slots), default=1))
    inner_width = WIDTH - _LEFT - _RIGHT
    inner_height = HEIGHT - _TOP - _BOTTOM
    slot = inner_width / max(len(slots), 1)
    gap = min(slot * 0.18, 6)
    bars: list[Bar] = []
    for place, (key, label, count, href) in enumerate(slots):
        height = inner_height * count / top
        bars.append(Bar(key, label, count, href, _LEFT + place * slot + gap / 2, _TOP + inner_height - height, slot - gap, height))
    ticks = _ticks(unit, bars, state, slot)
    levels = [(_TOP + inner_height - inner_height * n / top, n) for n in sorted({0, top // 2 if top > 1 else 0, top})]
    zoomed = low_bound is not None or high_bound is not None
    return Timeline(
        unit=unit,
        bars=bars,
        ticks=ticks,
        levels=levels,
        total=total,
        shown=sum(n for y, n in years.items() if first <= y <= last),
        start=f"{first}" if not low_bound or not low_bound[1] else f"{first}-{low_bound[1]:02d}",
        end=f"{last}" if not high_bound or not high_bound[1] else f"{last}-{high_bound[1]:02d}",
        zoom_out=_timeline_url(state, None, None) if zoomed else None,
    )


def _ticks(unit: str, bars: list[Bar], state: SearchState, slot: float) -> list[Tick]:
    ticks: list[Tick] = []
    if unit == "month":
        for bar in bars:
            year, month = bar.key.split("-")
            centre = bar.x + bar.width / 2
            if month == "01" or bar is bars[0]:
                ticks.append(Tick(centre, year, _timeline_url(state, year, year)))
            elif slot >= 22 and len(bars) <= 48:
                ticks.append(Tick(centre, calendar.month_abbr[int(month)][0]))
        return ticks
    every = max(1, math.ceil(len(bars) / 16))
    for place, bar in enumerate(bars):
        if place % every == 0:
            year = bar.key.rstrip("s")
            zoom = _timeline_url(state, year, year) if unit == "year" else _timeline_url(state, year, str(int(year) + 9))
            ticks.append(Tick(bar.x + bar.width / 2, bar.key, zoom))
    return ticks


@dataclass(frozen=True)
class Dot:
    x: float
    id: str
    title: str
    date: str


@dataclass(frozen=True)
class Strip:
    """A person's records as dots along one line of time, for the person page."""

    dots: list[Dot]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = 64


def _day_number(iso: str) -> int | None:
    try:
        year, month, day = (int(part) for part in iso[:10].split("-"))
        return year * 372 + (month - 1) * 31 + (day - 1)
    except ValueError:
        return None


def build_strip(records: list[dict]) -> Strip:
    """Dots for `records` (dicts with id, title, earliest, date, as `person_page` gives them)
    placed by their earliest day; undated records are left off the line."""
    dated = [(r, _day_number(r["earliest"])) for r in records if r.get("earliest")]
    dated = [(r, n) for r, n in dated if n is not None]
    if not dated:
        return Strip([], [])
    first_year = min(n for _, n in dated) // 372
    last_year = max(n for _, n in dated) // 372 + 1
    low, high = first_year * 372, last_year * 372
    inner = WIDTH - 2 * 24

    def x_of(number: int) -> float:
        return round(24 + inner * (number - low) / (high - low), 1)

    dots = [Dot(x_of(n), r["id"], r.get("title") or r["id"], r.get("date") or "") for r, n in dated]
    every = max(1, math.ceil((last_year - first_year) / 12))
    ticks = [Tick(x_of(year * 372), str(year)) for year in range(first_year, last_year + 1, every)]
    return Strip(dots, ticks)
