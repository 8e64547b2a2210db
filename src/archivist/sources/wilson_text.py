"""Wilson-style plain-text exports: the date and title, then `Citation:`, `Summary:`,
`Credits:`, `Original Language:`, `Contents:` as plain label lines, then the body.

FRUS records exported in the same style ("plain" and "compact" layouts) read the same way.
"""

from __future__ import annotations

from archivist.document import Document, Source
from archivist.sources.sections import header_score, lines_of, read_layout

__all__ = ["WilsonTextReader"]


class WilsonTextReader:
    name = "wilson-text"

    def detect(self, text: str) -> float:
        labels, markdown = header_score(lines_of(text[:20000]))
        if labels == 0:
            return 0.0
        score = 0.6 if labels == 1 else 0.8
        # A Markdown export also reads as plain text, but less well: leave it to that reader.
        return score - 0.3 if markdown else score

    def read(self, text: str, source: Source) -> Document:
        return read_layout(text, source, lines_of(text))
