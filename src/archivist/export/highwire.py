"""Highwire Press `citation_*` meta tags, which Zotero's browser connector and Google Scholar
read from a record's page (beside the CSL-JSON embedded as `<script type="application/json">`).

`meta_tags(document)` gives (name, content) pairs; the page template writes each as
`<meta name="..." content="...">`, escaping the content.
"""

from __future__ import annotations

from archivist.document import Document
from archivist.export.reference import Reference, date_parts, language_code

__all__ = ["meta_tags"]


def meta_tags(document: Document) -> list[tuple[str, str]]:
    reference = Reference.of(document)
    tags: list[tuple[str, str]] = [("citation_title", reference.title)]
    tags += [("citation_author", name) for name in reference.authors]
    parts = date_parts(reference.edtf)
    if parts:
        # Highwire dates are year/month/day with what is unknown left out.
        tags.append(("citation_date", "/".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts[0]))))
    if reference.frus and reference.publication:
        tags.append(("citation_book_title", reference.publication))
    if reference.digital_archive:
        tags.append(("citation_publisher", reference.digital_archive))
    if reference.reference:
        tags.append(("citation_archive_location", reference.reference))
    code = language_code(reference.language)
    if code:
        tags.append(("citation_language", code))
    if reference.url:
        tags.append(("citation_public_url", reference.url))
    tags.append(("citation_id", reference.id))
    return tags
