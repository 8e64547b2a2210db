"""Exports: one module per format, each with `render(document)`, `media_type` and `suffix`.

| format | module | what reads it |
|---|---|---|
| `chicago` | chicago.py | people: a Chicago note, one line |
| `csl-json` | csl_json.py | Zotero, Mendeley, citeproc |
| `bibtex` | bibtex.py | LaTeX (BibLaTeX), reference managers |
| `ris` | ris.py | EndNote, Zotero, library systems |
| `tei` | tei.py | TEI P5 editors and tools (valid against TEI-all) |
| `dublin-core` | dublin_core.py | OAI-PMH harvesters (`oai_dc`) |
| `jsonl` | jsonl.py | archivist itself: the backup, restored by `archivist ingest` |

`highwire.py` gives the `citation_*` meta tags a record's page carries. `render_many` joins
several records the way each format joins them: a JSON array, entries one after another, one
line each, a TEI corpus.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from lxml import etree

from archivist.document import Document
from archivist.errors import ArchivistError
from archivist.export import bibtex, chicago, csl_json, dublin_core, jsonl, ris, tei

__all__ = ["CITATION_FORMATS", "FORMATS", "exporter", "render", "render_many"]

FORMATS: dict[str, ModuleType] = {
    "chicago": chicago,
    "csl-json": csl_json,
    "bibtex": bibtex,
    "ris": ris,
    "tei": tei,
    "dublin-core": dublin_core,
    "jsonl": jsonl,
}

#: The formats a bibliography is given in (`archivist cite`, the API's `cite`).
CITATION_FORMATS = ("chicago", "csl-json", "bibtex", "ris")


def exporter(name: str) -> ModuleType:
    """The module of format `name`, or an error naming the formats there are."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ArchivistError(f"unknown export format {name!r}; formats: {', '.join(FORMATS)}") from None


def render(name: str, document: Document) -> str | bytes:
    return exporter(name).render(document)


def render_many(name: str, documents: Iterable[Document]) -> str | bytes:
    """Several records in format `name`, joined as that format joins them."""
    module = exporter(name)
    if hasattr(module, "render_many"):
        return module.render_many(documents)
    if name == "tei":
        corpus = etree.Element(f"{{{tei.TEI}}}teiCorpus", nsmap={None: tei.TEI})
        header = etree.SubElement(corpus, f"{{{tei.TEI}}}teiHeader")
        file_desc = etree.SubElement(header, f"{{{tei.TEI}}}fileDesc")
        etree.SubElement(etree.SubElement(file_desc, f"{{{tei.TEI}}}titleStmt"), f"{{{tei.TEI}}}title").text = "archivist export"
        etree.SubElement(etree.SubElement(file_desc, f"{{{tei.TEI}}}publicationStmt"), f"{{{tei.TEI}}}p").text = "Exported by archivist."
        etree.SubElement(etree.SubElement(file_desc, f"{{{tei.TEI}}}sourceDesc"), f"{{{tei.TEI}}}p").text = "The records below, each with its own header."
        for document in documents:
            corpus.append(tei.element(document))
        return etree.tostring(corpus, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    if name == "dublin-core":
        root = etree.Element("records")
        for document in documents:
            root.append(dublin_core.element(document))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    if name == "chicago":
        return "".join(chicago.render(d) + "\n" for d in documents)
    return "".join(str(module.render(d)) for d in documents)
