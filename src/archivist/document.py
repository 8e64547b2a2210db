"""The record model: one `Document` per archival record, and the parts it holds.

Every span (`start`, `end`) is a character offset into `Document.text`, the original file
decoded as it is, so `document.text[span.start:span.end]` is what the span covers. Nothing in
`text` is ever rewritten: repairs and readings are `Annotation`s over it.

`Document.to_dict()` gives the JSON form that `archivist show --json` prints and the API
serves; `Document.from_dict()` reads it back (the original bytes travel base64-encoded only
when asked for, as in the JSONL backup).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = [
    "Annotation",
    "Block",
    "CitationParts",
    "DateValue",
    "Document",
    "Footnote",
    "Mention",
    "Participant",
    "Provenance",
    "Source",
]


@dataclass
class DateValue:
    """A date as EDTF (`1957-11-13`, `1956-09`, `1957-11-12/1957-11-13`) with ISO bounds."""

    edtf: str | None = None
    earliest: str | None = None
    latest: str | None = None
    original: str | None = None

    def __bool__(self) -> bool:
        return self.edtf is not None


@dataclass
class Provenance:
    """Where the original is held: the archival reference and its parts.

    `archive` is the digital archive the export comes from (Wilson Center Digital Archive,
    Foreign Relations of the United States); `repository` holds the original (AVPRF, RGANI,
    Department of State). `collection`, `series`, `file` and `pages` are fond, opis, delo and
    folios in the Russian system, and their equivalents elsewhere.
    """

    raw: str | None = None
    archive: str | None = None
    repository: str | None = None
    collection: str | None = None
    series: str | None = None
    file: str | None = None
    pages: str | None = None


@dataclass
class CitationParts:
    """The parts of the source's own citation string, as printed."""

    title: str | None = None
    date: str | None = None
    archive: str | None = None
    publication: str | None = None
    reference: str | None = None
    source_note: str | None = None
    translation: str | None = None
    url: str | None = None


@dataclass
class Block:
    kind: str
    start: int
    end: int
    speaker: str | None = None


@dataclass
class Footnote:
    number: str
    text: str
    start: int
    end: int
    ref_start: int | None = None
    ref_end: int | None = None


@dataclass
class Annotation:
    kind: str
    start: int
    end: int
    original: str
    value: str | None = None


@dataclass
class Mention:
    """A name in the text. `evidence` says why it links where it does ("full name 'Mao
    Zedong'", "surname 'Rhee'; in records of the years around 1955")."""

    start: int
    end: int
    text: str
    kind: str
    authority_id: str | None = None
    canonical: str | None = None
    score: float | None = None
    evidence: list[str] = field(default_factory=list)


@dataclass
class Participant:
    name: str
    side: str | None = None
    aliases: list[str] = field(default_factory=list)
    authority_id: str | None = None


@dataclass
class Source:
    """The file a record was read from. `original` is the file's bytes, verbatim."""

    path: str
    sha256: str
    format: str
    bytes: int
    encoding: str = "utf-8"
    original: bytes = field(default=b"", repr=False)

    @classmethod
    def of(cls, path: str, data: bytes, format: str, encoding: str = "utf-8") -> Source:
        return cls(
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
            format=format,
            bytes=len(data),
            encoding=encoding,
            original=data,
        )


def _plain(value: Any) -> Any:
    """What `dataclasses.asdict` gives for a record, built without its deep copies (which took
    most of the time of storing one): dataclasses as dicts of their fields, new lists, tuples and
    dicts, the immutable values themselves."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    return value


@dataclass
class Document:
    """One record. `date` is the record's date; `datetime` its ISO date and time with the UTC
    offset where the source gives a time ("Seoul, January 8, 1955—2 p.m." ->
    1955-01-08T14:00:00+08:30); `time` a time range the header states ("18:00 - 21:10" ->
    "18:00/21:10"); `event_date` the date of the event recorded where it differs from the
    record's (a conversation of 12 November recorded on the 13th)."""

    id: str
    text: str
    source: Source
    title: str | None = None
    date: DateValue = field(default_factory=DateValue)
    datetime: str | None = None
    time: str | None = None
    event_date: DateValue = field(default_factory=DateValue)
    citation: str | None = None
    citation_parts: CitationParts = field(default_factory=CitationParts)
    url: str | None = None
    provenance: Provenance = field(default_factory=Provenance)
    summary: str | None = None
    credits: str | None = None
    original_language: str | None = None
    contents_language: str | None = None
    contents_type: str | None = None
    translators: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    document_type: str | None = None
    classification: str | None = None
    place: str | None = None
    dateline: str | None = None
    drafter: str | None = None
    signer: str | None = None
    body_start: int | None = None
    fields: dict[str, str] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def span(self, start: int, end: int) -> str:
        return self.text[start:end]

    def to_dict(self, *, with_original: bool = False) -> dict[str, Any]:
        data = _plain(self)
        source = data["source"]
        original = source.pop("original")
        if with_original:
            source["original_base64"] = base64.b64encode(original).decode("ascii")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        data = dict(data)
        source = dict(data.pop("source"))
        encoded = source.pop("original_base64", None)
        source["original"] = base64.b64decode(encoded) if encoded else b""
        nested = {
            "date": DateValue,
            "event_date": DateValue,
            "provenance": Provenance,
            "citation_parts": CitationParts,
        }
        listed = {
            "blocks": Block,
            "footnotes": Footnote,
            "annotations": Annotation,
            "mentions": Mention,
            "participants": Participant,
        }
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        for name, kind in nested.items():
            if isinstance(kwargs.get(name), dict):
                kwargs[name] = kind(**kwargs[name])
        for name, kind in listed.items():
            kwargs[name] = [kind(**item) for item in kwargs.get(name) or []]
        kwargs["source"] = Source(**source)
        return cls(**kwargs)
