"""The labelled layout shared by Wilson-style exports, plain or Markdown.

A record is a preamble (date and title, in either order, or fused on one line), then labelled
sections (`Citation:`, `Summary:`, `Credits:`, `Original Language:`, `Contents:` ... in any
order, any of them missing, the value on the label's line or in the paragraph after it), then
the body. The Markdown flavour only adds markup around the same lines (`#`..`####` headings,
`**bold**` labels, `* ` bullets), so both readers tokenise lines into `Line`s that know where
their content is in the original text, and share everything after that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import urlparse

from archivist.dates import leading_date, parse_date
from archivist.document import DateValue, Document, Source
from archivist.errors import TruncatedRecordError

__all__ = ["LABELS", "Line", "Paragraph", "document_id", "find_label", "lines_of", "read_layout"]

#: Header labels of Wilson-style exports, by the field they fill. Any order, any may be missing.
LABELS: dict[str, str] = {
    "citation": "citation",
    "summary": "summary",
    "abstract": "summary",
    "description": "summary",
    "credits": "credits",
    "original language": "original_language",
    "language": "original_language",
    "contents": "contents",
    "title": "title",
    "date": "date",
    "original archive": "original_archive",
    "archive": "original_archive",
    "source": "source",
    "call number": "call_number",
    "type": "document_type",
    "document type": "document_type",
    "classification": "classification",
    "translated by": "translated_by",
    "translator": "translated_by",
    "translators": "translated_by",
    "rights": "rights",
    "record id": "record_id",
    "associated people & organizations": "associated_people",
    "associated people and organizations": "associated_people",
    "associated places": "associated_places",
    "associated topics": "associated_topics",
    "subjects": "subjects",
    "keywords": "subjects",
    "original uploaded date": "uploaded_date",
}

_LABEL_RE = re.compile(
    r"^(?P<label>" + "|".join(sorted((re.escape(k) for k in LABELS), key=len, reverse=True)) + r")\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# "Translation - English", "Transcript - English", "Original Scan - Russian"
_CONTENTS_RE = re.compile(r"^(?P<kind>[A-Z][\w ]{2,40}?)\s+[-–—]\s+(?P<lang>[A-Z][\w ]{2,30})$")


@dataclass(frozen=True)
class Line:
    """One line of the file: `start`/`end` bound the whole line, `cstart`/`cend` its content
    without markup or surrounding whitespace; `level` is a Markdown heading level (0 for none)."""

    number: int
    start: int
    end: int
    cstart: int
    cend: int
    level: int
    content: str
    marked: bool = False  # the line carries markup (heading marks, bold, a bullet)

    @property
    def blank(self) -> bool:
        return not self.content


@dataclass(frozen=True)
class Paragraph:
    lines: tuple[Line, ...]

    @property
    def start(self) -> int:
        return self.lines[0].cstart

    @property
    def end(self) -> int:
        return self.lines[-1].cend

    @property
    def content(self) -> str:
        return " ".join(line.content for line in self.lines)

    @property
    def number(self) -> int:
        return self.lines[0].number


Stripper = Callable[[str, int, int], tuple[int, int, int]]


def lines_of(text: str, strip: Stripper | None = None) -> list[Line]:
    """Split `text` into Lines; `strip(text, start, end)` returns (cstart, cend, level)."""
    result = []
    position = 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        body = raw.rstrip("\r\n")
        start, end = position, position + len(body)
        position += len(raw)
        trimmed = _trim(text, start, end)
        cstart, cend, level = trimmed if strip is None else strip(text, start, end)
        marked = (cstart, cend) != trimmed[:2]
        result.append(Line(number, start, end, cstart, cend, level, text[cstart:cend], marked))
    return result


def _trim(text: str, start: int, end: int) -> tuple[int, int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end, 0


def paragraphs_of(lines: Iterable[Line]) -> list[Paragraph]:
    """Runs of non-blank lines; a label line always starts a paragraph of its own, because
    compact exports put `Original Language: English` right above the next label."""
    paragraphs: list[Paragraph] = []
    current: list[Line] = []
    for line in lines:
        if current and not line.blank and find_label(line.content) is not None:
            paragraphs.append(Paragraph(tuple(current)))
            current = []
        if line.blank:
            if current:
                paragraphs.append(Paragraph(tuple(current)))
                current = []
        else:
            current.append(line)
    if current:
        paragraphs.append(Paragraph(tuple(current)))
    return paragraphs


def find_label(content: str) -> tuple[str, str] | None:
    """("citation", "rest of line") when `content` is a header label line, else None."""
    match = _LABEL_RE.match(content)
    if not match:
        return None
    return LABELS[match.group("label").lower()], match.group("rest").strip()


def find_url(text: str) -> str | None:
    """The last URL in `text`, without the angle brackets or a sentence's closing period."""
    urls = re.findall(r"<(https?://[^\s<>]+)>|(https?://\S+)", text)
    if not urls:
        return None
    bracketed, bare = urls[-1]
    return bracketed or bare.rstrip(".,;)")


def document_id(url: str | None, path: str) -> str:
    """A stable id: from the record's own URL where it has one, so a re-export keeps its id."""
    if url:
        parsed = urlparse(url)
        frus = re.search(r"/historicaldocuments/([^/]+)/(d\d+\w*)", parsed.path)
        if frus:
            return f"{frus.group(1)}-{frus.group(2)}"
        wilson = re.search(r"/document/(\d+)", parsed.path)
        if wilson and ("wilson" in parsed.netloc or "digitalarchive" in parsed.netloc):
            return f"wilson-{wilson.group(1)}"
        slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{parsed.netloc}{parsed.path}").strip("-").lower()
        if slug:
            return slug[:120]
    stem = re.sub(r"\.[^.]*$", "", path.replace("\\", "/").rsplit("/", 1)[-1])
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-").lower() or "record"


@dataclass
class Layout:
    """Where the parts of a record were found."""

    preamble: list[Paragraph]
    sections: dict[str, tuple[str, int, int]]  # field -> (value, start, end) of the value
    labels_found: int
    body_start: int | None


def scan(lines: list[Line]) -> Layout:
    """Find the preamble, the labelled sections and where the body starts."""
    paragraphs = paragraphs_of(lines)
    preamble: list[Paragraph] = []
    sections: dict[str, tuple[str, int, int]] = {}
    labels_found = 0
    body_start: int | None = None
    pending: str | None = None  # a label whose value is the next paragraph
    index = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        first = paragraph.lines[0]
        label = find_label(first.content)
        if label is not None:
            field_name, rest = label
            labels_found += 1
            pending = None
            if field_name in sections:
                # A second "Contents:" or "Summary:" is body text that happens to look like one.
                body_start = paragraph.start
                break
            if rest:
                offset = first.cstart + first.content.index(rest)
                sections[field_name] = (rest, offset, offset + len(rest))
                if field_name == "contents":
                    body_start = _after(paragraphs, index)
                    break
            else:
                pending = field_name
                if len(paragraph.lines) > 1:
                    value = Paragraph(paragraph.lines[1:])
                    sections[field_name] = (value.content, value.start, value.end)
                    pending = None
            index += 1
            continue
        if pending is not None:
            if pending == "contents":
                # The list of what the record holds: "Translation - English", maybe "Original
                # Scan" and "Transcript - Russian" beside it, on lines or paragraphs of their own.
                entries: list[Line] = []
                while index < len(paragraphs) and all(_is_contents_entry(line.content) for line in paragraphs[index].lines):
                    entries.extend(paragraphs[index].lines)
                    index += 1
                if entries:
                    chosen = _chosen_contents([line.content for line in entries])
                    sections["contents"] = (chosen, entries[0].cstart, entries[-1].cend)
                    body_start = paragraphs[index].start if index < len(paragraphs) else None
                else:
                    sections["contents"] = ("", paragraph.start, paragraph.start)
                    body_start = paragraph.start
                break
            sections[pending] = (paragraph.content, paragraph.start, paragraph.end)
            pending = None
            index += 1
            continue
        if labels_found == 0:
            preamble.append(paragraph)
            index += 1
            continue
        body_start = paragraph.start
        break
    return Layout(preamble, sections, labels_found, body_start)


def _is_contents_entry(content: str) -> bool:
    return bool(_CONTENTS_RE.match(content)) or content.lower() in ("original scan", "original", "scan")


def _chosen_contents(entries: list[str]) -> str:
    """The entry this text is: a translation first, else a transcript, else the first."""
    for kind in ("translation", "transcript"):
        for entry in entries:
            if entry.lower().startswith(kind):
                return entry
    return entries[0]


def _after(paragraphs: list[Paragraph], index: int) -> int | None:
    return paragraphs[index + 1].start if index + 1 < len(paragraphs) else None


def read_layout(text: str, source: Source, lines: list[Line]) -> Document:
    """Build a Document from the labelled layout of `text`."""
    layout = scan(lines)
    path = source.path
    warnings: list[str] = []
    title: str | None = None
    date_original: str | None = None
    for paragraph in layout.preamble:
        content = paragraph.content
        if date_original is None and parse_date(content) is not None:
            date_original = content
            continue
        fused = leading_date(content) if date_original is None else None
        if fused is not None:
            date_original, rest = fused
            if title is None and rest:
                title = rest
            continue
        if title is None:
            title = content
        else:
            warnings.append(f"line {paragraph.number}: preamble text not placed: {content[:60]!r}")

    values = {name: value for name, (value, _, _) in layout.sections.items()}
    if "title" in values and title is None:
        title = values.pop("title")
    if "date" in values and date_original is None:
        date_original = values.pop("date")
    citation = values.pop("citation", None) or None
    if not layout.sections and not layout.preamble:
        raise TruncatedRecordError(path, "no header and no body")
    if layout.body_start is None:
        last = max((end for _, _, end in layout.sections.values()), default=0)
        raise TruncatedRecordError(
            path,
            f"the header ends at character {last} with no body after it: the record looks truncated",
        )
    contents = values.pop("contents", "") or ""
    contents_type = contents_language = None
    match = _CONTENTS_RE.match(contents)
    if match:
        contents_type, contents_language = match.group("kind").strip(), match.group("lang").strip()
    url = find_url(citation) if citation else None
    document = Document(
        id=document_id(url, path),
        text=text,
        source=source,
        title=title,
        date=DateValue(original=date_original),
        citation=citation,
        url=url,
        summary=values.pop("summary", None) or None,
        credits=values.pop("credits", None) or None,
        original_language=values.pop("original_language", None) or None,
        contents_language=contents_language,
        contents_type=contents_type,
        document_type=values.pop("document_type", None) or None,
        classification=values.pop("classification", None) or None,
        body_start=layout.body_start,
        warnings=warnings,
    )
    translated_by = values.pop("translated_by", None)
    if translated_by:
        document.fields["translated_by"] = translated_by
    document.fields.update({k: v for k, v in values.items() if v})
    if citation is None:
        document.warnings.append("no Citation section: provenance, URL and translators cannot be read")
    if title is None and citation is None:
        document.warnings.append("no title found")
    return document


_CORE_LABELS = {"citation", "summary", "credits", "original_language", "contents"}


def header_score(lines: list[Line]) -> tuple[int, bool]:
    """(how many core header labels, whether header lines carry Markdown marks) in the first
    forty non-blank lines: enough to tell an export from any other text."""
    found: set[str] = set()
    markdown = False
    seen = 0
    for line in lines:
        if line.blank:
            continue
        seen += 1
        if seen > 40:
            break
        label = find_label(line.content)
        if label and label[0] in _CORE_LABELS:
            found.add(label[0])
            markdown = markdown or line.marked
    return len(found), markdown


def looks_truncated(text: str) -> bool:
    """True for the opening of an export cut short: a dated first line and no labels after it."""
    for paragraph in paragraphs_of(lines_of(text[:4000])):
        content = paragraph.content.lstrip("#* ").strip()
        return parse_date(content) is not None or leading_date(content) is not None
    return False
