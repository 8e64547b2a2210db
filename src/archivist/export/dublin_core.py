"""Simple Dublin Core (`oai_dc`), the metadata every OAI-PMH harvester must understand.

Fifteen plain elements, each repeatable: `title`; `creator` the signer; `contributor` the
translators (and others credited); `date` the EDTF date; `type` "Text" (DCMI type) and the
document type; `format`; `identifier` the record's URL and its archivist id; `source` the
citation as printed; `language` the text's and the original's; `description` the summary;
`publisher` the digital archive; `coverage` the place; `rights` nothing we can assert.
"""

from __future__ import annotations

from lxml import etree

from archivist.document import Document
from archivist.export.reference import Reference, language_code
from archivist.export.tei import xml_text

__all__ = ["DC", "OAI_DC", "SCHEMA_LOCATION", "element", "fields", "media_type", "render", "suffix"]

media_type = "application/xml"
suffix = ".dc.xml"

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"


def fields(document: Document) -> list[tuple[str, str]]:
    """(element, value) pairs in Dublin Core's usual order."""
    reference = Reference.of(document)
    found: list[tuple[str, str]] = [("title", reference.title)]
    found += [("creator", name) for name in reference.authors]
    found += [("contributor", name) for name in reference.translators + reference.contributors]
    if reference.summary:
        found.append(("description", reference.summary))
    if reference.digital_archive:
        found.append(("publisher", reference.digital_archive))
    if reference.edtf:
        found.append(("date", reference.edtf))
    found.append(("type", "Text"))
    if reference.document_type:
        found.append(("type", reference.document_type))
    found.append(("format", "text/plain"))
    if reference.url:
        found.append(("identifier", reference.url))
    found.append(("identifier", reference.id))
    if document.citation:
        found.append(("source", " ".join(document.citation.split())))
    for language in (reference.language, reference.original_language):
        code = language_code(language) or language
        if code and ("language", code) not in found:
            found.append(("language", code))
    if reference.place:
        found.append(("coverage", reference.place))
    return [(name, value) for name, value in found if value]


def element(document: Document) -> etree._Element:
    """The `<oai_dc:dc>` element, ready to go inside an OAI-PMH `<metadata>`."""
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    for name, value in fields(document):
        etree.SubElement(root, f"{{{DC}}}{name}").text = xml_text(value)
    return root


def render(document: Document) -> bytes:
    return etree.tostring(element(document), xml_declaration=True, encoding="UTF-8", pretty_print=True)
