"""CSL-JSON, what Zotero, Mendeley and every citeproc read: one item a record.

An archival document is a `manuscript`: `archive` is the repository holding the original,
`archive_location` the reference inside it (fond, opis, delo), `source` the digital archive it
was found in. A FRUS document also names its published volume (`container-title`) and its
document `number`. Names are split into `family` and `given` so a style can invert them.
`render` gives one item; `render_many` the array a reference manager imports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from archivist.document import Document
from archivist.export.reference import Reference, date_parts, language_code, split_name

__all__ = ["item", "media_type", "render", "render_many", "suffix"]

media_type = "application/vnd.citationstyles.csl+json"
suffix = ".json"


def _name(name: str) -> dict[str, str]:
    given, family, suffix_ = split_name(name)
    if not given:
        return {"literal": name}
    result = {"family": family, "given": given}
    if suffix_:
        result["suffix"] = suffix_
    return result


def item(document: Document) -> dict[str, Any]:
    """The CSL-JSON item for `document`, as a dict."""
    reference = Reference.of(document)
    data: dict[str, Any] = {"id": reference.id, "type": "manuscript", "title": reference.title}
    parts = date_parts(reference.edtf)
    if parts:
        data["issued"] = {"date-parts": parts}
        if reference.edtf and reference.edtf.rstrip("?").endswith(("~", "%")):
            data["issued"]["circa"] = True
    if reference.authors:
        data["author"] = [_name(n) for n in reference.authors]
    if reference.translators:
        data["translator"] = [_name(n) for n in reference.translators]
    if reference.frus:
        data["archive"] = reference.publication or reference.digital_archive
        if reference.number:
            data["number"] = reference.number
        if reference.publication:
            data["container-title"] = reference.publication
        if reference.reference:
            data["archive_location"] = reference.reference
    else:
        archive = reference.repository or reference.reference
        if archive:
            data["archive"] = archive
        if reference.location:
            data["archive_location"] = reference.location
        if reference.digital_archive:
            data["source"] = reference.digital_archive
    if reference.url:
        data["URL"] = reference.url
    if reference.summary:
        data["abstract"] = reference.summary
    if reference.document_type:
        data["genre"] = reference.document_type
    if reference.place:
        data["event-place"] = reference.place
    code = language_code(reference.language)
    if code:
        data["language"] = code
    if reference.original_language and reference.original_language != reference.language:
        data["note"] = f"Original language: {reference.original_language}."
    return data


def render(document: Document) -> str:
    return json.dumps(item(document), ensure_ascii=False, indent=2)


def render_many(documents: Iterable[Document]) -> str:
    return json.dumps([item(d) for d in documents], ensure_ascii=False, indent=2)
