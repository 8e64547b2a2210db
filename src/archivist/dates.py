"""Dates as the sources print them, turned into EDTF with earliest/latest bounds.

The forms are the archives' own: "November 13, 1957", "18 September 1956", "13.XI.57",
"November 12-13, 1957", "September 1956", "c. 1956", "[1956]", "undated". They are parsed here
by rules rather than by a general date guesser, because a guesser fills in today's date for what
is missing and reads '57' as 2057; a two-digit year here is always of the 1900s.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache

from edtf import parse_edtf

from archivist.document import Annotation, DateValue, Document
from archivist.pipeline import stage

__all__ = ["MONTHS", "DateMatch", "bounds", "find_date", "leading_date", "parse_date"]

MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    MONTHS[calendar.month_name[_number].lower()] = _number
    MONTHS[calendar.month_abbr[_number].lower()] = _number
MONTHS["sept"] = 9

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11, "xii": 12}

_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[0-9]\d\d|20\d\d)"
_DASH = r"\s*(?:[-–—]|to|until)\s*"

_PATTERNS: list[tuple[str, str]] = [
    # ranges first: they contain the single forms
    ("md-md-y", rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_DASH}(?P<m2>{_MONTH})\s+(?P<d2>{_DAY}),?\s+(?P<y>{_YEAR})"),
    ("dm-dm-y", rf"(?P<d1>{_DAY})\s+(?P<m1>{_MONTH}){_DASH}(?P<d2>{_DAY})\s+(?P<m2>{_MONTH}),?\s+(?P<y>{_YEAR})"),
    ("md-d-y", rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_DASH}(?P<d2>{_DAY}),?\s+(?P<y>{_YEAR})"),
    ("d-d-my", rf"(?P<d1>{_DAY}){_DASH}(?P<d2>{_DAY})\s+(?P<m1>{_MONTH}),?\s+(?P<y>{_YEAR})"),
    ("m-m-y", rf"(?P<m1>{_MONTH}){_DASH}(?P<m2>{_MONTH}),?\s+(?P<y>{_YEAR})"),
    ("mdy", rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}),?\s+(?P<y>{_YEAR})"),
    ("dmy", rf"(?P<d1>{_DAY})\s+(?P<m1>{_MONTH}),?\s+(?P<y>{_YEAR})"),
    ("iso", rf"(?P<y>{_YEAR})-(?P<m1>0[1-9]|1[0-2])(?:-(?P<d1>0[1-9]|[12]\d|3[01]))?(?![\d/–-])"),
    ("roman", r"(?P<d1>[12]\d|3[01]|0?[1-9])\.\s?(?P<r1>X{0,1}I{1,3}|IV|VI{0,3}|IX|X|XI|XII)\.\s?(?P<y>\d{4}|\d{2})(?!\d)"),
    ("numeric", rf"(?P<d1>[12]\d|3[01]|0?[1-9])\.(?P<n1>0?[1-9]|1[0-2])\.(?P<y>{_YEAR}|\d{{2}})(?!\d)"),
    ("my", rf"(?P<m1>{_MONTH}),?\s+(?P<y>{_YEAR})"),
    ("y-y", rf"(?P<y1>{_YEAR}){_DASH}(?P<y2>{_YEAR}|\d\d)(?!\d)"),
    ("y", rf"(?P<y>{_YEAR})(?!\d)"),
]
_COMPILED = [(name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _PATTERNS]

_APPROXIMATE = re.compile(r"^(?:c\.|ca\.|circa|about|approximately)\s*", re.IGNORECASE)
_UNDATED = re.compile(r"^\[?\s*(?:undated|n\.\s?d\.|no date|date unknown|not dated)\s*\]?\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    edtf: str
    kind: str


def _year(text: str) -> int:
    value = int(text)
    # Two-digit years in these records are of the 1900s ("13.XI.57"), never of this century.
    return 1900 + value if value < 100 else value


def _month(groups: dict[str, str | None], key: str) -> int | None:
    value = groups.get(key)
    if not value:
        return None
    return MONTHS[value.lower().rstrip(".")]


def _day(value: str | None) -> int | None:
    return int(re.sub(r"\D", "", value)) if value else None


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    if day > calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _build(kind: str, groups: dict[str, str | None]) -> str | None:
    if kind == "y-y":
        first = _year(groups["y1"] or "")
        second_text = groups["y2"] or ""
        second = int(second_text) + first // 100 * 100 if len(second_text) == 2 else int(second_text)
        return f"{first}/{second}" if second > first else None
    if kind == "roman":
        month = _ROMAN[(groups["r1"] or "").lower()]
        return _iso(_year(groups["y"] or ""), month, _day(groups["d1"]))
    if kind == "numeric":
        return _iso(_year(groups["y"] or ""), int(groups["n1"] or 0), _day(groups["d1"]))
    year = _year(groups["y"] or "")
    if kind == "iso":
        return _iso(year, int(groups["m1"] or 0), _day(groups["d1"]))
    m1 = _month(groups, "m1")
    m2 = _month(groups, "m2")
    d1, d2 = _day(groups.get("d1")), _day(groups.get("d2"))
    if kind in ("mdy", "dmy"):
        return _iso(year, m1, d1)
    if kind == "my":
        return _iso(year, m1)
    if kind == "y":
        return _iso(year)
    if kind in ("md-d-y", "d-d-my"):
        first, second = _iso(year, m1, d1), _iso(year, m1, d2)
    elif kind in ("md-md-y", "dm-dm-y"):
        first, second = _iso(year, m1, d1), _iso(year, m2, d2)
    else:  # m-m-y
        first, second = _iso(year, m1), _iso(year, m2)
    if first is None or second is None or second <= first:
        return None
    return f"{first}/{second}"


def find_date(text: str, start: int = 0, *, anchored: bool = False) -> DateMatch | None:
    """The first (or, `anchored`, the leading) date expression in `text[start:]`."""
    best: DateMatch | None = None
    for kind, pattern in _COMPILED:
        match = pattern.match(text, start) if anchored else pattern.search(text, start)
        while match is not None:
            if _bounded(text, match.start(), match.end()):
                value = _build(kind, match.groupdict())
                if value is not None:
                    candidate = DateMatch(match.start(), match.end(), value, kind)
                    if best is None or (candidate.start, -candidate.end) < (best.start, -best.end):
                        best = candidate
                    break
            if anchored:
                break
            match = pattern.search(text, match.start() + 1)
    return best


def _scan(text: str, start: int, end: int) -> list[DateMatch]:
    """Every date expression in `text[start:end]`, left to right, the longest where two overlap:
    each pattern runs once over the text."""
    matches: list[DateMatch] = []
    for kind, pattern in _COMPILED:
        for match in pattern.finditer(text, start, end):
            if _bounded(text, match.start(), match.end()):
                value = _build(kind, match.groupdict())
                if value is not None:
                    matches.append(DateMatch(match.start(), match.end(), value, kind))
    matches.sort(key=lambda m: (m.start, -m.end))
    chosen: list[DateMatch] = []
    for match in matches:
        if not chosen or match.start >= chosen[-1].end:
            chosen.append(match)
    return chosen


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


_PLAIN_DAY = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@lru_cache(maxsize=8192)
def bounds(edtf: str) -> tuple[str | None, str | None]:
    """Earliest and latest ISO day an EDTF value can mean. A plain year, month or day (most
    records' dates) is computed here; every other form is read by the edtf package."""
    plain = _PLAIN_DAY.fullmatch(edtf)
    if plain:
        year, month, day = (int(part) if part else None for part in plain.groups())
        if month is None:
            return f"{year:04d}-01-01", f"{year:04d}-12-31"
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1] if year else 0
            if day is None and last:
                return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
            if day is not None and 1 <= day <= last:
                return edtf, edtf
    return _parsed_bounds(edtf)


def _parsed_bounds(edtf: str) -> tuple[str | None, str | None]:
    try:
        parsed = parse_edtf(edtf)
    except Exception:  # edtf raises its own parse errors and ValueErrors
        return None, None
    low, high = parsed.lower_strict(), parsed.upper_strict()
    return (
        f"{low.tm_year:04d}-{low.tm_mon:02d}-{low.tm_mday:02d}",
        f"{high.tm_year:04d}-{high.tm_mon:02d}-{high.tm_mday:02d}",
    )


def _clean(text: str) -> tuple[str, str]:
    """Strip brackets, a trailing period and an approximation word; return (text, qualifier)."""
    value = text.strip().rstrip(".").strip()
    qualifier = ""
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1].strip()
    approximate = _APPROXIMATE.match(value)
    if approximate:
        value = value[approximate.end():]
        qualifier = "~"
    if value.endswith("?"):
        value = value[:-1].rstrip()
        qualifier = "%" if qualifier else "?"
    return value, qualifier


def parse_date(text: str) -> DateValue | None:
    """The whole of `text` as one date, or None when it is not (only) a date."""
    if not text or len(text) > 80:
        return None
    if _UNDATED.match(text.strip()):
        return DateValue(edtf=None, original=text)
    value, qualifier = _clean(text)
    found = find_date(value, anchored=True)
    if found is None or found.start != 0 or value[found.end:].strip(" ,.") != "":
        return None
    return _value(found.edtf, qualifier, text)


def _value(edtf: str, qualifier: str, original: str) -> DateValue:
    if qualifier and "/" not in edtf:
        edtf = edtf + qualifier
    earliest, latest = bounds(edtf)
    return DateValue(edtf=edtf, earliest=earliest, latest=latest, original=original)


def leading_date(text: str) -> tuple[str, str] | None:
    """("November 13, 1957", "From the Journal ...") when a line opens with a full date and
    goes on with a title, as Wilson's Markdown exports print them. A bare leading year is not
    taken: "1956 Polish crisis" is a title."""
    found = find_date(text, anchored=True)
    if found is None or found.kind in ("y", "y-y") or found.end >= len(text):
        return None
    rest = text[found.end:]
    if not rest[:1].isspace():
        return None
    return text[: found.end], rest.strip()


@stage("record_date", requires=("date.original", "citation_parts"), assigns=("date",))
def record_date(document: Document) -> Document:
    """The record's date as EDTF with bounds, from the header or else from the citation."""
    if document.date.edtf is not None:
        return document
    for original in (document.date.original, document.citation_parts.date):
        if not original:
            continue
        parsed = parse_date(original)
        if parsed is not None and parsed.edtf is not None:
            parsed.original = document.date.original or original
            document.date = parsed
            return document
        if parsed is not None:  # an explicit "undated"
            document.date = parsed
            return document
        document.warnings.append(f"date {original!r} is in no form archivist reads; left undated")
    if not document.date.original and not document.citation_parts.date:
        document.warnings.append("no date found in the header or the citation")
    return document


_SIC_IN_DATE = re.compile(
    r"(?P<before>\b(?:[12]\d|3[01]|0?[1-9])\s+)(?P<printed>[A-Z][a-z]+)\s*\[sic;\s*(?P<correction>[A-Z][a-z]+)\]"
    r"(?P<after>,?\s+" + _YEAR + r")"
    r"|(?P<printed2>[A-Z][a-z]+)\s*\[sic;\s*(?P<correction2>[A-Z][a-z]+)\](?P<after2>\s+(?:[12]\d|3[01]|0?[1-9]),?\s+" + _YEAR + r")"
)
_EVENT_OPENING = re.compile(r"^(?:On|At)\s+(?P<date>.{6,60}?)\s*(?:,\s*)?(?:a|the)\s+(?:conversation|meeting|talk|talks|reception)\b")
_TIME_LINE = re.compile(
    r"^Time:\s*(?P<date>.+?)(?:,\s*(?P<from>\d{1,2}[:.]\d{2})(?:\s*(?:[-–—]|to)\s*(?P<to>\d{1,2}[:.]\d{2}))?)?\s*\.?$"
)


def corrected_date(text: str) -> tuple[str, str] | None:
    """("12 November 1957", original) for "12 September [sic; November] 1957": the editor's
    correction read in place of the printed month."""
    match = _SIC_IN_DATE.search(text)
    if not match:
        return None
    if match.group("printed"):
        correction, before, after = match.group("correction"), match.group("before"), match.group("after")
        if correction.lower() not in MONTHS:
            return None
        return f"{before}{correction}{after}".strip(), match.group(0)
    correction = match.group("correction2")
    if correction.lower() not in MONTHS:
        return None
    return f"{correction}{match.group('after2')}".strip(), match.group(0)


def _line_number(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@stage("event_date", requires=("body_start", "date"), assigns=("event_date", "time", "datetime"))
def event_date(document: Document) -> Document:
    """The date (and time) of the event recorded, where the body states it: a `Time:` line of
    a transcript, or the opening "On <date> a conversation was held" of a record of conversation."""
    if document.body_start is None:
        return document
    text = document.text
    position = document.body_start
    for raw in text[document.body_start:].splitlines(keepends=True)[:12]:
        line = raw.strip()
        offset = position + len(raw) - len(raw.lstrip())
        position += len(raw)
        time_line = _TIME_LINE.match(line)
        if time_line:
            parsed = parse_date(time_line.group("date"))
            if parsed is not None and parsed.edtf:
                document.event_date = parsed
                start, end = time_line.group("from"), time_line.group("to")
                if start and len(parsed.edtf) == 10:
                    start = start.replace(".", ":").zfill(5)
                    document.time = f"{start}/{end.replace('.', ':').zfill(5)}" if end else start
                    if document.datetime is None:
                        first = f"{parsed.edtf}T{start}"
                        document.datetime = f"{first}/{parsed.edtf}T{end.replace('.', ':').zfill(5)}" if end else first
            return document
        opening = _EVENT_OPENING.match(line)
        if opening:
            printed = opening.group("date")
            corrected = corrected_date(printed)
            reading = corrected[0] if corrected else printed
            parsed = parse_date(reading)
            if parsed is not None and parsed.edtf:
                parsed.original = printed
                document.event_date = parsed
                if corrected:
                    name = document.source.path.replace("\\", "/").rsplit("/", 1)[-1]
                    document.warnings.append(
                        f"{name}, line {_line_number(text, offset)}: date {printed!r} has an editorial correction; "
                        f"using {parsed.edtf} and keeping the original."
                    )
            return document
    return document


_RELATIVE = re.compile(
    r"\b(?P<which>last|next|this|previous|following)\s+(?P<unit>year|month|(?:" + "|".join(calendar.month_name[1:]) + r"))\b",
    re.IGNORECASE,
)
# Numbers that look like years but are not: pages, document and telegram numbers, file numbers.
_NOT_A_YEAR_BEFORE = re.compile(r"(?:pp?\.|No\.|Nos\.|vol\.|Document|telegram|tel\.|NSC|Embtel|Deptel|[C][–-]|/|\$|#)\s*$", re.IGNORECASE)


def date_mentions(text: str, start: int, end: int, anchor: str | None) -> list[tuple[int, int, str]]:
    """(start, end, EDTF) of each date expression in `text[start:end]`. Relative ones ("last
    year", "next September") are resolved against `anchor`, the record's date, and marked
    uncertain ("?") where English usage leaves a doubt."""
    found: list[tuple[int, int, str]] = []
    for match in _scan(text, start, end):
        year = int(match.edtf[:4])
        if match.kind in ("y", "y-y"):
            if not 1800 <= year <= 2030 or _NOT_A_YEAR_BEFORE.search(text[max(0, match.start - 12):match.start]):
                continue
            if text[match.end:match.end + 1] in ("/", "–") or text[match.start - 1:match.start] in ("–", "-", "."):
                continue
        found.append((match.start, match.end, match.edtf))
    if anchor and len(anchor) >= 7 and anchor[:4].isdigit():
        anchor_year, anchor_month = int(anchor[:4]), int(anchor[5:7])
        for match in _RELATIVE.finditer(text, start, end):
            which, unit = match.group("which").lower(), match.group("unit").lower()
            step = {"last": -1, "previous": -1, "next": 1, "following": 1, "this": 0}[which]
            if unit == "year":
                value = f"{anchor_year + step:04d}"
            elif unit == "month":
                month = anchor_month + step
                year = anchor_year + (month - 1) // 12
                value = f"{year:04d}-{(month - 1) % 12 + 1:02d}"
            else:
                month = MONTHS[unit]
                if step < 0:
                    year = anchor_year if month < anchor_month else anchor_year - 1
                elif step > 0:
                    year = anchor_year if month > anchor_month else anchor_year + 1
                else:
                    year = anchor_year
                # "last September" said in November may mean two months or fourteen months ago.
                value = f"{year:04d}-{month:02d}" + ("?" if step else "")
            found.append((match.start(), match.end(), value))
    found.sort()
    return found


@stage("date_mentions", requires=("body_start", "date", "event_date"), assigns=("annotations.date",))
def annotate_dates(document: Document) -> Document:
    """Date mentions in the body as `date` annotations with EDTF values."""
    if document.body_start is None:
        return document
    anchor = document.event_date.edtf or document.date.edtf
    document.annotations = [a for a in document.annotations if a.kind != "date"]
    text = document.text
    corrected: list[tuple[int, int, str]] = []
    for match in _SIC_IN_DATE.finditer(text, document.body_start):
        reading = corrected_date(match.group(0))
        parsed = parse_date(reading[0]) if reading else None
        if parsed is not None and parsed.edtf:
            corrected.append((match.start(), match.end(), parsed.edtf))
    for start, end, value in date_mentions(text, document.body_start, len(text), anchor):
        if not any(a <= start < b for a, b, _ in corrected):
            document.annotations.append(Annotation("date", start, end, text[start:end], value))
    for start, end, value in corrected:
        document.annotations.append(Annotation("date", start, end, text[start:end], value))
    document.annotations.sort(key=lambda a: (a.start, a.end))
    return document
