"""TEI P5: every record as one TEI file, valid against TEI-all.

The header holds the record's metadata: `titleStmt` (title, the signer as `author`,
translators, drafter and other contributors as `respStmt`), `publicationStmt` (the digital
archive, the record's id and URL as `idno`), `notesStmt` (summary, credits, other labelled
fields), `sourceDesc` (the citation as printed in `bibl`, and `msDesc` with `msIdentifier`:
repository, collection and series, file and pages as `idno`; the original's language as
`textLang`), `encodingDesc` (this application, and the taxonomies of the keywords),
`profileDesc` (`creation` with the dates and place, `langUsage`, `textClass` keywords for the
document type, contents type and classification, `particDesc` listing the participants and
every person the text links to the authority).

The body is one `div type="document"`: the title as `head`, a leading dateline as
`opener/dateline`, paragraphs as `p`, speaker turns as `sp who="#..."` with their `speaker`
label, stage directions as `stage`, headings, stamps and meta lines as `ab` typed by kind, a
final signature block as `closer/signed`, a final distribution list as `postscript`. Inline,
the record's stand-off annotations become elements: a footnote `note` where its marker stands,
`choice/sic/corr` for "[sic]", `supplied` for the translator's insertions, name completions and
transliterations (whose brackets TEI readers print again), `choice/orig/reg` for OCR repairs,
`persName ref="#..."` for linked person mentions, `placeName`, `orgName`, and
`date when|from|to|notBefore|notAfter` for date mentions. Spans that cross one another cannot
both be elements; the outer one is kept.

`archivist.sources.tei` reads these files back (and FRUS's own TEI).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import metadata

from lxml import etree

from archivist.document import Annotation, Block, Document
from archivist.export.reference import Reference, language_code

__all__ = ["APPLICATION", "TEI", "XML", "element", "media_type", "person_ids", "render", "suffix", "xml_id", "xml_text"]

media_type = "application/tei+xml"
suffix = ".xml"

TEI = "http://www.tei-c.org/ns/1.0"
XML = "http://www.w3.org/XML/1998/namespace"
#: The `application/@ident` that marks a file as written by archivist.
APPLICATION = "archivist"

#: Keyword schemes of `textClass`, each a taxonomy declared in `classDecl`.
TAXONOMIES = {
    "document-type": "The kind of document (memorandum, telegram, letter ...)",
    "contents-type": "What the text is: a translation, a transcript ...",
    "classification": "The security classification printed on the document",
}

_PLAIN_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
#: Characters XML 1.0 cannot hold (a form feed from a scanned page, a stray control byte).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` with what XML cannot hold read as a space: the record's text never changes, its
    TEI copy drops only what no XML file can carry."""
    return _NOT_XML.sub(" ", text)


def _t(name: str) -> str:
    return f"{{{TEI}}}{name}"


def _sub(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    child = etree.SubElement(parent, _t(name))
    for key, value in attributes.items():
        child.set(f"{{{XML}}}{key[4:]}" if key.startswith("xml_") else key, xml_text(value))
    if text is not None:
        child.text = xml_text(text)
    return child


def xml_id(value: str) -> str:
    """`value` as an XML name (`xml:id` must not start with a digit or hold a colon)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", value).strip("-") or "x"
    return name if re.match(r"[A-Za-z_]", name) else f"r-{name}"


def _clean(text: str) -> str:
    return " ".join(text.split())


# -- people --------------------------------------------------------------------------------


def person_ids(document: Document) -> dict[str, str]:
    """`xml:id` of each person the file lists, keyed by authority id, or by name for a
    participant the authority does not know. Every id starts with the record's, so files
    gathered in one teiCorpus keep their ids apart."""
    ids: dict[str, str] = {}
    used: set[str] = set()

    def claim(key: str, basis: str) -> None:
        if key in ids:
            return
        name = xml_id(f"{document.id}-person-{basis}")
        candidate, n = name, 2
        while candidate in used:
            candidate, n = f"{name}-{n}", n + 1
        used.add(candidate)
        ids[key] = candidate

    for participant in document.participants:
        key = participant.authority_id or f"name:{participant.name}"
        claim(key, participant.authority_id or participant.name)
    for mention in document.mentions:
        if mention.kind == "person" and mention.authority_id:
            claim(mention.authority_id, mention.authority_id)
    return ids


def _speaker_id(document: Document, speaker: str, ids: dict[str, str]) -> str | None:
    for participant in document.participants:
        if speaker == participant.name or speaker in participant.aliases:
            return ids.get(participant.authority_id or f"name:{participant.name}")
    return None


# -- inline spans ----------------------------------------------------------------------------


@dataclass
class _Span:
    start: int
    end: int
    kind: str
    annotation: Annotation | None = None
    value: str | None = None
    children: list[_Span] = field(default_factory=list)


#: Which span wins a tie on the same characters: the lower number goes outside.
_RANK = {"person": 0, "place": 0, "org": 0, "date": 1, "sic": 2, "ocr": 2, "supplied": 3, "footnote_ref": 4}
_SUPPLIED = {"insertion": "insertion", "name_completion": "name-completion", "transliteration": "transliteration"}
#: Spans inside which nothing else is written: a note's text is its footnote, not the marker.
_LEAVES = {"footnote_ref"}


def _spans(document: Document, start: int, end: int) -> list[_Span]:
    found: list[_Span] = []
    for annotation in document.annotations:
        if not (start <= annotation.start < annotation.end <= end):
            continue
        kind = annotation.kind
        if kind in _SUPPLIED:
            found.append(_Span(annotation.start, annotation.end, "supplied", annotation, _SUPPLIED[kind]))
        elif kind in ("sic", "ocr", "date", "footnote_ref"):
            found.append(_Span(annotation.start, annotation.end, kind, annotation, annotation.value))
    for mention in document.mentions:
        if start <= mention.start < mention.end <= end and mention.kind in ("person", "place", "org"):
            found.append(_Span(mention.start, mention.end, mention.kind, None, mention.authority_id))
    return found


def _nest(spans: list[_Span]) -> list[_Span]:
    """A forest of spans that nest; a span crossing an open one, or inside a leaf, is dropped."""
    roots: list[_Span] = []
    stack: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, _RANK.get(s.kind, 9))):
        while stack and span.start >= stack[-1].end:
            stack.pop()
        if stack and (span.end > stack[-1].end or stack[-1].kind in _LEAVES):
            continue
        (stack[-1].children if stack else roots).append(span)
        stack.append(span)
    return roots


def _edtf_attributes(value: str, earliest: str | None = None, latest: str | None = None) -> dict[str, str]:
    """TEI dating attributes for an EDTF value: `when` for a plain date, `from`/`to` for a
    range of plain dates, `notBefore`/`notAfter` for an uncertain or approximate one."""
    if _PLAIN_DATE.match(value):
        return {"when": value}
    if "/" in value:
        first, _, last = value.partition("/")
        if _PLAIN_DATE.match(first) and _PLAIN_DATE.match(last):
            return {"from": first, "to": last}
    if earliest is None:
        from archivist.dates import bounds

        earliest, latest = bounds(value)
    attributes = {}
    if earliest:
        attributes["notBefore"] = earliest
    if latest:
        attributes["notAfter"] = latest
    return attributes


class _Writer:
    """Writes one record's text into elements, keeping track of the notes already placed."""

    def __init__(self, document: Document, ids: dict[str, str]):
        self.document = document
        self.ids = ids
        self.placed: set[int] = set()
        self.note_ids: dict[int, str] = {}
        self.prefix = xml_id(document.id)
        self.markdown = document.source.format.endswith("markdown")
        self.by_marker = {
            (f.ref_start, f.ref_end): index for index, f in enumerate(document.footnotes) if f.ref_start is not None
        }

    # Text goes into an element's .text or its last child's .tail, as lxml wants it.
    @staticmethod
    def _append(parent: etree._Element, text: str) -> None:
        if not text:
            return
        text = xml_text(text)
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    def text(self, parent: etree._Element, start: int, end: int) -> None:
        """Plain text of the record, a line break as `lb`, a blank line (a page break the
        structure stage joined across) as `pb`; Markdown marks at a line's start are not text."""
        chunk = self.document.text[start:end]
        position = 0
        for match in re.finditer(r"[ \t]*\n\s*", chunk):
            self._append(parent, chunk[position:match.start()])
            if match.group().count("\n") > 1:
                self._append(parent, " ")
                _sub(parent, "pb")
            else:
                _sub(parent, "lb")
            position = match.end()
            if self.markdown:
                marks = _LINE_MARKS.match(chunk, position)
                position = marks.end() if marks else position
        self._append(parent, chunk[position:])

    def inline(self, parent: etree._Element, start: int, end: int) -> None:
        """`text[start:end]` with its annotations and mentions as elements."""
        self._write(parent, start, end, _nest(_spans(self.document, start, end)))

    def _write(self, parent: etree._Element, start: int, end: int, spans: list[_Span]) -> None:
        position = start
        for span in spans:
            self.text(parent, position, span.start)
            self._span(parent, span)
            position = span.end
        self.text(parent, position, end)

    def _span(self, parent: etree._Element, span: _Span) -> None:
        kind = span.kind
        if kind == "footnote_ref":
            self._note(parent, span)
        elif kind == "sic":
            if span.value:
                choice = _sub(parent, "choice")
                self._write(_sub(choice, "sic"), span.start, span.end, span.children)
                _sub(choice, "corr", span.value)
            else:
                self._write(_sub(parent, "sic"), span.start, span.end, span.children)
        elif kind == "ocr":
            choice = _sub(parent, "choice")
            self._write(_sub(choice, "orig"), span.start, span.end, span.children)
            _sub(choice, "reg", span.value or "")
        elif kind == "supplied":
            supplied = _sub(parent, "supplied", reason=span.value or "insertion")
            inner = [c for c in span.children if span.start < c.start and c.end < span.end]
            target = _sub(supplied, "foreign") if span.value == "transliteration" else supplied
            self._write(target, span.start + 1, span.end - 1, inner)
        elif kind == "date":
            attributes = _edtf_attributes(span.value) if span.value else {}
            self._write(_sub(parent, "date", **attributes), span.start, span.end, span.children)
        elif kind == "person":
            attributes = {"ref": f"#{self.ids[span.value]}"} if span.value in self.ids else {}
            self._write(_sub(parent, "persName", **attributes), span.start, span.end, span.children)
        elif kind in ("place", "org"):
            self._write(_sub(parent, f"{kind}Name"), span.start, span.end, span.children)

    def _note(self, parent: etree._Element, span: _Span) -> None:
        index = self.by_marker.get((span.start, span.end))
        number = span.value or ""
        if index is None or index in self.placed:
            target = next((self.note_ids[i] for i, f in enumerate(self.document.footnotes) if f.number == number and i in self.note_ids), None)
            ref = _sub(parent, "ref", **({"target": f"#{target}"} if target else {}))
            self.text(ref, span.start, span.end)
            return
        self.placed.add(index)
        note = self.footnote(parent, index)
        self.note_ids[index] = note.get(f"{{{XML}}}id")

    def footnote(self, parent: etree._Element, index: int) -> etree._Element:
        footnote = self.document.footnotes[index]
        identifier = f"{self.prefix}-fn{index + 1}"
        note = _sub(parent, "note", n=footnote.number, place="foot", xml_id=identifier)
        note.text = xml_text(_clean(footnote.text))
        return note


# -- blocks ----------------------------------------------------------------------------------

_LINE_MARKS = re.compile(r"#{1,6}[ \t]+|\*\*(?=\S)")
_BULLET = re.compile(r"^[*+-][ \t]+")


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Each line's content in `text[start:end]`, without a list bullet or Markdown marks."""
    found = []
    position = start
    for raw in text[start:end].split("\n"):
        line_start, line_end = _content(text, position, position + len(raw))
        bullet = _BULLET.match(text[line_start:line_end])
        if bullet:
            line_start += bullet.end()
        if line_start < line_end:
            found.append((line_start, line_end))
        position += len(raw) + 1
    return found


_MARKUP_START = re.compile(r"(?:#{1,6}[ \t]+|[*+-][ \t]+)?(?:\*\*|__)?")
_MARKUP_END = re.compile(r"(?:\*\*|__)?$")
_NOTES_HEADING = re.compile(r"^(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:foot|end)?notes?\s*:?\s*(?:\*\*|__)?\s*:?$", re.IGNORECASE)
_LABEL = re.compile(r"^(?P<label>[^:\n]{1,100}?:)\s+")
_TAIL = {"signature", "closer", "distribution"}


def _content(text: str, start: int, end: int) -> tuple[int, int]:
    """A block's bounds without its Markdown marks (`#`, a bullet, whole-block bold)."""
    head = _MARKUP_START.match(text, start, end)
    if head:
        start = head.end()
    tail = _MARKUP_END.search(text[start:end])
    if tail and tail.start() < end - start and text[start - 2:start] in ("**", "__"):
        end = start + tail.start()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _body_blocks(document: Document) -> list[Block]:
    """The blocks of the body proper: not the notes at the end, nor their heading."""
    start = document.body_start or 0
    blocks = [b for b in document.blocks if b.start >= start]
    first_note = next((i for i, b in enumerate(blocks) if b.kind == "footnote"), len(blocks))
    body = blocks[:first_note]
    while body and body[-1].kind == "heading" and _NOTES_HEADING.match(document.text[body[-1].start:body[-1].end].strip()):
        body.pop()
    return [b for b in body if b.kind != "footnote"]


def _body(document: Document, div: etree._Element, writer: _Writer, ids: dict[str, str]) -> None:
    text = document.text
    blocks = _body_blocks(document)
    tail_from = len(blocks)
    while tail_from > 0 and blocks[tail_from - 1].kind in _TAIL:
        tail_from -= 1
    if tail_from < len(blocks) and not any(b.kind == "signature" for b in blocks[tail_from:]):
        tail_from = len(blocks)
    opening = True  # nothing but the head so far: an opener may still come
    turn: tuple[str | None, etree._Element] | None = None
    for block in blocks[:tail_from]:
        start, end = _content(text, block.start, block.end)
        if start >= end:
            continue
        kind = block.kind
        content = text[start:end]
        if kind == "header" and opening and document.dateline and _clean(content) == _clean(document.dateline):
            dateline = _sub(_sub(div, "opener"), "dateline")
            place = document.place
            if place and content.startswith(place):
                writer.inline(_sub(dateline, "placeName"), start, start + len(place))
                writer.inline(dateline, start + len(place), end)
            else:
                writer.inline(dateline, start, end)
            continue
        opening = False
        if kind == "turn":
            who = _speaker_id(document, block.speaker, ids) if block.speaker else None
            sp = _sub(div, "sp", **({"who": f"#{who}"} if who else {}))
            label = _LABEL.match(content)
            if label:
                writer.inline(_sub(sp, "speaker"), start, start + len(label.group("label")))
                start += label.end()
            writer.inline(_sub(sp, "p"), start, end)
            turn = (block.speaker, sp)
            continue
        if kind == "paragraph" and block.speaker and turn is not None and turn[0] == block.speaker:
            writer.inline(_sub(turn[1], "p"), start, end)
            continue
        turn = None
        if kind == "stage":
            writer.inline(_sub(div, "stage"), start, end)
        elif kind in ("paragraph", "reported", "editorial"):
            writer.inline(_sub(div, "p"), start, end)
        else:
            writer.inline(_sub(div, "ab", type=kind), start, end)
    closer: etree._Element | None = None
    for block in blocks[tail_from:]:
        start, end = _content(text, block.start, block.end)
        if start >= end:
            continue
        if block.kind == "distribution":
            closer = None
            listed = _sub(_sub(div, "postscript"), "list", type="distribution")
            for line_start, line_end in _lines(text, start, end):
                writer.inline(_sub(listed, "item"), line_start, line_end)
            continue
        if closer is None:
            closer = _sub(div, "closer")
        elif len(closer) or closer.text:
            _sub(closer, "lb")
        target = _sub(closer, "signed") if block.kind == "signature" else closer
        writer.inline(target, start, end)


# -- the header ------------------------------------------------------------------------------


def _version() -> str:
    try:
        return metadata.version("archivist")
    except metadata.PackageNotFoundError:
        return "0"


def _header(document: Document, ids: dict[str, str]) -> etree._Element:
    reference = Reference.of(document)
    header = etree.Element(_t("teiHeader"))
    file_desc = _sub(header, "fileDesc")
    title_stmt = _sub(file_desc, "titleStmt")
    _sub(title_stmt, "title", reference.title)
    if document.signer:
        _sub(title_stmt, "author", _clean(document.signer))
    for resp, names in (
        ("Translated by", document.translators),
        ("Drafted by", [document.drafter] if document.drafter else []),
        ("Contributed by", document.contributors),
    ):
        for name in names:
            stmt = _sub(title_stmt, "respStmt")
            _sub(stmt, "resp", resp)
            _sub(stmt, "persName", name)

    publication = _sub(file_desc, "publicationStmt")
    if reference.digital_archive:
        _sub(publication, "publisher", reference.digital_archive)
    else:
        _sub(publication, "authority", APPLICATION)
    _sub(publication, "idno", document.id, type=APPLICATION)
    if document.url:
        _sub(publication, "idno", document.url, type="URI")

    notes = [("summary", document.summary), ("credits", document.credits)]
    notes += [(f"field:{key}", value) for key, value in document.fields.items()]
    notes = [(kind, value) for kind, value in notes if value]
    if notes:
        notes_stmt = _sub(file_desc, "notesStmt")
        for kind, value in notes:
            if kind.startswith("field:"):
                _sub(notes_stmt, "note", value, type="field", n=kind[6:])
            else:
                _sub(notes_stmt, "note", value, type=kind)

    source_desc = _sub(file_desc, "sourceDesc")
    if document.citation:
        _sub(source_desc, "bibl", _clean(document.citation), type="citation")
    provenance = document.provenance
    if provenance.repository or provenance.raw or document.original_language:
        ms = _sub(source_desc, "msDesc")
        identifier = _sub(ms, "msIdentifier")
        if provenance.repository:
            _sub(identifier, "repository", provenance.repository)
            for kind in ("collection", "series"):
                value = getattr(provenance, kind)
                if value:
                    _sub(identifier, "collection", value, type=kind)
            for kind in ("file", "pages"):
                value = getattr(provenance, kind)
                if value:
                    _sub(identifier, "idno", value, type=kind)
        if provenance.raw:
            _sub(_sub(identifier, "altIdentifier", type="reference"), "idno", provenance.raw, type="reference")
        if not len(identifier):
            _sub(identifier, "msName", reference.title)
        if document.original_language:
            contents = _sub(ms, "msContents")
            code = language_code(document.original_language) or "und"
            _sub(contents, "textLang", document.original_language, mainLang=code)
    if not len(source_desc):
        _sub(source_desc, "p", f"Read from {document.source.path} ({document.source.format}).")

    encoding = _sub(header, "encodingDesc")
    application = _sub(_sub(encoding, "appInfo"), "application", ident=APPLICATION, version=_version())
    _sub(application, "label", APPLICATION)
    class_decl = _sub(encoding, "classDecl")
    prefix = xml_id(document.id)
    for name, description in TAXONOMIES.items():
        _sub(_sub(class_decl, "taxonomy", xml_id=f"{prefix}-{name}"), "bibl", description)

    profile = _sub(header, "profileDesc")
    creation = _sub(profile, "creation")
    _dates(document, creation)
    if document.place:
        _sub(creation, "placeName", document.place)
    if document.contents_language or document.original_language:
        usage = _sub(profile, "langUsage")
        for language in dict.fromkeys(l for l in (document.contents_language, document.original_language) if l):
            _sub(usage, "language", language, ident=language_code(language) or "und")
    keywords = [
        ("document-type", document.document_type),
        ("contents-type", document.contents_type),
        ("classification", document.classification),
    ]
    keywords = [(scheme, value) for scheme, value in keywords if value]
    if keywords:
        text_class = _sub(profile, "textClass")
        for scheme, value in keywords:
            _sub(_sub(text_class, "keywords", scheme=f"#{prefix}-{scheme}"), "term", value)
    _people(document, profile, ids)
    return header


def _dates(document: Document, creation: etree._Element) -> None:
    date = document.date
    if date.edtf or date.original:
        attributes = _edtf_attributes(date.edtf, date.earliest, date.latest) if date.edtf else {}
        _sub(creation, "date", date.original or date.edtf, **attributes)
    event = document.event_date
    if event.edtf:
        _sub(creation, "date", event.original or event.edtf, type="event", **_edtf_attributes(event.edtf, event.earliest, event.latest))
    if document.datetime:
        first, _, last = document.datetime.partition("/")
        attributes = {"from": _seconds(first), "to": _seconds(last)} if last else {"when": _seconds(first)}
        _sub(creation, "date", document.datetime, type="datetime", **attributes)
    if document.time:
        first, _, last = document.time.partition("/")
        attributes = {"from": f"{first}:00", "to": f"{last}:00"} if last else {"when": f"{first}:00"}
        _sub(creation, "time", document.time, **attributes)


def _seconds(value: str) -> str:
    """An ISO date-time with seconds, as xs:dateTime wants: `1956-09-18T18:00` -> `...T18:00:00`."""
    return re.sub(r"(T\d{2}:\d{2})(?=$|[+-]|Z)", r"\1:00", value)


def _people(document: Document, profile: etree._Element, ids: dict[str, str]) -> None:
    if not ids:
        return
    partic = _sub(profile, "particDesc")
    if document.participants:
        listed = _sub(partic, "listPerson", type="participants")
        for participant in document.participants:
            key = participant.authority_id or f"name:{participant.name}"
            person = _sub(listed, "person", xml_id=ids[key])
            _sub(person, "persName", participant.name)
            for alias in participant.aliases:
                _sub(person, "persName", alias, type="alias")
            if participant.side:
                _sub(person, "affiliation", participant.side)
            if participant.authority_id:
                _sub(person, "idno", participant.authority_id, type="authority")
    participants = {p.authority_id for p in document.participants if p.authority_id}
    mentioned: dict[str, str] = {}
    for mention in document.mentions:
        if mention.kind == "person" and mention.authority_id and mention.authority_id not in participants:
            mentioned.setdefault(mention.authority_id, mention.canonical or mention.text)
    if mentioned:
        listed = _sub(partic, "listPerson", type="mentioned")
        for authority_id, name in mentioned.items():
            person = _sub(listed, "person", xml_id=ids[authority_id])
            _sub(person, "persName", name)
            _sub(person, "idno", authority_id, type="authority")


# -- the file --------------------------------------------------------------------------------


def element(document: Document) -> etree._Element:
    """The `<TEI>` element of `document`."""
    ids = person_ids(document)
    root = etree.Element(_t("TEI"), nsmap={None: TEI})
    root.set(f"{{{XML}}}id", xml_id(document.id))
    root.append(_header(document, ids))
    text = _sub(root, "text")
    code = language_code(document.contents_language)
    if code:
        text.set(f"{{{XML}}}lang", code)
    body = _sub(text, "body")
    div = _sub(body, "div", type="document", n=document.id)
    writer = _Writer(document, ids)
    head = _sub(div, "head")
    head.text = xml_text(Reference.of(document).title)
    _body(document, div, writer, ids)
    if len(div) == 1:
        _sub(div, "p")
    unplaced = [i for i in range(len(document.footnotes)) if i not in writer.placed]
    if unplaced:
        notes = _sub(_sub(text, "back"), "div", type="notes")
        for index in unplaced:
            writer.footnote(notes, index)
    return root


def render(document: Document) -> bytes:
    """The TEI file of `document`, UTF-8 with an XML declaration."""
    return etree.tostring(element(document), xml_declaration=True, encoding="UTF-8", pretty_print=True)
