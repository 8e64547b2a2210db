"""The reader's text: a record's blocks as HTML, with everything found in them in place.

The text is never rewritten, so the page shows what the source prints and lays what archivist
read over it: a person's name links to their page, an OCR repair or an editor's bracket keeps
the printed form with the reading on hover or focus, a footnote marker links to its note and
back, the words of a search are marked. These stand-off spans nest (a name holds an OCR repair:
"Kim II Sung"; an insertion holds a name: "[Ri Sang-jo]"), so they are laid out as a tree; a
span that crosses another's edge is left out rather than drawn broken.

Every piece of text from the record goes through `escape`; markup is only ever written here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from urllib.parse import quote

from markupsafe import Markup, escape

from archivist.document import Annotation, Block, Document, Participant
from archivist.web.pages.dating import day_words

__all__ = ["EDITORIAL_KINDS", "Note", "Passage", "ReaderText", "reader_text"]

#: Annotation kinds shown as printed with a reading on hover, and how each is introduced.
EDITORIAL_KINDS: dict[str, str] = {
    "ocr": "OCR repair",
    "sic": "sic: printed so in the source",
    "insertion": "supplied by the translator",
    "name_completion": "name completed by the translator",
    "transliteration": "the original wording, transliterated",
    "editorial": "editor's note",
}
_SPEECH = frozenset({"turn", "reported"})
# Export markup that is layout, not words: Markdown heading marks, bold marks, list bullets.
_MARKUP = re.compile(r"(?m)^[ \t]*#{1,6}[ \t]+|\*\*|__|^[ \t]*[-*+•][ \t]+(?=\S)")
# A turn's printed label: "Mikoyan: ", "Chairman Mao (hereafter, Chairman): ".
_LABEL = re.compile(r"[^:\n]{1,90}?:(?=\s)")
_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    rank: int  # among spans over the same characters, the lower rank is the outer one
    open: str = ""
    close: str = ""
    replace: str | None = None  # markup drawn instead of the covered characters
    link: bool = False


@dataclass
class _Node:
    span: _Span
    children: list[_Node] = field(default_factory=list)


@dataclass(frozen=True)
class Passage:
    """One block as the reader shows it. `speaker` and `side` are set for a speaker's turn;
    `voice` numbers the side (or the speaker, where no sides are known) for its colour."""

    kind: str
    anchor: str
    html: Markup
    speaker: str | None = None
    speaker_id: str | None = None
    side: str | None = None
    voice: int = 0


@dataclass(frozen=True)
class Note:
    number: str
    anchor: str
    html: Markup
    back: str | None  # the anchor of the first marker pointing here


@dataclass(frozen=True)
class ReaderText:
    passages: list[Passage]
    notes: list[Note]
    marks: int  # how many search matches are marked
    readings: int  # how many repairs and brackets carry a reading


def _attr(value: object) -> str:
    return str(escape(str(value)))


def person_href(authority_id: str) -> str:
    return "/people/" + quote(authority_id, safe=":")


def _editorial(annotation: Annotation) -> _Span:
    kind = annotation.kind
    printed = annotation.original
    value = annotation.value
    if kind == "ocr":
        reading, note = value, f"OCR repair: printed “{printed}”, reads “{value}”"
    elif kind == "sic":
        reading, note = None, ("sic: printed so in the source" + (f"; read “{value}”" if value else ""))
    elif kind == "insertion":
        reading, note = value, f"words supplied by the translator: “{value}”"
    elif kind == "name_completion":
        inner = printed.strip("[]")
        reading, note = inner, f"name completed by the translator: {value}"
    elif kind == "transliteration":
        reading, note = None, f"the original wording, transliterated: “{value}”"
    else:
        reading, note = None, f"editor's note: {value or printed}"
    readable = reading is not None and reading != printed
    classes = f"ed ed-{kind}" + (" has-reading" if readable else "")
    close = "</span>"
    if readable:
        close += f'<span class="rd" aria-hidden="true">{_attr(reading)}</span>'
    close += f'<span class="tip" role="tooltip">{_attr(note)}</span></span>'
    return _Span(annotation.start, annotation.end, 3, f'<span class="{classes}" tabindex="0"><span class="src">', close)


def _spans(document: Document, marks: list[tuple[int, int]], notes_with_refs: dict[str, int]) -> list[_Span]:
    text = document.text
    spans: list[_Span] = []
    for mention in document.mentions:
        if mention.kind == "person" and mention.authority_id:
            title = mention.canonical or mention.text
            spans.append(
                _Span(
                    mention.start, mention.end, 0,
                    f'<a class="person" href="{_attr(person_href(mention.authority_id))}" title="{_attr(title)}">',
                    "</a>", link=True,
                )
            )
        elif mention.kind == "org" and mention.canonical and mention.canonical != mention.text:
            spans.append(_Span(mention.start, mention.end, 1, f'<abbr title="{_attr(mention.canonical)}">', "</abbr>"))
        elif mention.kind == "place" and mention.canonical and mention.canonical != mention.text:
            spans.append(_Span(mention.start, mention.end, 1, f'<span class="place" title="{_attr(mention.canonical)}">', "</span>"))
    seen_refs: dict[str, int] = {}
    for annotation in document.annotations:
        kind = annotation.kind
        if kind in EDITORIAL_KINDS:
            spans.append(_editorial(annotation))
        elif kind == "date" and annotation.value:
            words = day_words(annotation.value) if _ISO.match(annotation.value) else annotation.value
            machine = f' datetime="{_attr(annotation.value)}"' if _ISO.match(annotation.value) else ""
            spans.append(_Span(annotation.start, annotation.end, 2, f'<time{machine} title="{_attr(words)}">', "</time>"))
        elif kind == "footnote_ref":
            number = annotation.value or re.sub(r"\D", "", annotation.original)
            if number not in notes_with_refs:
                continue
            seen_refs[number] = seen_refs.get(number, 0) + 1
            anchor = f"ref-{number}" if seen_refs[number] == 1 else f"ref-{number}-{seen_refs[number]}"
            marker = (
                f'<sup class="fnref"><a id="{_attr(anchor)}" href="#note-{_attr(number)}" role="doc-noteref" '
                f'aria-label="note {_attr(number)}">{_attr(number)}</a></sup>'
            )
            spans.append(_Span(annotation.start, annotation.end, 5, replace=marker))
        elif kind == "page_break_join":
            spans.append(
                _Span(annotation.start, annotation.end, 5,
                      replace=' <span class="pb" title="a page break in the source" aria-hidden="true">¦</span> ')
            )
    for start, end in marks:
        spans.append(_Span(start, end, 4, "<mark>", "</mark>"))
    body = document.body_start or 0
    for match in _MARKUP.finditer(text, body):
        spans.append(_Span(match.start(), match.end(), 6, replace=""))
    return spans


def _order(span: _Span) -> tuple[int, int, int]:
    return span.start, -span.end, span.rank


def _tree(spans: list[_Span], start: int, end: int) -> list[_Node]:
    """The spans inside start..end as a tree; a span crossing an outer one's edge, or a link
    inside a link, is left out. `spans` are sorted by `_order`."""
    first = bisect_left(spans, start, key=lambda s: s.start)
    last = bisect_left(spans, end, key=lambda s: s.start)
    inside = [s for s in spans[first:last] if s.end <= end and s.start < s.end]
    roots: list[_Node] = []
    stack: list[_Node] = []
    for span in inside:
        while stack and stack[-1].span.end <= span.start:
            stack.pop()
        if stack:
            parent = stack[-1].span
            if span.end > parent.end or parent.replace is not None:
                continue
            if span.link and any(node.span.link for node in stack):
                continue
        node = _Node(span)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def _draw(text: str, nodes: list[_Node], start: int, end: int) -> str:
    out: list[str] = []
    position = start
    for node in nodes:
        span = node.span
        out.append(str(escape(text[position:span.start])))
        if span.replace is not None:
            out.append(span.replace)
        else:
            out.append(span.open)
            out.append(_draw(text, node.children, span.start, span.end))
            out.append(span.close)
        position = span.end
    out.append(str(escape(text[position:end])))
    return "".join(out)


def _html(text: str, spans: list[_Span], start: int, end: int, extra: list[_Span] | None = None) -> Markup:
    if extra:
        spans = sorted([*spans[bisect_left(spans, start, key=lambda s: s.start):bisect_left(spans, end, key=lambda s: s.start)], *extra], key=_order)
    return Markup(_draw(text, _tree(spans, start, end), start, end))


def _blocks(document: Document) -> list[Block]:
    """The record's blocks, or its body cut at blank lines for a record without them."""
    if document.blocks:
        return [b for b in document.blocks if b.kind != "footnote"]
    start = document.body_start or 0
    blocks = []
    for match in re.finditer(r"\S(?:.*\S)?(?:\n(?![ \t]*\n).*\S)*", document.text[start:]):
        blocks.append(Block("paragraph", start + match.start(), start + match.end()))
    return blocks


def _voices(participants: list[Participant], blocks: list[Block]) -> dict[str, tuple[str | None, int]]:
    """Each speaker's side and colour number: by side where the record gives sides, else by
    speaker in order of first speaking."""
    sides: list[str] = []
    for participant in participants:
        if participant.side and participant.side not in sides:
            sides.append(participant.side)
    by_name = {p.name: p for p in participants}
    voices: dict[str, tuple[str | None, int]] = {}
    for block in blocks:
        if not block.speaker or block.speaker in voices:
            continue
        side = by_name[block.speaker].side if block.speaker in by_name else None
        if side is not None:
            voices[block.speaker] = (side, sides.index(side) % 6 + 1)
        else:
            voices[block.speaker] = (None, 0 if sides else len(voices) % 6 + 1)
    return voices


def reader_text(document: Document, marks: list[tuple[int, int]] | None = None) -> ReaderText:
    """The record's body and notes as the reader draws them, `marks` (spans of a search's
    matches) marked."""
    text = document.text
    marks = marks or []
    body = document.body_start or 0
    notes_with_refs = {n.number: n.ref_start or 0 for n in document.footnotes}
    spans = sorted(_spans(document, marks, notes_with_refs), key=_order)
    blocks = _blocks(document)
    participants = {p.name: p for p in document.participants}
    voices = _voices(document.participants, blocks)
    passages: list[Passage] = []
    for block in blocks:
        if block.end <= body:
            continue
        extra: list[_Span] = []
        kind = block.kind
        speaker = block.speaker
        if speaker and kind not in _SPEECH and kind != "paragraph":
            speaker = None
        if kind == "turn":
            label = _LABEL.match(text, block.start, block.end)
            if label:
                extra.append(_Span(block.start, label.end(), -1, '<b class="label">', "</b>"))
        if speaker:
            kind = "reported" if kind == "paragraph" else kind
        participant = participants.get(speaker) if speaker else None
        side, voice = voices.get(speaker, (None, 0)) if speaker else (None, 0)
        passages.append(
            Passage(
                kind=kind,
                anchor=f"at-{block.start}",
                html=_html(text, spans, max(block.start, body), block.end, extra),
                speaker=speaker,
                speaker_id=participant.authority_id if participant else None,
                side=side,
                voice=voice,
            )
        )
    notes: list[Note] = []
    for footnote in document.footnotes:
        back = None
        if footnote.ref_start is not None and footnote.ref_start >= body:
            back = f"ref-{footnote.number}"
        notes.append(Note(footnote.number, f"note-{footnote.number}", _html(text, spans, footnote.start, footnote.end), back))
    shown = [s for s in spans if s.start >= body]
    return ReaderText(
        passages=passages,
        notes=notes,
        marks=len(marks),
        readings=sum(1 for s in shown if s.open.startswith('<span class="ed')),
    )
