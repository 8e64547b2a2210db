"""Footnotes: the notes at the end of a record and the markers in its text that point to them.

Exports print notes one a line after the body, with or without a heading (`Notes:`,
`## Notes:`), labelled `[2] text`, `^[2] text`, `[^2]: text`, `\\[2\\] text` or
`<sup>2</sup> text`. Markers come in the same dresses, plus the escaped Markdown link an HTML
converter leaves behind (`[\\[2\\]](#)`). A bare `[2]` is ambiguous with an editor's bracket
(`[1956]`, `[23]` correcting a date), so it is a marker only when a note numbered 2 exists; the
other forms are markers whatever they point to.

A `Footnote` spans the note's text without its label; its `ref_start`/`ref_end` span the first
marker with its number anywhere before the notes (the title or summary may hold it), or stay None
when no marker was printed. Every marker also becomes a `footnote_ref` annotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archivist.document import Annotation, Document, Footnote
from archivist.pipeline import stage

__all__ = ["Marker", "Note", "Notes", "find_markers", "find_notes", "footnotes"]

# A note's label at the start of its line; the number is in whichever group matched.
_LABEL = re.compile(
    r"(?:"
    r"\[\\\[(?P<link>\d+)\\\]\]\([^)\s]*\)"  # [\[2\]](#fn2)
    r"|\[\^(?P<caret_in>\d+)\]:?"  # [^2]:
    r"|\^\[(?P<caret>\d+)\]"  # ^[2]
    r"|\\\[(?P<escaped>\d+)\\\]"  # \[2\]
    r"|<sup>\s*(?P<sup>\d+)\s*</sup>"  # <sup>2</sup>
    r"|\[(?P<plain>\d+)\]"  # [2]
    r")[ \t]+(?=\S)"
)

_MARKER = re.compile(
    r"\[\\\[(?P<link>\d+)\\\]\]\([^)\s]*\)"
    r"|\[\^(?P<caret_in>\d+)\](?!:)"
    r"|\^\[(?P<caret>\d+)\]"
    r"|\\\[(?P<escaped>\d+)\\\]"
    r"|<sup>\s*\[?(?P<sup>\d+)\]?\s*</sup>"
    r"|\[(?P<plain>\d+)\](?!\()"
)

_HEADING = re.compile(
    r"(?:#{1,6}[ \t]*)?(?:\*\*|__)?[ \t]*(?:foot|end)?notes?(?:[ \t]+and[ \t]+references)?"
    r"[ \t]*:?[ \t]*(?:\*\*|__)?[ \t]*:?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Note:
    """One note: `label_start` is where its line's label begins, `start`/`end` its text."""

    number: str
    label_start: int
    start: int
    end: int


@dataclass(frozen=True)
class Notes:
    """The notes of a record: `start` is where they begin (the heading when there is one, else
    the first label); `heading` the span of that heading."""

    start: int
    heading: tuple[int, int] | None
    notes: tuple[Note, ...]

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(note.number for note in self.notes)


@dataclass(frozen=True)
class Marker:
    number: str
    start: int
    end: int
    plain: bool  # a bare "[2]", which is a marker only when note 2 exists


def _number(match: re.Match[str]) -> str:
    return next(value for value in match.groupdict().values() if value is not None)


def _lines(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each line from `start`, without its surrounding whitespace."""
    spans = []
    position = start
    for raw in text[start:].splitlines(keepends=True):
        body = raw.rstrip()
        stripped = body.lstrip()
        spans.append((position + len(body) - len(stripped), position + len(body)))
        position += len(raw)
    return spans


def find_notes(text: str, body_start: int | None = None) -> Notes | None:
    """The run of labelled notes that ends the text, or None when it has none.

    A note is a label line and the non-blank lines straight after it; notes may be separated by
    blank lines. Any other line after a note means those were not the closing notes after all.
    """
    lines = _lines(text, body_start or 0)
    first: int | None = None
    previous = "other"
    for index, (start, end) in enumerate(lines):
        if _LABEL.match(text, start, end):
            first = index if first is None else first
            previous = "note"
        elif start == end:
            previous = "blank"
        elif previous in ("note", "continued"):
            previous = "continued"
        else:
            first, previous = None, "other"
    if first is None:
        return None
    notes: list[Note] = []
    for start, end in lines[first:]:
        match = _LABEL.match(text, start, end)
        if match:
            notes.append(Note(_number(match), start, match.end(), end))
        elif start < end and notes:
            notes[-1] = Note(notes[-1].number, notes[-1].label_start, notes[-1].start, end)
    region_start = lines[first][0]
    heading: tuple[int, int] | None = None
    for start, end in reversed(lines[:first]):
        if start == end:
            continue
        if _HEADING.fullmatch(text, start, end):
            heading = (start, end)
            region_start = start
        break
    return Notes(region_start, heading, tuple(notes))


def find_markers(text: str, end: int | None = None, numbers: frozenset[str] | None = None) -> list[Marker]:
    """Every footnote marker in `text[:end]`. With `numbers`, a bare `[n]` counts only when n is
    one of them; without, every bare `[n]` is returned (flagged `plain`) for the caller to judge."""
    limit = len(text) if end is None else end
    found = []
    for match in _MARKER.finditer(text, 0, limit):
        plain = match.group("plain") is not None
        number = _number(match)
        if plain and numbers is not None and number not in numbers:
            continue
        found.append(Marker(number, match.start(), match.end(), plain))
    return found


def read_footnotes(document: Document) -> tuple[list[Footnote], list[Annotation]]:
    """The document's footnotes and a `footnote_ref` annotation for each marker."""
    text = document.text
    notes = find_notes(text, document.body_start)
    if notes is None:
        return [], []
    markers = find_markers(text, notes.start, notes.numbers)
    by_number: dict[str, list[Marker]] = {}
    for marker in markers:
        by_number.setdefault(marker.number, []).append(marker)
    seen: dict[str, int] = {}
    footnotes: list[Footnote] = []
    for note in notes.notes:
        candidates = by_number.get(note.number, [])
        # A number printed twice in the notes (FRUS d28 has two notes 5) takes the next marker
        # with that number when there is one, else shares the first.
        index = seen.get(note.number, 0)
        seen[note.number] = index + 1
        marker = candidates[index] if index < len(candidates) else (candidates[0] if candidates else None)
        footnotes.append(
            Footnote(
                number=note.number,
                text=text[note.start:note.end],
                start=note.start,
                end=note.end,
                ref_start=marker.start if marker else None,
                ref_end=marker.end if marker else None,
            )
        )
    annotations = [
        Annotation("footnote_ref", marker.start, marker.end, text[marker.start:marker.end], marker.number)
        for marker in markers
        if marker.number in notes.numbers
    ]
    return footnotes, annotations


@stage("footnotes", requires=("text", "body_start"), assigns=("footnotes", "annotations.footnote_ref"))
def footnotes(document: Document) -> Document:
    """Notes at the end of the body and the markers that point to them."""
    found, annotations = read_footnotes(document)
    document.footnotes = found
    document.annotations = [a for a in document.annotations if a.kind != "footnote_ref"] + annotations
    return document
