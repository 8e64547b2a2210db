"""BibTeX (BibLaTeX fields), for LaTeX users and every reference manager's import.

An archival document is an `@unpublished` entry: `title`, `date` (ISO, as BibLaTeX reads
it) and `year`, `author` for a signer, `translator`, `institution` for the repository that
holds the original, `howpublished` for where it is found (the archival reference, or a FRUS
volume and document number), `url`, and a `note` with the translation credit. LaTeX's special
characters are escaped in every field but `url`, which BibLaTeX reads verbatim; the title is
braced so no style lowercases "Kim Il Sung".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from archivist.document import Document
from archivist.export.reference import Reference, date_parts, join_names, split_name

__all__ = ["entry", "escape", "media_type", "render", "render_many", "suffix"]

media_type = "application/x-bibtex; charset=utf-8"
suffix = ".bib"

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile("|".join(re.escape(ch) for ch in _SPECIAL))


def escape(text: str) -> str:
    """`text` with LaTeX's special characters escaped; other Unicode stays (BibLaTeX and
    biber read UTF-8)."""
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], " ".join(text.split()))


def _key(identifier: str) -> str:
    return re.sub(r"[^A-Za-z0-9_:.-]+", "-", identifier)


def _bib_name(name: str) -> str:
    given, family, suffix_ = split_name(name)
    if not given:
        return "{" + escape(name) + "}"
    return escape(f"{family}, {suffix_}, {given}" if suffix_ else f"{family}, {given}")


def entry(document: Document) -> list[tuple[str, str]]:
    """(field, value as written between the braces) in the order written."""
    reference = Reference.of(document)
    fields: list[tuple[str, str]] = [("title", "{" + escape(reference.title) + "}")]
    parts = date_parts(reference.edtf)
    if parts:
        fields.append(("date", "/".join("-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(side)) for side in parts)))
        fields.append(("year", str(parts[0][0])))
    if reference.authors:
        fields.append(("author", " and ".join(_bib_name(n) for n in reference.authors)))
    if reference.translators:
        fields.append(("translator", " and ".join(_bib_name(n) for n in reference.translators)))
    if reference.frus:
        where = reference.publication or reference.digital_archive or ""
        if reference.number:
            where += f", Document {reference.number}"
        if where:
            fields.append(("howpublished", escape(where)))
        if reference.repository:
            fields.append(("institution", escape(reference.repository)))
    else:
        if reference.repository:
            fields.append(("institution", escape(reference.repository)))
        if reference.reference:
            fields.append(("howpublished", escape(reference.reference)))
        if reference.digital_archive:
            fields.append(("organization", escape(reference.digital_archive)))
    if reference.url:
        fields.append(("url", reference.url.replace("{", "%7B").replace("}", "%7D")))
    if reference.translators:
        fields.append(("note", escape(f"Translated by {join_names(reference.translators)}.")))
    if reference.summary:
        fields.append(("abstract", escape(reference.summary)))
    return fields


def render(document: Document) -> str:
    fields = entry(document)
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@unpublished{{{_key(document.id)},\n{body}\n}}\n"


def render_many(documents: Iterable[Document]) -> str:
    return "\n".join(render(d) for d in documents)
