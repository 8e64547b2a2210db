"""Wilson-style Markdown exports: the same labelled layout as the plain text, with `#`..`####`
headings at mixed levels, `**bold**` labels, `* ` bullets, and the date and title often fused on
one heading line (`# November 13, 1957 From the Journal of ...`).
"""

from __future__ import annotations

import re

from archivist.document import Document, Source
from archivist.sources.sections import header_score, lines_of, read_layout

__all__ = ["MarkdownReader", "strip_markdown"]

_HEADING = re.compile(r"[ \t]*(#{1,6})[ \t]+")
_BULLET = re.compile(r"[*+-][ \t]+")


def strip_markdown(text: str, start: int, end: int) -> tuple[int, int, int]:
    """Content bounds of one line without heading marks, a bullet or whole-line bold."""
    level = 0
    heading = _HEADING.match(text, start, end)
    if heading:
        level = len(heading.group(1))
        start = heading.end()
    else:
        bullet = _BULLET.match(text, start, end)
        if bullet and text[start:end].strip() != "*":
            start = bullet.end()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > 4 and text.startswith("**", start) and text.endswith("**", 0, end) and "**" not in text[start + 2 : end - 2]:
        start, end = start + 2, end - 2
    return start, end, level


class MarkdownReader:
    name = "wilson-markdown"

    def detect(self, text: str) -> float:
        labels, markdown = header_score(lines_of(text[:20000], strip_markdown))
        if labels == 0 or not markdown:
            return 0.0
        return 0.9

    def read(self, text: str, source: Source) -> Document:
        return read_layout(text, source, lines_of(text, strip_markdown))
