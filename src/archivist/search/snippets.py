"""Snippets: the passages of a record where a query matched, cut to a readable length.

An engine says which stretches of the text matched (highlights, as offsets in the printed
text); this module groups them by passage (the record's blocks: paragraphs, speaker turns,
reported speech), keeps the passages with the most distinct matches, and cuts each to about
`WIDTH` characters around its matches. A turn's snippet names its speaker. The same code
serves every engine, so snippets look the same whichever answered the query.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archivist.document import Document
from archivist.query import Variants
from archivist.search.readings import Reading

__all__ = ["Match", "Passage", "Snippet", "Spellings", "WIDTH", "match_variants", "passages", "snippets"]

#: Characters of text in a snippet, about.
WIDTH = 240
#: Snippets per record.
MAX_SNIPPETS = 3
#: Highlights this close (only spaces and punctuation between) are one match: "Kim Il Sung".
_JOIN = re.compile(r"^[\W_]{0,3}$")
_ELLIPSIS = "…"
_RUNNING_TEXT = frozenset({"paragraph", "turn", "reported"})
_LINES = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    kind: str
    speaker: str | None = None


@dataclass(frozen=True)
class Snippet:
    """An excerpt of one passage. `highlights` are (start, end) offsets into `text`; `start`
    and `end` are the excerpt's span in the record's text (`text` adds "…" where it was cut).
    `matched` lists what matched as it reads, noting the printed form where a repair was read:
    `Kim Il Sung (printed "Kim II Sung")`."""

    text: str
    highlights: tuple[tuple[int, int], ...]
    start: int
    end: int
    kind: str
    speaker: str | None = None
    matched: tuple[str, ...] = ()

    def html(self) -> str:
        """The text, escaped, with each highlight in <mark>."""
        parts: list[str] = []
        position = 0
        for start, end in self.highlights:
            parts.append(html.escape(self.text[position:start]))
            parts.append(f"<mark>{html.escape(self.text[start:end])}</mark>")
            position = end
        parts.append(html.escape(self.text[position:]))
        return "".join(parts)


@dataclass(frozen=True)
class Match:
    """A spelling the query did not type that matched: `query` as typed, `matched` as the
    record reads, `printed` as the record prints it (differs when an OCR repair was read),
    `via` "authority" (another spelling of the person) or "repair" (an OCR repair)."""

    query: str
    matched: str
    printed: str
    via: str
    label: str | None = None


def passages(document: Document) -> list[Passage]:
    """The record's blocks, or its body's paragraphs when it has no blocks."""
    if document.blocks:
        return [Passage(b.start, b.end, b.kind, b.speaker) for b in document.blocks]
    text = document.text
    start = document.body_start or 0
    found: list[Passage] = []
    for match in re.finditer(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*", text[start:]):
        found.append(Passage(start + match.start(), start + match.end(), "paragraph"))
    return found


def _runs(text: str, highlights: list[tuple[int, int]]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for start, end in sorted(highlights):
        if runs and _JOIN.match(text[runs[-1][1] : start]):
            runs[-1] = (runs[-1][0], max(end, runs[-1][1]))
        else:
            runs.append((start, end))
    return runs


def snippets(
    text: str,
    held: list[Passage],
    highlights: Iterable[tuple[int, int]],
    *,
    reading: Reading | None = None,
    speakers: set[str] | None = None,
    width: int = WIDTH,
    limit: int = MAX_SNIPPETS,
) -> list[Snippet]:
    """Up to `limit` snippets of the passages (`held`, from `passages`) holding `highlights`
    (spans of the printed `text`), in the record's order. `speakers`: only the passages those
    speakers hold. With no highlights, the first passage (of those speakers) stands for the
    record."""
    candidates = [p for p in held if speakers is None or p.speaker in speakers]
    if not candidates:
        return []
    starts = [p.start for p in candidates]
    grouped: dict[int, list[tuple[int, int]]] = {}
    for start, end in highlights:
        index = bisect_right(starts, start) - 1
        if index >= 0 and start < candidates[index].end:
            grouped.setdefault(index, []).append((start, min(end, candidates[index].end)))
    if not grouped:
        # Nothing to show a match in: the first passage of running text stands for the record.
        first = next((p for p in candidates if p.kind in _RUNNING_TEXT), candidates[0])
        return [_cut(text, first, [], first.start, width, reading)]

    def rank(index: int) -> tuple[int, int, int]:
        spans = grouped[index]
        distinct = {text[s:e].lower() for s, e in spans}
        return (-len(distinct), -len(spans), index)

    chosen = sorted(sorted(grouped, key=rank)[:limit])
    return [_cut(text, candidates[i], _runs(text, grouped[i]), grouped[i][0][0], width, reading) for i in chosen]


def _cut(
    text: str, passage: Passage, runs: list[tuple[int, int]], anchor: int, width: int, reading: Reading | None
) -> Snippet:
    start, end = passage.start, passage.end
    if end - start > width:
        # The window that holds the most matches, starting a little before one of them.
        best = (start, -1)
        for run_start, _ in runs or [(anchor, anchor)]:
            window_start = max(start, min(run_start - width // 4, end - width))
            inside = sum(1 for s, e in runs if s >= window_start and e <= window_start + width)
            if inside > best[1]:
                best = (window_start, inside)
        window_start = best[0]
        window_end = min(end, window_start + width)
        # Whole words at the edges.
        if window_start > start:
            space = text.find(" ", window_start, window_start + 30)
            window_start = space + 1 if space >= 0 else window_start
        if window_end < end:
            space = text.rfind(" ", window_end - 30, window_end)
            window_end = space if space > window_start else window_end
        start, end = window_start, window_end
    prefix = _ELLIPSIS if start > passage.start else ""
    suffix = _ELLIPSIS if end < passage.end else ""
    # Line breaks (a passage joined across a page break) read as spaces; one character for one,
    # so offsets stay as they are.
    excerpt = text[start:end].translate(_LINES)
    highlights: list[tuple[int, int]] = []
    matched: list[str] = []
    shift = len(prefix) - start
    for run_start, run_end in runs:
        if run_start < start or run_end > end:
            continue
        highlights.append((run_start + shift, run_end + shift))
        printed = " ".join(text[run_start:run_end].split())
        read = " ".join(reading.read(run_start, run_end).split()) if reading is not None else printed
        label = read if read == printed else f'{read} (printed "{printed}")'
        if label not in matched:
            matched.append(label)
    return Snippet(
        text=prefix + excerpt + suffix,
        highlights=tuple(highlights),
        start=start,
        end=end,
        kind=passage.kind,
        speaker=passage.speaker,
        matched=tuple(matched),
    )


@dataclass(frozen=True)
class Spellings:
    """The spellings a query's `Variants` stand for, as tokens: made once a query."""

    variants: tuple[tuple[Variants, tuple[str, ...], frozenset[tuple[str, ...]], int], ...]
    vocabulary: frozenset[str]

    @classmethod
    def of(cls, variants: Iterable[Variants], analyze: Callable[[str], list[str]]) -> Spellings:
        prepared = []
        for variant in variants:
            typed = tuple(analyze(str(variant.original).replace('"', "")))
            spellings = {typed} | {tuple(analyze(p)) for p in variant.phrases}
            spellings.discard(())
            if spellings:
                prepared.append((variant, typed, frozenset(spellings), max(len(t) for t in spellings)))
        vocabulary = frozenset(t for _, _, spellings, _ in prepared for s in spellings for t in s)
        return cls(tuple(prepared), vocabulary)


def match_variants(
    text: str,
    highlights: Iterable[tuple[int, int]],
    variants: Iterable[Variants] | Spellings,
    analyze: Callable[[str], list[str]],
    reading: Reading | None = None,
) -> list[Match]:
    """Which spellings other than the typed ones matched in the record: another spelling of a
    person (`Mao Zedong` for `Mao Tse-tung`), or a repaired reading (`Kim Il Sung` printed
    `Kim II Sung`). Pass `Spellings.of(variants, analyze)` to weigh the query once a page."""
    prepared = variants if isinstance(variants, Spellings) else Spellings.of(variants, analyze)
    wanted = prepared.variants
    if not wanted:
        return []
    found: list[Match] = []
    seen: set[tuple[str, str]] = set()
    for run_start, run_end in _runs(text, list(highlights)):
        run = reading.read(run_start, run_end) if reading is not None else text[run_start:run_end]
        if prepared.vocabulary.isdisjoint(analyze(run)):
            continue  # a match of other words of the query
        words = _words(text, run_start, run_end, analyze)
        if reading is not None:
            read_words = [(w, s, e) for s, e in ((s, e) for _, s, e in words) for w in [_first(analyze(reading.read(s, e)))]]
        else:
            read_words = words
        tokens = tuple(w for w, _, _ in read_words)
        printed_tokens = tuple(w for w, _, _ in words)
        for variant, typed, spellings, longest in wanted:
            if _find(printed_tokens, typed) is not None:
                continue  # printed as typed: nothing to explain
            at = _window(tokens, spellings, longest)
            if at is None:
                continue
            first, last = at
            start, end = read_words[first][1], read_words[last][2]
            printed = " ".join(text[start:end].split())
            read = " ".join(reading.read(start, end).split()) if reading is not None else printed
            key = (str(variant.original), read)
            if key not in seen:
                seen.add(key)
                found.append(
                    Match(
                        query=str(variant.original).strip('"'),
                        matched=read,
                        printed=printed,
                        via="repair" if read != printed else "authority",
                        label=variant.label,
                    )
                )
    return found


def _first(tokens: list[str]) -> str:
    return tokens[0] if tokens else ""


def _window(tokens: tuple[str, ...], spellings: set[tuple[str, ...]], longest: int) -> tuple[int, int] | None:
    """The first and last index of the first run of `tokens` that is one of `spellings`."""
    for start in range(len(tokens)):
        for size in range(min(longest, len(tokens) - start), 0, -1):
            if tokens[start : start + size] in spellings:
                return start, start + size - 1
    return None


_WORD = re.compile(r"[^\W_]+")


def _words(text: str, start: int, end: int, analyze: Callable[[str], list[str]]) -> list[tuple[str, int, int]]:
    """The words of text[start:end] with their spans; a word's token is its first one."""
    words = []
    for match in _WORD.finditer(text, start, end):
        tokens = analyze(match.group())
        if tokens:
            words.append((tokens[0], match.start(), match.end()))
    return words


def _find(tokens: tuple[str, ...], wanted: tuple[str, ...]) -> int | None:
    size = len(wanted)
    for index in range(len(tokens) - size + 1):
        if tokens[index : index + size] == wanted:
            return index
    return None
