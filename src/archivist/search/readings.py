"""The repaired reading of a record: its text with the OCR repairs applied, mapped back to the
text as printed.

The record's text is never rewritten; an `ocr` annotation says what a damaged stretch reads as
("Kim II Sung" -> "Kim Il Sung"). Search indexes the reading beside the printed text, so a query
for the right spelling finds the damaged one, and snippets map what matched in the reading back
to the characters as printed.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from archivist.document import Document

__all__ = ["REPAIR_KINDS", "Reading", "repairs"]

#: Annotation kinds whose `value` is how the text should be read.
REPAIR_KINDS = frozenset({"ocr"})


@dataclass(frozen=True)
class Reading:
    """`text` is the reading; `_printed` and `_read` are the starts of matching stretches in
    the printed text and in the reading, with each stretch's length in both."""

    text: str
    _printed: tuple[int, ...]
    _read: tuple[int, ...]
    _lengths: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, document: Document) -> Reading | None:
        """The record's reading, or None when it has no repairs (the reading is the text)."""
        return cls.from_repairs(document.text, repairs(document))

    @classmethod
    def from_repairs(cls, text: str, repairs: list[tuple[int, int, str]]) -> Reading | None:
        """The reading of `text` with `repairs` (start, end, value) applied; None for none."""
        repairs = sorted(r for r in repairs if 0 <= r[0] < r[1] <= len(text))
        if not repairs:
            return None
        pieces: list[str] = []
        printed: list[int] = []
        read: list[int] = []
        lengths: list[tuple[int, int]] = []
        position = 0
        length = 0
        for start, end, value in repairs:
            if start < position:  # overlapping repairs: the first one wins
                continue
            if start > position:
                printed.append(position)
                read.append(length)
                lengths.append((start - position, start - position))
                pieces.append(text[position:start])
                length += start - position
            printed.append(start)
            read.append(length)
            lengths.append((end - start, len(value)))
            pieces.append(value)
            length += len(value)
            position = end
        printed.append(position)
        read.append(length)
        lengths.append((len(text) - position, len(text) - position))
        pieces.append(text[position:])
        return cls("".join(pieces), tuple(printed), tuple(read), tuple(lengths))

    def to_printed(self, offset: int, *, end: bool = False) -> int:
        """The offset in the printed text for `offset` in the reading. Inside a repaired stretch
        a start maps to the stretch's start and an end to its end, so a match on a repaired
        word covers the whole damaged word as printed."""
        index = max(bisect_right(self._read, offset) - 1, 0)
        if end and offset == self._read[index] and index > 0:
            index -= 1
        printed_length, read_length = self._lengths[index]
        within = offset - self._read[index]
        if printed_length == read_length:
            return self._printed[index] + within
        return self._printed[index] + (printed_length if end and within > 0 else 0)

    def to_reading(self, offset: int) -> int:
        """The offset in the reading for `offset` in the printed text."""
        index = max(bisect_right(self._printed, offset) - 1, 0)
        printed_length, read_length = self._lengths[index]
        within = offset - self._printed[index]
        if printed_length == read_length:
            return self._read[index] + within
        return self._read[index] + (read_length if within >= printed_length else 0)

    def read(self, start: int, end: int) -> str:
        """How the printed span `start`..`end` reads."""
        return self.text[self.to_reading(start) : self.to_reading(end)]


def repairs(document: Document) -> list[tuple[int, int, str]]:
    """The record's repairs as (start, end, value), in the order of the text."""
    return sorted(
        (a.start, a.end, a.value) for a in document.annotations if a.kind in REPAIR_KINDS and a.value is not None
    )
