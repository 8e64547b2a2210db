"""TEI P5 files: the Office of the Historian's FRUS volumes, and archivist's own TEI export.

A file holds one or more `div[@type='document']`; each becomes one record. The reader renders
each document into the labelled plain layout the FRUS text exports use (date, title,
`Citation:`, `Summary:`, `Original Language:`, `Contents:`, the body, the notes as `[n] text`)
so that the pipeline reads it exactly as it reads a text export, and sets the metadata the TEI
states outright rather than leaving it to be guessed from the text:

- FRUS: the id from the volume's id and the document's `xml:id` (`frus1955-57v23p2-d8`, the id
  the text export's URL gives), the title from `head` without its number, the date from
  `dateline/date/@when` (else `frus:doc-dateTime-min/max`), the date and time with its UTC
  offset when `@when` has one, the place from the dateline's `placeName`, the source note
  (`note[@type='source']`) with the classification and drafter it states, the signer from the
  first `closer/signed`, the sender and addressee the head marks `type="from"`/`"to"`
  (`persName` or `gloss`, kept in `fields`), the subject list as the summary. Footnotes keep
  their `@n`; `gloss` reads as its abbreviation; `pb` is dropped. Each name the editors tagged
  (`persName/@corresp`) becomes a `tagged_person` annotation over its span, valued with the
  person's authority id where the authority knows the volume's person (`frus_ids`): the
  source's own tagging, kept beside the mentions the people stage finds. For a record in the
  text exports' plain layout the text comes out character for character the same.
- archivist's export (its `appInfo/application[@ident='archivist']`): every field the header
  carries (see `archivist.export.tei`), the body read back the way the export wrote it:
  `supplied` in its brackets again, `sic` and `orig` as printed, speakers before their words.

Every record of a file keeps the whole file as its original: that is the file it was read from.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from archivist.document import Annotation, DateValue, Document, Participant, Source
from archivist.errors import SourceError
from archivist.sources.sections import lines_of, read_layout

__all__ = ["FRUS_URL", "TEIReader"]

TEI = "http://www.tei-c.org/ns/1.0"
FRUS = "http://history.state.gov/frus/ns/1.0"
XML = "http://www.w3.org/XML/1998/namespace"
NS = {"t": TEI, "frus": FRUS}
FRUS_URL = "https://history.state.gov/historicaldocuments/{volume}/{document}"
_FRUS_SERIES = "Foreign Relations of the United States"

#: Stands for a line break (`lb` where it breaks a line) until whitespace is collapsed.
_LINE = "\u2028"
#: Mark where a tagged person's name starts (with the tag's number), where the number ends,
#: and where the name ends, so its span in the finished text can be found: private-use
#: characters, which no export holds.
_TAG_OPEN, _TAG_MID, _TAG_CLOSE = "\ue000", "\ue001", "\ue002"
_TAG = re.compile(f"{_TAG_OPEN}\\d+{_TAG_MID}|{_TAG_CLOSE}")
_SKIP = {f"{{{TEI}}}pb", f"{{{TEI}}}fw", f"{{{TEI}}}corr", f"{{{TEI}}}reg"}
_BLOCKS = {
    "p", "ab", "head", "list", "quote", "closer", "postscript", "stage", "sp", "table", "row", "opener",
    "dateline", "salute", "signed", "div", "lg", "l", "trailer", "byline", "attachment", "body", "back", "front",
}
_CONTAINERS = {"div", "postscript", "quote", "attachment", "lg", "table", "body", "back", "front"}


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _space(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text)


@dataclass
class _Rendering:
    """A document's body as paragraphs, and its notes as (number, text) in marker order."""

    paragraphs: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


class _Renderer:
    """Turns TEI elements into the text export's plain text."""

    def __init__(self, own: bool, tags: list[str] | None = None):
        self.own = own  # archivist's export: brackets around `supplied`
        self.notes: list[tuple[str, str]] = []
        self.note_ids: list[str] = []
        # `persName/@corresp` of each tagged name, when the caller wants their spans.
        self.tags = tags

    def inline(self, element: etree._Element, *, line_breaks: bool = False) -> str:
        """The text of `element` and its descendants, footnotes as `[n]` markers."""
        parts: list[str] = []
        if element.text:
            parts.append(element.text)
        for child in element:
            parts.append(self._child(child, line_breaks))
            if child.tail:
                parts.append(child.tail)
        return "".join(parts)

    def _child(self, child: etree._Element, line_breaks: bool) -> str:
        name = _local(child)
        if not name or child.tag in _SKIP:
            return ""
        if name == "note":
            if child.get("type") == "source":
                return ""
            number = child.get("n") or str(len(self.notes) + 1)
            self.notes.append((number, self.clean(self.inline(child))))
            self.note_ids.append(child.get(f"{{{XML}}}id") or "")
            return f"[{number}]"
        if name == "lb":
            return _LINE if line_breaks else " "
        if name == "supplied" and self.own:
            return f"[{self.inline(child, line_breaks=line_breaks)}]"
        if name == "persName" and self.tags is not None and child.get("corresp"):
            self.tags.append(child.get("corresp") or "")
            inner = self.inline(child, line_breaks=line_breaks)
            return f"{_TAG_OPEN}{len(self.tags) - 1}{_TAG_MID}{inner}{_TAG_CLOSE}"
        return self.inline(child, line_breaks=line_breaks)

    @staticmethod
    def clean(text: str) -> str:
        """Whitespace collapsed as a browser would, line breaks (`lb` in a closer) kept."""
        lines = [_space(line).strip() for line in text.split(_LINE)]
        return "\n".join(line for line in lines if line)

    def blocks(self, element: etree._Element, rendering: _Rendering, *, skip_head: bool = False) -> None:
        """Paragraphs of a block-level element's children, in order: a run of text and inline
        elements between blocks is one paragraph."""
        buffer = [element.text or ""]

        def flush() -> None:
            text = self.clean("".join(buffer))
            if text:
                rendering.paragraphs.append(text)
            buffer.clear()

        for child in element:
            name = _local(child)
            if not name or child.tag in _SKIP or (name == "head" and skip_head):
                pass
            elif name == "note" and child.get("rend") == "inline":
                # An inline note ("Enclosure" over an attachment) is printed as a line of its own.
                flush()
                text = self.clean(self.inline(child))
                if text:
                    rendering.paragraphs.append(text)
            elif name == "note" and not "".join(buffer).strip() and rendering.paragraphs:
                # A note standing between paragraphs belongs to the text before it.
                rendering.paragraphs[-1] += self._child(child, False)
            elif name not in _BLOCKS:
                buffer.append(self._child(child, False))
            else:
                flush()
                self._block(child, name, rendering)
            buffer.append(child.tail or "")
        flush()

    def _block(self, child: etree._Element, name: str, rendering: _Rendering) -> None:
        if name == "list":
            if child.get("type") != "subject":
                self._list(child, rendering)
        elif name == "opener":
            # The text exports print the dateline first, then what else the opener holds.
            parts = sorted(child, key=lambda c: _local(c) != "dateline")
            for part in parts:
                if _local(part) and part.tag not in _SKIP:
                    text = self.clean(self.inline(part, line_breaks=True))
                    if text:
                        rendering.paragraphs.append(text)
        elif name in ("closer", "signed", "dateline", "salute", "byline", "trailer"):
            text = self.clean(self.inline(child, line_breaks=True))
            if text:
                rendering.paragraphs.append(text)
        elif name == "sp":
            self._turn(child, rendering)
        elif name in _CONTAINERS or self._has_blocks(child):
            self.blocks(child, rendering)
        else:
            text = self.clean(self.inline(child))
            if text:
                rendering.paragraphs.append(text)

    def _has_blocks(self, element: etree._Element) -> bool:
        return any(_local(c) in _BLOCKS for c in element)

    def _list(self, element: etree._Element, rendering: _Rendering) -> None:
        label: str | None = None
        for child in element:
            name = _local(child)
            if name == "label":
                label = self.clean(self.inline(child))
            elif name == "head":
                text = self.clean(self.inline(child))
                if text:
                    rendering.paragraphs.append(text)
            elif name == "item":
                parts = [child.text or ""]
                nested: list[etree._Element] = []
                for part in child:
                    if nested or _local(part) in ("list", "quote", "p"):
                        nested.append(part)
                    elif part.tag not in _SKIP:
                        parts += [self._child(part, False), part.tail or ""]
                    else:
                        parts.append(part.tail or "")
                text = self.clean("".join(parts))
                if label:
                    text = f"{label} {text}".strip()
                    label = None
                if text:
                    rendering.paragraphs.append(text)
                for part in nested:
                    if _local(part) == "list":
                        self._list(part, rendering)
                    elif _local(part) == "quote":
                        self.blocks(part, rendering)
                    else:
                        text = self.clean(self.inline(part))
                        if text:
                            rendering.paragraphs.append(text)
                    if part.tail and part.tail.strip():
                        rendering.paragraphs.append(self.clean(part.tail))

    def _turn(self, element: etree._Element, rendering: _Rendering) -> None:
        speaker = ""
        first = True
        for child in element:
            name = _local(child)
            if name == "speaker":
                speaker = self.clean(self.inline(child))
            elif name in ("p", "ab", "stage"):
                text = self.clean(self.inline(child))
                if first and speaker:
                    text = f"{speaker} {text}"
                    first = False
                rendering.paragraphs.append(text)
        if first and speaker:
            rendering.paragraphs.append(speaker)


# -- metadata ------------------------------------------------------------------------------


def _display(iso: str) -> str:
    year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    return f"{calendar.month_name[month]} {day}, {year}"


def _date_value(edtf: str | None, original: str | None) -> DateValue:
    from archivist.dates import bounds

    if not edtf:
        return DateValue(original=original)
    earliest, latest = bounds(edtf)
    return DateValue(edtf=edtf, earliest=earliest, latest=latest, original=original)


def _first(element: etree._Element, path: str) -> etree._Element | None:
    found = element.xpath(path, namespaces=NS)
    return found[0] if found else None


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    text = _space("".join(element.itertext())).strip()
    return text or None


@dataclass
class _Record:
    """What the reader knows of one document before the layout is read."""

    id: str
    title: str
    date: DateValue
    url: str | None
    citation: str | None
    summary: str | None = None
    credits: str | None = None
    original_language: str | None = None
    contents: str | None = None
    rendering: _Rendering = field(default_factory=_Rendering)
    values: dict[str, object] = field(default_factory=dict)
    #: `persName/@corresp` of each tagged name the layout marks, and the volume they belong to.
    tags: list[str] = field(default_factory=list)
    volume: str | None = None


def _untag(text: str) -> str:
    return _TAG.sub("", text)


def _tag_spans(text: str) -> tuple[str, list[tuple[int, int, int]]]:
    """`text` without its tag marks, and (tag number, start, end) of each tagged name in it."""
    clean: list[str] = []
    length = 0
    open_tags: list[tuple[int, int]] = []
    spans: list[tuple[int, int, int]] = []
    position = 0
    for match in _TAG.finditer(text):
        piece = text[position:match.start()]
        clean.append(piece)
        length += len(piece)
        position = match.end()
        if match.group() == _TAG_CLOSE:
            if open_tags:
                number, start = open_tags.pop()
                spans.append((number, start, length))
        else:
            open_tags.append((int(match.group()[1:-1]), length))
    clean.append(text[position:])
    return "".join(clean), sorted(spans, key=lambda s: (s[1], s[2]))


def _layout(record: _Record) -> str:
    """The record in the plain layout of a text export."""
    parts = [record.date.original or "", record.title]
    if record.citation:
        parts += ["Citation:", record.citation]
    if record.summary:
        parts += ["Summary:", record.summary]
    if record.credits:
        parts += ["Credits:", record.credits]
    if record.original_language:
        parts += ["Original Language:", record.original_language]
    parts += ["Contents:", record.contents or "Transcript - English"]
    parts += record.rendering.paragraphs or ["[No text.]"]
    text = "\n\n".join(p for p in parts if p) + "\n"
    if record.rendering.notes:
        text += "\n" + "".join(f"[{n}] {t}\n" for n, t in record.rendering.notes)
    return text


def _volume(root: etree._Element, path: str) -> tuple[str, str | None]:
    """(volume id, volume title without the series name) of a FRUS file."""
    volume = root.get(f"{{{XML}}}id") if _local(root) == "TEI" else None
    if not volume:
        idno = _first(root, "//t:publicationStmt/t:idno[@type='frus']")
        volume = _text(idno)
    if not volume:
        volume = re.sub(r"\.[^.]*$", "", Path(path).name)
    title = _text(_first(root, "//t:titleStmt/t:title[@type='complete']"))
    if title is None:
        pieces = [_text(_first(root, f"//t:titleStmt/t:title[@type='{kind}']")) for kind in ("sub-series", "volume-number", "volume")]
        title = ", ".join(p for p in pieces if p) or None
    if title and title.startswith(_FRUS_SERIES):
        title = title[len(_FRUS_SERIES):].lstrip(" ,")
    return volume, title


def _frus_record(div: etree._Element, volume: str, volume_title: str | None) -> _Record:
    tags: list[str] = []
    renderer = _Renderer(own=False, tags=tags)
    number = div.get("n") or ""
    identifier = div.get(f"{{{XML}}}id") or f"d{number}"
    head = _first(div, "t:head")
    title = ""
    source_note = None
    values: dict[str, object] = {}
    if head is not None:
        note = _first(head, "t:note[@type='source']")
        source_note = _Renderer.clean(renderer.inline(note)) if note is not None else None
        renderer.notes.clear()
        title = _Renderer.clean(renderer.inline(head)).replace("\n", " ")
        renderer.notes.clear()
        title = re.sub(rf"^((?:{_TAG_OPEN}\d+{_TAG_MID})*)\d+[A-Za-z]?\.\s+", r"\1", title)
        for role in ("from", "to"):
            marked = [_text(e) for e in head.xpath(f".//*[@type='{role}']")]
            marked = [m for m in marked if m]
            if marked:
                values.setdefault("fields", {})[role] = "; ".join(marked)
    dateline = _first(div, "t:opener/t:dateline | t:dateline | t:p/t:dateline")
    when = None
    place = None
    dateline_text = None
    if dateline is not None:
        dateline_text = _Renderer.clean(_Renderer(own=False).inline(dateline)).replace("\n", " ")
        place = _text(_first(dateline, ".//t:placeName"))
        date = _first(dateline, ".//t:date")
        if date is not None:
            when = date.get("when")
    edtf: str | None = None
    datetime: str | None = None
    if when:
        edtf = when[:10]
        if len(when) > 10:
            datetime = when
    else:
        low = div.get(f"{{{FRUS}}}doc-dateTime-min")
        high = div.get(f"{{{FRUS}}}doc-dateTime-max")
        if low and high:
            edtf = low[:10] if low[:10] == high[:10] else f"{low[:10]}/{high[:10]}"
    original = _display(edtf) if edtf and len(edtf) == 10 else None
    url = FRUS_URL.format(volume=volume, document=identifier)
    publication = f"{_FRUS_SERIES}, {volume_title}, Document {number}" if volume_title else f"{_FRUS_SERIES}, Document {number}"
    # A document dated by a range only (an editorial note) has no date to print here.
    citation = f'"{title}", {original}, {publication}.' if original else f'"{title}", {publication}.'
    if source_note:
        citation += f" {source_note}" + ("" if source_note.endswith(".") else ".")
    citation += f" {url}"
    # The summary is printed before the body, so its notes are numbered into the list first.
    subjects = [renderer.clean(renderer.inline(item)) for item in div.xpath("t:list[@type='subject']/t:item", namespaces=NS)]
    summary = "; ".join(s for s in subjects if s) or None
    rendering = _Rendering()
    renderer.blocks(div, rendering, skip_head=True)
    rendering.notes = renderer.notes
    values.update(place=place, dateline=dateline_text, datetime=datetime, source_note=_untag(source_note) if source_note else None)
    signed = _first(div, ".//t:closer/t:signed")
    if signed is not None:
        name = _first(signed, ".//t:persName")
        values["signer"] = _text(name if name is not None else signed)
    return _Record(
        id=f"{volume}-{identifier}",
        title=title,
        tags=tags,
        volume=volume,
        date=_date_value(edtf, original),
        url=url,
        citation=citation,
        summary=summary,
        original_language="English",
        contents="Transcript - English",
        rendering=rendering,
        values=values,
    )


def _own_record(root: etree._Element, div: etree._Element) -> _Record:
    """A record archivist exported: the header says everything, the body is read back."""
    renderer = _Renderer(own=True)
    header = _first(root, "t:teiHeader")
    title = _text(_first(header, "t:fileDesc/t:titleStmt/t:title")) or ""
    identifier = _text(_first(header, "t:fileDesc/t:publicationStmt/t:idno[@type='archivist']")) or div.get("n") or "record"
    url = _text(_first(header, "t:fileDesc/t:publicationStmt/t:idno[@type='URI']"))
    creation = _first(header, "t:profileDesc/t:creation")
    values: dict[str, object] = {}
    date = DateValue()
    if creation is not None:
        for element in creation.xpath("t:date", namespaces=NS):
            kind = element.get("type")
            text = _text(element)
            if kind == "datetime":
                values["datetime"] = text
            elif kind == "event":
                values["event_date"] = _date_value(_edtf_of(element), text)
            else:
                date = _date_value(_edtf_of(element), text)
        time = _first(creation, "t:time")
        if time is not None:
            values["time"] = _text(time)
        values["place"] = _text(_first(creation, "t:placeName"))
    title_stmt = _first(header, "t:fileDesc/t:titleStmt")
    values["signer"] = _text(_first(title_stmt, "t:author"))
    for resp, key in (("Translated by", "translators"), ("Drafted by", "drafter"), ("Contributed by", "contributors")):
        names = [_text(e) for e in title_stmt.xpath(f"t:respStmt[t:resp='{resp}']/t:persName", namespaces=NS)]
        names = [n for n in names if n]
        values[key] = names[0] if key == "drafter" and names else (names or ([] if key != "drafter" else None))
    notes = {n.get("type"): _text(n) for n in header.xpath("t:fileDesc/t:notesStmt/t:note[@type!='field']", namespaces=NS)}
    values["fields"] = {
        n.get("n"): _text(n) or "" for n in header.xpath("t:fileDesc/t:notesStmt/t:note[@type='field']", namespaces=NS)
    }
    citation = _text(_first(header, "t:fileDesc/t:sourceDesc/t:bibl[@type='citation']"))
    original_language = _text(_first(header, ".//t:msDesc/t:msContents/t:textLang"))
    # Schemes point at taxonomies named `<record id>-<scheme>`.
    keywords: dict[str, str | None] = {}
    for element in header.xpath("t:profileDesc/t:textClass/t:keywords", namespaces=NS):
        scheme = element.get("scheme", "")
        for name in ("document-type", "contents-type", "classification"):
            if scheme.endswith(name):
                keywords[name] = _text(_first(element, "t:term"))
    values["document_type"] = keywords.get("document-type")
    values["classification"] = keywords.get("classification")
    languages = [_text(e) for e in header.xpath("t:profileDesc/t:langUsage/t:language", namespaces=NS)]
    contents_language = languages[0] if languages else None
    contents_type = keywords.get("contents-type")
    contents = f"{contents_type} - {contents_language}" if contents_type and contents_language else None
    values["participants"] = [
        Participant(
            name=_text(_first(p, "t:persName[not(@type)]")) or "",
            side=_text(_first(p, "t:affiliation")),
            aliases=[_text(a) or "" for a in p.xpath("t:persName[@type='alias']", namespaces=NS)],
            authority_id=_text(_first(p, "t:idno[@type='authority']")),
        )
        for p in header.xpath("t:profileDesc/t:particDesc/t:listPerson[@type='participants']/t:person", namespaces=NS)
    ]
    dateline = _first(div, "t:opener/t:dateline")
    if dateline is not None:
        values["dateline"] = _Renderer.clean(_Renderer(own=True).inline(dateline)).replace("\n", " ")
    rendering = _Rendering()
    renderer.blocks(div, rendering, skip_head=True)
    for back in root.xpath("t:text/t:back/t:div[@type='notes']", namespaces=NS):
        renderer.blocks(back, _Rendering())
    rendering.notes = renderer.notes
    # The export numbers its notes `...-fn<k>` in the record's own order; a note whose marker
    # stood in the header (a summary's) is written at the back, so the order comes from there.
    order = [re.search(r"-fn(\d+)$", i) for i in renderer.note_ids]
    if all(order) and len(order) == len(rendering.notes):
        rendering.notes = [n for _, n in sorted(zip((int(m.group(1)) for m in order), rendering.notes))]
    return _Record(
        id=identifier,
        title=title,
        date=date,
        url=url,
        citation=citation,
        summary=notes.get("summary"),
        credits=notes.get("credits"),
        original_language=original_language,
        contents=contents,
        rendering=rendering,
        values=values,
    )


def _edtf_of(element: etree._Element) -> str | None:
    when = element.get("when")
    if when:
        return when
    low, high = element.get("from"), element.get("to")
    if low and high:
        return f"{low}/{high}"
    # notBefore/notAfter stand for an uncertain or approximate date: the printed form says
    # which, and the pipeline reads it again from there.
    return None


# -- the reader ------------------------------------------------------------------------------


def _parse(data: bytes, path: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(path, f"not well-formed XML: {exc}") from None


def _is_own(root: etree._Element) -> bool:
    from archivist.export.tei import APPLICATION

    return bool(root.xpath(f"//t:encodingDesc/t:appInfo/t:application[@ident='{APPLICATION}']", namespaces=NS))


def _tagged_people(text: str, spans: list[tuple[int, int, int]], record: _Record) -> list[Annotation]:
    """A `tagged_person` annotation over each name the volume's editors tagged
    (`persName/@corresp`): the value is the person's authority id when the authority knows the
    volume's person, else the volume's own `<volume>#<person>`."""
    if not spans:
        return []
    from archivist.authority import default_authority

    by_frus_id = default_authority().by_frus_id
    found = []
    for number, start, end in spans:
        corresp = record.tags[number]
        frus_id = f"{record.volume}{corresp}" if corresp.startswith("#") else corresp
        found.append(Annotation("tagged_person", start, end, text[start:end], by_frus_id.get(frus_id, frus_id)))
    return found


class TEIReader:
    name = "tei"

    def detect(self, text: str) -> float:
        head = text[:20000]
        if TEI not in head:
            return 0.0
        if re.search(r"<(?:[\w-]+:)?(?:TEI|teiCorpus)\b", head) or 'type="document"' in head:
            return 0.95
        return 0.6

    def read(self, text: str, source: Source) -> Document:
        documents = self.read_all(text, source)
        return documents[0]

    def read_all(self, text: str, source: Source) -> list[Document]:
        """Every `div[@type='document']` of the file, in order, as records."""
        path = source.path
        root = _parse(source.original or text.encode("utf-8"), path)
        if _local(root) == "teiCorpus":
            members = root.xpath("t:TEI", namespaces=NS)
        else:
            members = [root]
        records: list[_Record] = []
        for member in members:
            own = _is_own(member)
            volume, volume_title = _volume(member, path) if not own else ("", None)
            for div in member.xpath(".//t:div[@type='document'][not(ancestor::t:div[@type='document'])]", namespaces=NS):
                records.append(_own_record(member, div) if own else _frus_record(div, volume, volume_title))
        if not records:
            raise SourceError(path, "a TEI file with no div[@type='document'] in it: no record to read")
        return [self._document(record, source) for record in records]

    def _document(self, record: _Record, source: Source) -> Document:
        text, spans = _tag_spans(_layout(record))
        document = read_layout(text, replace(source), lines_of(text))
        document.id = record.id
        document.title = _untag(record.title)
        document.annotations += _tagged_people(text, spans, record)
        document.url = record.url or document.url
        document.date = record.date
        values = dict(record.values)
        fields = values.pop("fields", None) or {}
        document.fields.update(fields)
        source_note = values.pop("source_note", None)
        participants = values.pop("participants", None)
        if participants:
            document.participants = participants
        for name, value in values.items():
            if value is not None and value != []:
                setattr(document, name, value)
        if source_note:
            from archivist.header import classification_of, drafter_of

            document.classification = document.classification or classification_of(source_note, [])
            document.drafter = document.drafter or drafter_of(source_note)
        return document
