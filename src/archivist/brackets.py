"""Editorial brackets: what a translator or editor put in square brackets, read by kind.

| kind | printed | value |
|---|---|---|
| `sic` | `[sic]`, `[sic; November]`, `[sic, should be 10th]` | the correction, or None |
| `editorial` | `[signature]`, `[handwritten entry ...]`, `[1 line of source text not declassified]`, `[Here follows ...]`, an uncertain reading `[contrary?]` | the note as printed |
| `name_completion` | `[Anastas] Mikoyan`: given names before a surname | the whole name, "Anastas Mikoyan" |
| `transliteration` | `[s shirokim partiynym aktivom]`, `Sachkov [Saqiukefu]`: the original-language wording, romanised or in its own script | the wording |
| `insertion` | `[me]`, `[North]`, `[1956]`, `[the escapees]`: words the translator supplied | the words |

Footnote markers (`[2]` when note 2 exists, `^[1]`, `[\\[2\\]](#)`) and Markdown links are not
editorial brackets and are left alone. A bracket may run over a page break (`[We should` /
`tell him:]`); its value then reads across the break with one space.

Whether a word is English is decided by its frequency in the `wordfreq` English list: the
romanised Russian of a transliteration scores zero there, the translator's insertions do not.
Whether a bracketed word is a given name is decided by the person authority and the same list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from wordfreq import zipf_frequency

from archivist.authority import given_names, given_surname_pairs, normalise_name
from archivist.document import Annotation, Document
from archivist.footnotes import find_markers, find_notes
from archivist.pipeline import stage

__all__ = ["KINDS", "Bracket", "find_brackets", "is_english", "read_bracket"]

KINDS = ("sic", "editorial", "name_completion", "transliteration", "insertion")

#: Longest bracket read; an unclosed "[" is not allowed to swallow the rest of the record.
MAX_BRACKET = 600

_SIC = re.compile(
    r"^sic\b[!.]?\s*(?:[;:,]\s*(?:(?:should\s+be|read|recte|i\.\s?e\.|that\s+is)[:,]?\s+)?(?P<value>.*?))?\s*$",
    re.IGNORECASE,
)
# Notes about the physical source or the edition, not words of the text.
_EDITORIAL_START = re.compile(
    r"^(?:hand-?written|handwriting|stamp(?:ed)?|seal|signature|signed|illegible|unreadable|indecipherable|"
    r"text\s+missing|missing|omitted|omission|deleted|crossed\s+out|blank|page|pages|here\s+follows?|"
    r"footnote|not\s+printed|remainder|rest\s+of|continued|end\s+of|margin(?:al)?|in\s+the\s+margin|"
    r"typed|typewritten|initials?|translator'?s?\s+note|editor'?s?\s+note|note:|"
    r"(?:less\s+than\s+|about\s+)?\d+(?:[-/–]\d+)*\s+(?:lines?|paragraphs?|pages?|words?|sentences?)\b)",
    re.IGNORECASE,
)
_EDITORIAL_ANYWHERE = re.compile(r"not\s+declassified|source\s+text|illegible|\bstamp\b|hand-?written", re.IGNORECASE)
_OMISSION = re.compile(r"^(?:\.\s?){3}$|^…$")
_CAPITALISED = r"[A-Z][a-z'’\-]*[a-z]"
_GIVEN = re.compile(rf"^{_CAPITALISED}(?: {_CAPITALISED})?$")
# The surname after a completed given name, without a possessive ("[Aleksei] Rykov's method").
_SURNAME_AFTER = re.compile(r"[ \u00a0]([A-Z][a-z\-]*[a-z])(?:['’]s)?\b")
_NAME_BEFORE = re.compile(rf"(?:^|[\s(])({_CAPITALISED})[ \u00a0]$")
_LATIN_WORDS = re.compile(r"^[^\W\d_][^\W\d_'’\-]*(?:[\s'’\-]+[^\W\d_]+)*$")


@dataclass(frozen=True)
class Bracket:
    """A bracket's span (both brackets included) and its text between them."""

    start: int
    end: int
    inner: str


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "en")


def is_english(word: str, threshold: float = 1.5) -> bool:
    """Whether `word` is a word of English (used in print at least about once in 30 million
    words): "escapees" is, "partiynym" and "Saqiukefu" are not."""
    return _zipf(word) >= threshold


def _latin(text: str) -> bool:
    return all("LATIN" in unicodedata.name(ch, "") for ch in text if ch.isalpha())


def read_bracket(inner: str, before: str = "", after: str = "") -> tuple[str, str | None]:
    """(kind, value) of a bracket whose text is `inner`; `before` and `after` are the text
    around it on its line, which tells a name completion or a transliteration from an insertion."""
    reading = " ".join(inner.split())
    sic = _SIC.match(reading)
    if sic:
        return "sic", (sic.group("value") or None)
    if (
        _EDITORIAL_START.match(reading)
        or _EDITORIAL_ANYWHERE.search(reading)
        or _OMISSION.match(reading)
        or reading.endswith("?")
    ):
        return "editorial", reading
    if _GIVEN.match(reading):
        surname = _SURNAME_AFTER.match(after)
        if surname and _is_given_name(reading, surname.group(1)):
            return "name_completion", f"{reading} {surname.group(1)}"
    if reading and any(ch.isalpha() for ch in reading) and not _latin(reading):
        return "transliteration", reading
    if _LATIN_WORDS.match(reading):
        words = [w for w in re.split(r"[\s'’\-]+", reading) if len(w) >= 3]
        if reading[0].islower() and words:
            foreign = sum(1 for w in words if not is_english(w))
            if foreign * 2 > len(words):
                return "transliteration", reading
        if " " not in reading and reading[0].isupper() and not is_english(reading):
            name = _NAME_BEFORE.search(before)
            # A romanisation printed after the name it renders: "Sachkov [Saqiukefu]".
            if name and not is_english(name.group(1), 3.0) and not _SURNAME_AFTER.match(after):
                return "transliteration", reading
    return "insertion", reading


def _is_given_name(given: str, surname: str) -> bool:
    """Whether `[given] surname` completes a person's name, not "[North] Korea"."""
    first = normalise_name(given.split()[0])
    if (first, normalise_name(surname)) in given_surname_pairs():
        return True
    if is_english(surname, 4.0):
        # A common word after the bracket ("Korea", "Party", "Volunteer") is no surname.
        return False
    if "'" in given or "’" in given:
        return False
    return first in given_names() or not is_english(given.split()[0], 3.5)


def find_brackets(text: str, skip: Iterable[tuple[int, int]] = ()) -> list[Bracket]:
    """Every balanced `[...]` in `text` outside the `skip` spans (footnote markers and labels),
    leaving out Markdown links `[text](url)` and footnote syntax `[^n]`."""
    skipped = sorted(skip)
    found: list[Bracket] = []
    position = 0
    skip_index = 0
    while True:
        start = text.find("[", position)
        if start < 0:
            return found
        while skip_index < len(skipped) and skipped[skip_index][1] <= start:
            skip_index += 1
        if skip_index < len(skipped) and skipped[skip_index][0] <= start < skipped[skip_index][1]:
            position = skipped[skip_index][1]
            continue
        if start > 0 and text[start - 1] == "\\":
            position = start + 1
            continue
        end = _closing(text, start)
        if end is None:
            position = start + 1
            continue
        inner = text[start + 1 : end - 1]
        if inner.startswith("^") or text.startswith("(", end) or not inner.strip():
            position = end
            continue
        found.append(Bracket(start, end, inner))
        position = end


def _closing(text: str, start: int) -> int | None:
    """End (past the "]") of the bracket opened at `start`, or None: a new "[" or a second
    paragraph break first means this one was never closed."""
    breaks = 0
    limit = min(len(text), start + MAX_BRACKET)
    index = start + 1
    while index < limit:
        ch = text[index]
        if ch == "]":
            return index + 1
        if ch == "[":
            return None
        if ch == "\n":
            gap = re.match(r"\s*", text[index + 1 : limit]).group()
            if "\n" in gap:  # a page or paragraph break inside the bracket
                breaks += 1
                if breaks > 1:
                    return None
            index += 1 + len(gap)
            continue
        index += 1
    return None


def read_brackets(document: Document) -> list[Annotation]:
    """An annotation for each editorial bracket of the document."""
    text = document.text
    notes = find_notes(text, document.body_start)
    skip = [(m.start, m.end) for m in find_markers(text, notes.start if notes else None, notes.numbers if notes else frozenset())]
    if notes:
        skip += [(note.label_start, note.start) for note in notes.notes]
    annotations = []
    for bracket in find_brackets(text, skip):
        line_start = text.rfind("\n", 0, bracket.start) + 1
        line_end = text.find("\n", bracket.end)
        before = text[line_start:bracket.start]
        after = text[bracket.end : len(text) if line_end < 0 else line_end]
        kind, value = read_bracket(bracket.inner, before, after)
        annotations.append(Annotation(kind, bracket.start, bracket.end, text[bracket.start : bracket.end], value))
    return annotations


@stage("brackets", requires=("text", "body_start"), assigns=("annotations.brackets",))
def brackets(document: Document) -> Document:
    """Editorial brackets: sic, insertions, name completions, transliterations, editors' notes."""
    found = read_brackets(document)
    document.annotations = [a for a in document.annotations if a.kind not in KINDS] + found
    return document
