"""RIS, the tagged format EndNote, Zotero and most library systems import.

`TY  - MANSCPT` (a manuscript: an archival document), `TI` title, `AU` the signer where there
is one, `A4` each translator (RIS's subsidiary author, which Zotero reads as translator), `DA`
and `PY` the date, `AV` the archive location (the archival reference as printed, or a FRUS
volume and document), `DB` the digital archive, `UR` the URL, `N1` the translation credit,
`AB` the summary, `LA` the language, `ID` the record's id.
"""

from __future__ import annotations

from collections.abc import Iterable

from archivist.document import Document
from archivist.export.reference import Reference, date_parts, join_names

__all__ = ["media_type", "render", "render_many", "suffix", "tags"]

media_type = "application/x-research-info-systems; charset=utf-8"
suffix = ".ris"


def _clean(value: str) -> str:
    # A RIS value is one line: a newline would start a bogus tag.
    return " ".join(value.split())


def tags(document: Document) -> list[tuple[str, str]]:
    """(tag, value) pairs in the order written, TY first and ER last."""
    reference = Reference.of(document)
    found: list[tuple[str, str]] = [("TY", "MANSCPT"), ("ID", reference.id), ("TI", reference.title)]
    found += [("AU", name) for name in reference.authors]
    found += [("A4", name) for name in reference.translators]
    parts = date_parts(reference.edtf)
    if parts:
        first = parts[0]
        found.append(("DA", "/".join([f"{first[0]:04d}", *(f"{p:02d}" for p in first[1:])]) + "/" * (4 - len(first))))
        found.append(("PY", f"{first[0]:04d}"))
    if reference.frus:
        where = reference.publication or reference.digital_archive
        if where and reference.number:
            where += f", Document {reference.number}"
        if where:
            found.append(("AV", where))
    elif reference.reference:
        found.append(("AV", reference.reference))
    if reference.digital_archive:
        found.append(("DB", reference.digital_archive))
    if reference.url:
        found.append(("UR", reference.url))
    if reference.translators:
        found.append(("N1", f"Translated by {join_names(reference.translators)}."))
    if reference.summary:
        found.append(("AB", reference.summary))
    if reference.language:
        found.append(("LA", reference.language))
    if reference.document_type:
        found.append(("M3", reference.document_type))
    if reference.place:
        found.append(("CY", reference.place))
    found.append(("ER", ""))
    return [(tag, _clean(value)) for tag, value in found]


def render(document: Document) -> str:
    return "".join(f"{tag}  - {value}\n" for tag, value in tags(document))


def render_many(documents: Iterable[Document]) -> str:
    return "\n".join(render(d) for d in documents)
