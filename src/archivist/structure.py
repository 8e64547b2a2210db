"""The structure of a record's body: ordered blocks over the text.

The reader finds where the body starts; this stage splits the body, which runs to the end of the
text and holds the notes, into blocks, each a span of `text` that covers its line(s) with their
markup (a Markdown `#` or a list bullet belongs to its block):

| kind | what |
|---|---|
| `heading` | a Markdown `#` line, an all-caps or title-case title line, the body's own opening title, the `Notes:` line |
| `header` | what stands above the text proper: datelines ("Washington, January 7, 1955"), archival stamps ("from the journal [handwritten entry ...]"), "(Not yet proof read)", a despatch number |
| `meta` | `Time:`, `Location:`, `Participants:` and the lines that continue a participants list ("Chinese side: ...", one participant a line) |
| `paragraph` | running text; the speakers stage turns those opening with "Name:" into turns |
| `stage` | a whole paragraph in parentheses: "(Laughter)", "(At the beginning of the conversation, ...)" |
| `editorial` | a whole paragraph that is an editor's note: "[Here follows a table of contents.]" |
| `signature` | the signer's line: "Briggs", "John Foster Dulles", "# SOVIET AMBASSADOR ... [signature] (A. PUZANOV)" |
| `closer` | what goes with a signature: "Sincerely yours,", the signer's titles, typists' initials ("6-AP/vp") |
| `distribution` | the list of addressees of copies after the signature |
| `footnote` | one note, its label included |

A paragraph cut in two by a page break ("All the Party and our" / "people also supported us")
becomes one block over both parts, with a `page_break_join` annotation over the whitespace at
the seam whose value is the single space the reading puts there. The rule is general: the first
part ends without sentence-final punctuation and the second goes on with the sentence (starts
lowercase, or follows a comma, a bracketed insertion or a word like "the", "of", "to"); a
speaker's "Name:" or a list item never continues a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archivist import brackets as _brackets  # noqa: F401  (registers the brackets stage)
from archivist import repairs as _repairs  # noqa: F401  (registers the repairs stage)
from archivist.authority import name_forms, normalise_name
from archivist.dates import find_date, parse_date
from archivist.document import Annotation, Block, Document
from archivist.footnotes import Notes, find_notes
from archivist.footnotes import footnotes as _footnotes  # noqa: F401  (registers the footnotes stage)
from archivist.pipeline import stage

__all__ = ["BLOCK_KINDS", "body_blocks", "continues", "read_blocks"]

BLOCK_KINDS = (
    "heading",
    "header",
    "meta",
    "paragraph",
    "stage",
    "editorial",
    "signature",
    "closer",
    "distribution",
    "footnote",
)

_HEADING_MARK = re.compile(r"#{1,6}[ \t]+")
_BULLET = re.compile(r"(?:[-*+•])[ \t]+")
# Footnote markers, for judging a line's shape without them; a bare "[n]" of four digits is a
# year the translator supplied ("[1956]"), not a marker.
_MARKERS = re.compile(r"\[\\\[\d+\\\]\]\([^)\s]*\)|\[\^\d+\]|\^\[\d+\]|\\\[\d+\\\]|<sup>[^<]{1,8}</sup>|\[\d{1,3}\]")

_META = re.compile(
    r"(?:time|date|dates|place|location|venue|participants|present|attendees|also\s+present|interpreters?|"
    r"subject|topic|recorded\s+by|note-?taker)\s*:",
    re.IGNORECASE,
)
_PARTICIPANTS = re.compile(r"(?:participants|present|attendees|also\s+present)\b", re.IGNORECASE)
_META_ALONE = re.compile(r"(?:PARTICIPANTS|PRESENT|ATTENDEES|SUBJECT|Participants|Present|Attendees|Subject)\s*:?")
_SIDE = re.compile(r"[A-Z][\w'’\- ]{0,40}\bside\s*:", re.IGNORECASE)
_TURN = re.compile(r"[A-Z][\w.'’\- ]{0,40}(?:\s*\([^)\n]{0,60}\))?\s*:\s")
_ENUMERATOR = re.compile(r"(?:\(?[a-z0-9]{1,4}\)\.?|[a-z0-9]{1,4}\.)(?:\s|$)")
_ROMAN = re.compile(r"[IVXL]+\.\s")
_LETTER_ITEM = re.compile(r"[A-Za-z]\.\s")
_VALEDICTION = re.compile(
    r"(?:(?:very\s+)?(?:sincerely|faithfully|truly|respectfully|cordially)(?:\s+yours)?|yours(?:\s+\w+){0,2}|"
    r"with\s+(?:best|kind)\s+regards|best\s+regards|regards)\s*,?",
    re.IGNORECASE,
)
_FOR_LINE = re.compile(r"For\s+(?:the\s+)?[A-Z][^:]{0,80}:")
_INITIALS = re.compile(r"[A-Z0-9]{1,4}(?:-[A-Z0-9]{1,4})*/[A-Za-z]{1,4}|(?:[A-Z]\.){2,4}")
_SIGNED = re.compile(r"\[(?:signature|signed)\]|^/s/|\(signed\)", re.IGNORECASE)
_STAMP = re.compile(r"\[(?:hand-?written|stamp|stamped|typed|seal)\b|\bstamp\b", re.IGNORECASE)
_CLASSIFICATION = re.compile(
    r"(?:top\s+secret|secret|confidential|restricted|unclassified|eyes\s+only|personal\s+and\s+confidential|"
    r"strictly\s+confidential|not\s+for\s+publication)(?:\s*[-—–]\s*[\w ]+)?\.?",
    re.IGNORECASE,
)
_NUMBER_LINE = re.compile(r"No\.\s*\d[\w/-]*")
_TIME_REST = re.compile(
    r"\s*(?:[,—–-]\s*)?(?:\d{1,2}(?::\d{2})?\s*(?:a\.\s?m\.|p\.\s?m\.|hours|h)?|noon|midnight)?\s*\.?\s*"
)
_NAME_WORD = r"(?:[A-Z][a-z]+(?:[-'’][A-Za-z]+)*|Ma?c[A-Z][a-z]+|[A-Z]{2,}|[A-Z]\.(?:[A-Z]\.)*|de|van|von|der|du|la|le|da|di|al)"
_NAME_LINE = re.compile(
    rf"(?:(?:Mr|Mrs|Ms|Dr|Gen|Adm|Cde|Amb)\.\s)?{_NAME_WORD}(?:\s{_NAME_WORD}){{0,4}}(?:,?\s(?:Jr\.|Sr\.|II|III))?"
)
_TITLE_SMALL = frozenset(
    "a an and as at by for from in into of on or the to with via per de du la le von van der d’ d'".split()
)
_CONTINUING = frozenset(
    """the a an and or but nor of to in on at by for from with without into onto upon as than that which who
    whom whose our your their his her its my we they he she it i not no is are was were be been being has have
    had do does did will would shall should can could may might must this these those such very more most
    between among about after before during under over through against within also even so if when while""".split()
)
#: Characters that end a sentence; a paragraph ending in one is complete.
FINAL = frozenset('.!?:"”)]’…')


@dataclass(frozen=True)
class _Line:
    start: int  # the line's first non-blank character (markup included)
    end: int  # past its last non-blank character
    content: str  # without Markdown heading marks, a bullet or whole-line bold
    heading: bool
    bullet: bool


@dataclass(frozen=True)
class _Unit:
    """A run of non-blank lines."""

    lines: tuple[_Line, ...]

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def content(self) -> str:
        return " ".join(line.content for line in self.lines)

    @property
    def single(self) -> bool:
        return len(self.lines) == 1


def _line(text: str, start: int, end: int) -> _Line | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    raw = text[start:end]
    content = raw
    heading = bullet = False
    mark = _HEADING_MARK.match(raw)
    if mark:
        content, heading = raw[mark.end():], True
    else:
        mark = _BULLET.match(raw)
        if mark:
            content, bullet = raw[mark.end():], True
    content = content.strip()
    if len(content) > 4 and content.startswith("**") and content.endswith("**"):
        content = content[2:-2].strip()
    return _Line(start, end, content, heading, bullet)


def _units(text: str, start: int, end: int) -> list[_Unit]:
    units: list[_Unit] = []
    current: list[_Line] = []
    position = start
    for raw in text[start:end].splitlines(keepends=True):
        line = _line(text, position, min(position + len(raw.rstrip("\r\n")), end))
        position += len(raw)
        if line is None:
            if current:
                units.append(_Unit(tuple(current)))
                current = []
        else:
            current.append(line)
    if current:
        units.append(_Unit(tuple(current)))
    return units


def _bare(content: str, numbers: frozenset[str] | None = None) -> str:
    """`content` without footnote markers, for judging its shape; with `numbers`, a bare
    `[n]` goes only when a note n exists."""

    def strip(marker: re.Match[str]) -> str:
        plain = marker.group()[1:-1].isdigit()
        if plain and numbers is not None and marker.group()[1:-1] not in numbers:
            return marker.group()
        return ""

    return _MARKERS.sub(strip, content).strip()


def _is_dateline(content: str) -> bool:
    bare = _bare(content)
    if parse_date(bare.rstrip(".")) is not None and parse_date(bare.rstrip(".")).edtf:
        return True
    place, comma, rest = bare.partition(", ")
    if not comma or not place[:1].isupper() or len(place) > 40 or any(ch.isdigit() for ch in place):
        return False
    found = find_date(rest, anchored=True)
    return found is not None and _TIME_REST.fullmatch(rest[found.end:]) is not None


def _is_name(content: str) -> bool:
    bare = _bare(content)
    return bool(bare) and len(bare) <= 60 and _NAME_LINE.fullmatch(bare) is not None and any(c.islower() for c in bare)


def _is_known_name(content: str) -> bool:
    return normalise_name(_bare(content)) in name_forms()


def _is_short_line(content: str) -> bool:
    """A title, rank or office line: short, no sentence in it."""
    bare = _bare(content)
    return 0 < len(bare) <= 60 and not re.search(r"[.!?]\s+[A-Z]", bare) and bare[-1] not in "!?;"


def _is_title_case(content: str) -> bool:
    bare = _bare(content)
    if not bare or len(bare) > 80 or bare[-1] in ".,;:!?" or not (bare[0].isupper() or bare[0].isdigit()):
        return False
    if _LETTER_ITEM.match(bare) and not _ROMAN.match(bare):
        return False
    words = re.findall(r"[^\W\d_][\w'’\-]*", bare)
    return bool(words) and all(w[0].isupper() or w.lower() in _TITLE_SMALL for w in words)


def _is_all_caps(content: str) -> bool:
    bare = _bare(content)
    letters = [ch for ch in bare if ch.isalpha()]
    if len(letters) < 3 or len(bare) > 200 or bare.endswith((".", ",", ";")):
        return False
    if _LETTER_ITEM.match(bare) and not _ROMAN.match(bare):
        return False  # "A. NSC 170/1" is an item of a list of references
    return sum(ch.isupper() for ch in letters) >= 0.7 * len(letters)


def _in_parentheses(content: str) -> bool:
    """Whether the whole of `content` is one parenthesis (a trailing period allowed)."""
    bare = content.rstrip(".").rstrip()
    if not bare.startswith("(") or not bare.endswith(")"):
        return False
    depth = 0
    for index, ch in enumerate(bare):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return index == len(bare) - 1
    return False


def _is_editorial(content: str) -> bool:
    bare = content.strip()
    if not (bare.startswith("[") and bare.rstrip(".").endswith("]")) or bare.count("[") != 1:
        return False
    kind, _ = _brackets.read_bracket(bare.rstrip(".")[1:-1])
    return kind == "editorial"


def _is_trailing(unit: _Unit) -> bool:
    """Whether `unit` can belong to the matter after the last paragraph: a valediction, a
    signature, titles, initials, a postscript, a distribution list."""
    if all(line.bullet for line in unit.lines) or _SIGNED.search(unit.content):
        return True
    if unit.content.startswith(("P.S.", "P. S.", "PS:")):
        return True
    return all(
        _VALEDICTION.fullmatch(line.content) or _FOR_LINE.fullmatch(line.content) or _INITIALS.fullmatch(line.content)
        or _is_short_line(line.content) and not _is_editorial(line.content)
        for line in unit.lines
    )


def _signature_lines(unit: _Unit, *, trailing: bool) -> list[str] | None:
    """Kinds for the lines of a signature unit ("For the Joint Chiefs of Staff:" / "Arthur
    Radford" / "Chairman"), or None when `unit` is not one."""
    kinds: list[str] = []
    signed = False
    closing = False
    for line in unit.lines:
        if not signed and (_VALEDICTION.fullmatch(line.content) or _FOR_LINE.fullmatch(line.content)):
            kinds.append("closer")
            closing = True
        elif not signed and (
            _SIGNED.search(line.content)
            or _is_name(line.content)
            # A lone initial closes a memorandum for the files ("H").
            or trailing and len(unit.lines) == 1 and re.fullmatch(r"[A-Z]\.?", _bare(line.content))
        ):
            kinds.append("signature")
            signed = True
        elif signed and (_is_short_line(line.content) or _INITIALS.fullmatch(line.content)):
            kinds.append("closer")
        else:
            return None
    if not signed:
        return None
    name = unit.lines[kinds.index("signature")].content
    if trailing or closing or _SIGNED.search(name) or _is_known_name(name):
        return kinds
    return None


class _Reading:
    """Classifies the units of one body in order, carrying what the order tells."""

    def __init__(self, units: list[_Unit]):
        self.units = units
        self.opening = True  # no running text yet
        self.participants = False  # inside a participants list
        self.signed = False
        first_trailing = len(units)
        while first_trailing > 0 and _is_trailing(units[first_trailing - 1]):
            first_trailing -= 1
        self.first_trailing = first_trailing

    def blocks(self) -> list[Block]:
        result: list[Block] = []
        for index, unit in enumerate(self.units):
            for kind, start, end in self.classify(index, unit):
                result.append(Block(kind, start, end))
                if kind in ("paragraph", "meta", "stage", "editorial", "signature"):
                    self.opening = False
                if kind == "signature":
                    self.signed = True
        return result

    def classify(self, index: int, unit: _Unit) -> list[tuple[str, int, int]]:
        """(kind, start, end) for the unit, or for each of its lines when they differ."""
        kind = self.kind(index, unit)
        if isinstance(kind, list):
            return [(k, line.start, line.end) for k, line in zip(kind, unit.lines)]
        return [(kind, unit.start, unit.end)]

    def kind(self, index: int, unit: _Unit) -> str | list[str]:
        content = unit.content
        first = unit.lines[0]
        trailing = index >= self.first_trailing and not self.opening
        # The participants list runs on over the lines that continue it.
        if self.participants:
            if unit.single and (_SIDE.match(content) or self._participant(content)):
                return "meta"
            self.participants = False
        if _META.match(first.content) or unit.single and _META_ALONE.fullmatch(content):
            self.participants = bool(_PARTICIPANTS.match(first.content))
            return "meta"
        if trailing or not self.opening:
            signature = _signature_lines(unit, trailing=trailing)
            if signature is not None:
                return signature[0] if unit.single else signature
        if not self.opening and unit.single and (_INITIALS.fullmatch(content) or _VALEDICTION.fullmatch(content)):
            return "closer"
        if all(line.bullet for line in unit.lines) and (self.signed or trailing):
            return "distribution"
        if re.match(r"(?:distribution|copies\s+to|cc)\s*:", content, re.IGNORECASE):
            return "distribution"
        if self.signed and trailing and unit.single and _is_short_line(content) and not content.startswith("P.S"):
            return "closer"
        if unit.single and _is_dateline(content):
            return "header"
        if self.opening and unit.single and self._header(content):
            return "header"
        if _is_editorial(content):
            return "editorial"
        if _in_parentheses(content):
            return "stage"
        if unit.single and (first.heading or _is_all_caps(content) or _is_title_case(content)):
            return "heading"
        if self.opening and index == 0 and unit.single and self._opening_title(index, content):
            return "heading"
        if not unit.single and all(line.bullet for line in unit.lines):
            return ["paragraph"] * len(unit.lines)
        return "paragraph"

    def _header(self, content: str) -> bool:
        if _STAMP.search(content) or _CLASSIFICATION.fullmatch(content) or _NUMBER_LINE.fullmatch(content):
            return True
        return _in_parentheses(content) and len(content.split()) <= 6

    def _participant(self, content: str) -> bool:
        bare = _bare(content)
        return (
            0 < len(bare) <= 120
            and bare[0].isupper()
            and bare[-1] not in ".!?:"
            and not _TURN.match(bare)
        )

    def _opening_title(self, index: int, content: str) -> bool:
        """The body's own title, printed before the text: one line, no sentence end, and what
        follows does not go on with it."""
        bare = _bare(content)
        if not bare or len(bare) > 150 or bare[-1] in FINAL or bare[-1] in ",;":
            return False
        following = self.units[index + 1].content if index + 1 < len(self.units) else ""
        return bool(following) and not following[:1].islower()


def continues(previous: str, following: str, numbers: frozenset[str] = frozenset()) -> bool:
    """Whether paragraph `following` goes on with the sentence `previous` left unfinished at
    a page break."""
    tail = _bare(previous, numbers)
    head = following.lstrip()
    unquoted = head.lstrip("\"“‘'(")
    if not tail or not head or _TURN.match(head) or _ENUMERATOR.match(unquoted) or head.startswith("#"):
        return False
    unclosed = tail.rfind("[") > tail.rfind("]")
    insertion = re.search(r"\s*\[[^\[\]]*\]$", tail)
    if insertion:
        tail = tail[: insertion.start()].rstrip()
        if not tail:
            return False
    first_letter = next((ch for ch in head if ch.isalnum()), "")
    if unclosed:
        return True
    if tail[-1] in FINAL:
        return False
    if first_letter.islower():
        return True
    last_word = re.search(r"([^\W\d_]+)\W*$", tail)
    return bool(
        insertion
        or tail[-1] in ",;–—-("
        or (last_word and last_word.group(1).lower() in _CONTINUING and tail[-1].isalpha())
    )


def _join(blocks: list[Block], text: str, numbers: frozenset[str]) -> tuple[list[Block], list[Annotation]]:
    joined: list[Block] = []
    seams: list[Annotation] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.kind == "paragraph"
            and block.kind == "paragraph"
            and "\n" in text[previous.end : block.start]
            and text[previous.end : block.start].count("\n") >= 2
            and continues(text[previous.start : previous.end], text[block.start : block.end], numbers)
        ):
            seams.append(Annotation("page_break_join", previous.end, block.start, text[previous.end : block.start], " "))
            joined[-1] = Block("paragraph", previous.start, block.end)
            continue
        joined.append(block)
    return joined, seams


def _note_blocks(notes: Notes) -> list[Block]:
    found = [Block("heading", *notes.heading)] if notes.heading else []
    return found + [Block("footnote", note.label_start, note.end) for note in notes.notes]


def read_blocks(document: Document) -> tuple[list[Block], list[Annotation]]:
    """The body's blocks in order, and a `page_break_join` annotation at each seam joined."""
    text = document.text
    start = document.body_start
    if start is None:
        return [], []
    notes = find_notes(text, start)
    prose_end = notes.start if notes else len(text)
    blocks = _Reading(_units(text, start, prose_end)).blocks()
    blocks, seams = _join(blocks, text, notes.numbers if notes else frozenset())
    if notes:
        blocks += _note_blocks(notes)
    return blocks, seams


def body_blocks(document: Document) -> list[Block]:
    """The body's blocks in order."""
    return read_blocks(document)[0]


@stage("blocks", requires=("text", "body_start"), assigns=("blocks", "annotations.page_break_join"))
def blocks(document: Document) -> Document:
    """Split the body into ordered blocks; join paragraphs split by a page break."""
    found, seams = read_blocks(document)
    document.blocks = found
    document.annotations = [a for a in document.annotations if a.kind != "page_break_join"] + seams
    return document
