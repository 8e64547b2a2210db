"""The source's own citation string, read into its parts, and the archival reference parsed.

Wilson citations read `"Title", Date, Wilson Center Digital Archive, <reference>. Translated
for NKIDP by Gary Goldberg. <URL>`; FRUS ones `"Title", Date, Foreign Relations of the United
States, 1955–1957, Korea, Volume XXIII, Part 2, Document 2. Source: <source note>. <URL>`.
Older Wilson exports put the comma inside the quotes (`"Title,"`) and say "History and Public
Policy Program Digital Archive". Every part is optional.
"""

from __future__ import annotations

import re

from archivist.dates import find_date
from archivist.document import CitationParts, Document, Provenance
from archivist.pipeline import stage
from archivist.sources.sections import find_url

__all__ = ["parse_citation", "parse_reference", "split_names", "split_sentences"]

_OPEN_QUOTES = "\"“”„«'‘"
_CLOSE_QUOTES = "\"”“»'’"

# Digital archives that publish the exports (not where the originals are held).
_DIGITAL_ARCHIVES = re.compile(
    r"^(?:Wilson Center Digital Archive|History and Public Policy Program Digital Archive|"
    r"Cold War International History Project|Digital Archive|History Lab|"
    r"Foreign Relations of the United States|[\w .]{0,60}Digital Archive)\b",
    re.IGNORECASE,
)

# A period after these does not end a sentence: initials ("Robert J. G. McClurkin", "U.S."),
# and the abbreviations of archival references ("F. 0102", "Op. 13", "d. 131", "ll. 193").
_NOT_SENTENCE_END = re.compile(
    r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|St|Cde|Gen|Col|Lt|No|Nos|vol|Vol|pp|p|ff|ll|l|op|Op|f|d|Del|"
    r"Inc|Co|Ltd|ca|c|etc|e\.g|i\.e))$"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: a period followed by a space ends one unless it closes an abbreviation."""
    spans = []
    start = 0
    for match in re.finditer(r"\.(?=\s+\S)", text):
        if _NOT_SENTENCE_END.search(text[start:match.start()]):
            continue
        spans.append((start, match.end()))
        start = match.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def split_names(text: str) -> list[str]:
    """"Sergey Radchenko and Jeffrey Wang" -> two names; "A, B, and C" -> three."""
    text = re.sub(r"\s+", " ", text).strip().rstrip(".")
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", text)
    names = []
    for part in parts:
        part = part.strip()
        if not part or re.fullmatch(r"(?:Jr|Sr|II|III)\.?", part):
            if names and part:
                names[-1] = f"{names[-1]}, {part}"
            continue
        names.append(part)
    return names


_TRANSLATION = re.compile(
    r"^(?:(?:Obtained|Edited|Contributed)\s+and\s+)?(?:Translated|Translation)\b(?P<clause>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_CONTRIBUTION = re.compile(r"^(?:Obtained|Contributed|Provided|Edited)\s+(?:for\s+[\w .]+?\s+)?by\s+(?P<names>.+)$", re.IGNORECASE | re.DOTALL)


def _translators(clause: str) -> list[str]:
    """Names from the rest of a "Translated ..." clause: "for NKIDP by Gary Goldberg",
    "by Sergey Radchenko and Jeffrey Wang", "from Russian by X for CWIHP"."""
    match = re.search(r"\bby\s+(?P<names>.+)$", clause, re.DOTALL)
    if not match:
        return []
    names = match.group("names").strip().rstrip(".")
    names = re.split(r"\s+(?:for|from|with support|courtesy)\b", names, maxsplit=1)[0]
    return split_names(names)


def parse_citation(citation: str, *, title: str | None = None) -> tuple[CitationParts, list[str], list[str]]:
    """(parts, translators, contributors) of a citation string."""
    parts = CitationParts()
    text = citation.strip()
    url = find_url(text)
    if url:
        parts.url = url
        index = text.rfind(url)
        cut = index - 1 if index > 0 and text[index - 1] == "<" else index
        text = text[:cut].rstrip()
    rest = text
    if rest[:1] in _OPEN_QUOTES:
        quoted = _quoted_title(rest, title)
        if quoted is not None:
            parts.title, rest = quoted
    rest = rest.lstrip(" ,")
    date = find_date(rest, anchored=True)
    if date is not None:
        parts.date = rest[: date.end]
        rest = rest[date.end:].lstrip(" ,.")
    translators: list[str] = []
    contributors: list[str] = []
    sentences = [rest[a:b].strip() for a, b in split_sentences(rest)]
    reference: list[str] = []
    source_from: int | None = None
    for index, sentence in enumerate(sentences):
        if source_from is not None:
            break
        translation = _TRANSLATION.match(sentence)
        if translation:
            parts.translation = sentence
            translators.extend(_translators(translation.group("clause")))
            continue
        contribution = _CONTRIBUTION.match(sentence)
        if contribution:
            contributors.extend(split_names(contribution.group("names")))
            continue
        if sentence.startswith("Source:"):
            source_from = index
            break
        reference.append(sentence)
    if source_from is not None:
        # The export joins the note to the URL with ". ", even after a note that ends in a
        # closing parenthesis or quotation mark: that period is the joint, not the note's.
        note = " ".join(sentences[source_from:])
        parts.source_note = re.sub(r"(?<=[)”\"’\]])\.$", "", note)
    first = " ".join(reference).strip()
    if first:
        archive = _DIGITAL_ARCHIVES.match(first)
        if archive:
            parts.archive = archive.group().strip()
            remainder = first[archive.end():].lstrip(" ,")
            if parts.archive.lower().startswith("foreign relations"):
                parts.publication = remainder.rstrip(".") or None
            elif remainder:
                parts.reference = remainder.rstrip(".").strip() or None
        else:
            parts.reference = first.rstrip(".").strip()
    return parts, translators, contributors


def _quoted_title(text: str, title: str | None) -> tuple[str, str] | None:
    """Split `"Title", rest` (or the older `"Title," rest`), using the known title when the
    title itself holds quotation marks."""
    body = text[1:]
    if title and body.startswith(title):
        after = body[len(title):]
        if after[:1] in _CLOSE_QUOTES:
            return title, after[1:]
        if after[:2] in (f',{q}' for q in _CLOSE_QUOTES):
            return title, after[2:]
    match = re.match(r"(?P<title>.+?)(?:[" + _CLOSE_QUOTES + r"],|,[" + _CLOSE_QUOTES + r"])\s", body, re.DOTALL)
    if match:
        return match.group("title").strip(), body[match.end():]
    return None


_FOND = r"(?:f\.|F\.|fond|Fond|F(?=\s*\d))"
_OPIS = r"(?:op\.|Op\.|opis|Opis)"
_DELO = r"(?:d\.|D\.|delo|Delo|Del\.)"
_PAGES = r"(?:ll\.|l\.|listy|list|pp\.|p\.|pages|page|folios?|ff\.)"
_RUSSIAN_REFERENCE = re.compile(
    rf"(?:(?P<fond_label>{_FOND})\s*(?P<fond>[\w/-]+)[,.]?\s*)?"
    rf"(?:(?P<opis_label>{_OPIS})\s*(?P<opis>[\w/-]+)[,.]?\s*)?"
    r"(?:(?:p\.|papka|por\.)\s*[\w/-]+[,.]?\s*)?"  # a papka (folder) between opis and delo
    rf"(?:(?P<delo_label>{_DELO})\s*(?P<delo>[\w/-]+)[,.]?\s*)?"
    rf"(?:(?P<pages_label>{_PAGES})\s*(?P<pages>\d+(?:\s*(?:ob\.?|rev\.?))?(?:\s*[-–—,]\s*\d+(?:\s*(?:ob\.?|rev\.?))?)*))?"
    r"(?:[,;.]?\s+.*)?\.?$"  # "..., copy in Volkogonov Collection" stays in the raw string only
)
# "PRC FMA 109-01094-02, 1-10": an archive's abbreviation, a file number and pages
_NUMBERED_FILE = re.compile(r"^(?P<repository>[A-Z][A-Za-z .()]*?)\s+(?P<file>\d[\d.]*(?:-\d+){1,4})(?:,\s*(?P<pages>\d+(?:\s*[-–]\s*\d+)?))?$")
_SERIES = re.compile(r"\b(?:Series|Records|Papers|Subseries|Collection)\b", re.IGNORECASE)
_FILE_NUMBER = re.compile(r"\d[\w.]*[/–-][\w.–-]+|\b\d{3}\.\d+\w*\b")


def parse_reference(raw: str | None) -> Provenance:
    """Repository, collection (fond), series (opis), file (delo) and pages from a reference.

    `AVPRF F. 0102, Op. 13, Delo 5`; `RGANI, f. 5, op. 49, d. 131, ll. 193-194`;
    `Department of State, Central Files, 795.00/1–1255`; `Chinese Communist Party Central
    Archives`. The raw string is always kept.
    """
    provenance = Provenance(raw=raw)
    if not raw:
        return provenance
    text = raw.strip().rstrip(".")
    russian = re.search(rf"(?:^|[\s,(])(?={_FOND}\s*[\w/-]+[,.]?\s*(?:{_OPIS}|{_DELO}))", text)
    if russian:
        head = text[: russian.start()].strip(" ,(")
        match = _RUSSIAN_REFERENCE.match(text[russian.end():].strip())
        if match:
            provenance.repository = _repository(head)
            provenance.collection = match.group("fond")
            provenance.series = match.group("opis")
            provenance.file = match.group("delo")
            pages = match.group("pages")
            provenance.pages = pages.strip(" ,") if pages else None
            return provenance
    numbered = _NUMBERED_FILE.match(text)
    if numbered:
        provenance.repository = numbered.group("repository").strip()
        provenance.file = numbered.group("file")
        provenance.pages = numbered.group("pages")
        return provenance
    # "Department of State, Central Files, 795.00/1–1255"; "Eisenhower Library, Whitman File,
    # NSC Records"; "Department of State, PPS Files: Lot 66 D 70, Korea"
    segments = [s.strip() for s in re.split(r",\s+(?![^()]*\))", text) if s.strip()]
    provenance.repository = _repository(segments[0])
    for segment in segments[1:]:
        if provenance.collection is None and not _FILE_NUMBER.fullmatch(segment):
            provenance.collection = segment
        elif provenance.series is None and provenance.file is None and _SERIES.search(segment):
            provenance.series = segment
        elif provenance.file is None:
            provenance.file = segment
        else:
            provenance.file = f"{provenance.file}, {segment}"
    return provenance


def _repository(head: str) -> str | None:
    head = head.strip(" ,.")
    return head or None


def _source_reference(source_note: str) -> str | None:
    """The archival reference is the first sentence of a FRUS source note."""
    body = source_note[len("Source:"):].strip() if source_note.startswith("Source:") else source_note
    spans = split_sentences(body)
    if not spans:
        return None
    first = body[spans[0][0]:spans[0][1]].strip().rstrip(".")
    return first or None


@stage(
    "citation",
    requires=("citation",),
    assigns=("citation_parts", "url", "provenance", "translators", "contributors", "title"),
)
def read_citation(document: Document) -> Document:
    """Split the citation into title, date, archive, reference, translators and URL."""
    if document.citation:
        parts, translators, contributors = parse_citation(document.citation, title=document.title)
        document.citation_parts = parts
        document.url = document.url or parts.url
        if translators and not document.translators:
            document.translators = translators
        if contributors and not document.contributors:
            document.contributors = contributors
        if document.title is None and parts.title:
            document.title = parts.title
        if parts.title and document.title and parts.title != document.title:
            document.warnings.append(
                f"the citation's title {parts.title!r} differs from the header's {document.title!r}"
            )
        raw = _source_reference(parts.source_note) if parts.source_note else parts.reference
        provenance = parse_reference(raw)
        provenance.archive = parts.archive
        document.provenance = provenance
    translated_by = document.fields.get("translated_by")
    if translated_by and not document.translators:
        document.translators = split_names(translated_by)
    return document
