"""The structure of a record's body: blocks over the text.

The reader finds where the body starts; this stage splits it into ordered blocks, each a span of
`text`.
"""

from __future__ import annotations

from archivist.document import Block, Document
from archivist.pipeline import stage

__all__ = ["body_blocks"]


def body_blocks(document: Document) -> list[Block]:
    """Paragraph blocks: runs of non-blank lines of the body."""
    text = document.text
    start = document.body_start
    if start is None:
        return []
    blocks: list[Block] = []
    position = start
    block_start: int | None = None
    block_end = start
    for line in text[start:].splitlines(keepends=True):
        stripped = line.strip()
        line_start = position + (len(line) - len(line.lstrip()))
        line_end = position + len(line.rstrip())
        position += len(line)
        if not stripped:
            if block_start is not None:
                blocks.append(Block("paragraph", block_start, block_end))
                block_start = None
            continue
        if block_start is None:
            block_start = line_start
        block_end = line_end
    if block_start is not None:
        blocks.append(Block("paragraph", block_start, block_end))
    return blocks


@stage("blocks", requires=("text", "body_start"), assigns=("blocks",))
def blocks(document: Document) -> Document:
    """Split the body into ordered blocks."""
    document.blocks = body_blocks(document)
    return document
