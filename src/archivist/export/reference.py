"""The bibliographic view of a record that every citation format is written from.

A record's fields say what the source printed; a citation needs them sorted into the roles
reference managers know: the digital archive it was found in (Wilson Center Digital Archive,
Foreign Relations of the United States), the repository that holds the original and the
location inside it, the published volume a FRUS document belongs to, the people who wrote,
signed and translated it. `Reference.of(document)` does that sorting once, so Chicago, CSL-JSON,
BibTeX, RIS, Dublin Core and the Highwire tags never disagree.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from archivist.document import Document

__all__ = ["LANGUAGE_CODES", "Reference", "date_parts", "display_date", "join_names", "language_code", "split_name"]

#: BCP 47 codes of the languages archive exports name in full.
LANGUAGE_CODES: dict[str, str] = {
    "albanian": "sq", "arabic": "ar", "bulgarian": "bg", "chinese": "zh", "czech": "cs",
    "english": "en", "french": "fr", "german": "de", "hungarian": "hu", "italian": "it",
    "japanese": "ja", "korean": "ko", "mongolian": "mn", "polish": "pl", "portuguese": "pt",
    "romanian": "ro", "russian": "ru", "serbian": "sr", "serbo-croatian": "sh", "slovak": "sk",
    "spanish": "es", "vietnamese": "vi", "hebrew": "he", "persian": "fa", "turkish": "tr",
    "ukrainian": "uk", "georgian": "ka", "dutch": "nl", "swedish": "sv", "finnish": "fi",
}

_EDTF_DAY = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def language_code(name: str | None) -> str | None:
    """"English" -> "en"; a language archivist has no code for gives None."""
    if not name:
        return None
    return LANGUAGE_CODES.get(name.strip().lower())


def date_parts(edtf: str | None) -> list[list[int]]:
    """CSL date-parts of an EDTF value: `1956-09-18` -> [[1956, 9, 18]]; a range gives two."""
    if not edtf:
        return []
    parts = []
    for side in edtf.split("/")[:2]:
        match = _EDTF_DAY.match(side.rstrip("?~%"))
        if not match:
            return []
        parts.append([int(group) for group in match.groups() if group is not None])
    return parts


def _one_date(parts: list[int]) -> str:
    if len(parts) == 3:
        return f"{calendar.month_name[parts[1]]} {parts[2]}, {parts[0]}"
    if len(parts) == 2:
        return f"{calendar.month_name[parts[1]]} {parts[0]}"
    return str(parts[0])


def display_date(edtf: str | None) -> str | None:
    """The date as Chicago prints it: "September 18, 1956", "September 1956",
    "November 12–13, 1957"; "ca." before an approximate one. None when undated."""
    parts = date_parts(edtf)
    if not parts:
        return None
    prefix = "ca. " if edtf and edtf.rstrip("?").endswith(("~", "%")) else ""
    if len(parts) == 1:
        return prefix + _one_date(parts[0])
    first, last = parts
    if len(first) == len(last) == 3 and first[:2] == last[:2]:
        return f"{prefix}{calendar.month_name[first[1]]} {first[2]}–{last[2]}, {first[0]}"
    if len(first) == len(last) == 3 and first[0] == last[0]:
        return f"{prefix}{calendar.month_name[first[1]]} {first[2]}–{calendar.month_name[last[1]]} {last[2]}, {first[0]}"
    return f"{prefix}{_one_date(first)}–{_one_date(last)}"


_PARTICLES = {"de", "van", "von", "der", "den", "du", "la", "le", "da", "di"}
_SUFFIXES = {"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"}


def split_name(name: str) -> tuple[str, str, str]:
    """(given, family, suffix) of a Western-order name: "Herbert Hoover, Jr." ->
    ("Herbert", "Hoover", "Jr."); "Ludwig van Beethoven" keeps "van" with the family name."""
    text = " ".join(name.replace(",", " ").split())
    words = text.split(" ")
    suffix = ""
    if len(words) > 1 and words[-1] in _SUFFIXES:
        suffix = words.pop()
    if len(words) == 1:
        return "", words[0], suffix
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:]), suffix


def join_names(names: list[str]) -> str:
    """"A", "A and B", "A, B, and C": Chicago's serial comma."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _person(name: str | None) -> str | None:
    """A signer as a citation names him: "A. PUZANOV" (a typed signature) -> "A. Puzanov"."""
    if not name:
        return None
    name = " ".join(name.split())
    letters = [ch for ch in name if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and len(letters) > 3:
        name = " ".join(w if re.fullmatch(r"(?:[A-Z]\.)+", w) else w.capitalize() for w in name.split())
    return name


def _is_frus(document: Document) -> bool:
    archive = (document.citation_parts.archive or document.provenance.archive or "").lower()
    return archive.startswith("foreign relations") or bool(document.url and "/historicaldocuments/" in document.url)


@dataclass(frozen=True)
class Reference:
    """What a citation needs, sorted by role.

    `digital_archive` is where the record was found online; `repository` and `location` where
    the original is held (the location is the archival reference after the repository's name);
    `publication` the printed volume a FRUS document appears in (`Foreign Relations of the
    United States, 1955–1957, Korea, Volume XXIII, Part 2`) and `number` its document number.
    """

    id: str
    title: str
    edtf: str | None
    date: str | None
    url: str | None
    digital_archive: str | None
    repository: str | None
    location: str | None
    reference: str | None
    publication: str | None
    number: str | None
    authors: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    summary: str | None = None
    language: str | None = None
    original_language: str | None = None
    document_type: str | None = None
    place: str | None = None
    classification: str | None = None
    frus: bool = False

    @classmethod
    def of(cls, document: Document) -> Reference:
        provenance = document.provenance
        parts = document.citation_parts
        frus = _is_frus(document)
        digital_archive = parts.archive or provenance.archive
        publication = number = None
        if frus:
            digital_archive = digital_archive or "Foreign Relations of the United States"
            if parts.publication:
                match = re.match(r"^(?P<volume>.*?)(?:,\s*Document\s+(?P<number>\w+))?$", parts.publication)
                volume = match.group("volume").strip(" ,") if match else parts.publication
                number = match.group("number") if match else None
                publication = f"{digital_archive}, {volume}" if volume else digital_archive
        raw = provenance.raw
        repository = provenance.repository
        location = None
        if raw and repository and raw.startswith(repository):
            location = raw[len(repository):].strip(" ,.") or None
        elif raw and not repository:
            location = raw
        signer = _person(document.signer)
        return cls(
            id=document.id,
            title=document.title or parts.title or document.id,
            edtf=document.date.edtf,
            date=display_date(document.date.edtf),
            url=document.url or parts.url,
            digital_archive=digital_archive,
            repository=repository,
            location=location,
            reference=raw,
            publication=publication,
            number=number,
            authors=[signer] if signer else [],
            translators=list(document.translators),
            contributors=list(document.contributors),
            summary=document.summary,
            language=document.contents_language,
            original_language=document.original_language,
            document_type=document.document_type,
            place=document.place,
            classification=document.classification,
            frus=frus,
        )
