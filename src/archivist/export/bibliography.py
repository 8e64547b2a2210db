"""Citations of one record, or the bibliography of a search, in any citation format.

`cite(document, format)` gives one record's citation; `bibliography(documents, format)` joins
several the way the format joins them (a JSON array, entries one after another, one note a
line); `search_records(store, query)` gives the records a search matches, in the order the
search ranks them, for a bibliography of a search.
"""

from __future__ import annotations

from collections.abc import Iterable

from archivist.document import Document
from archivist.errors import ArchivistError
from archivist.export import CITATION_FORMATS, exporter, render_many
from archivist.store.base import Store

__all__ = ["MAX_RECORDS", "bibliography", "check_format", "cite", "media_type", "search_records"]

#: Most records one bibliography of a search holds.
MAX_RECORDS = 1000


def check_format(name: str) -> str:
    if name not in CITATION_FORMATS:
        raise ArchivistError(f"unknown citation format {name!r}; formats: {', '.join(CITATION_FORMATS)}")
    return name


def media_type(name: str) -> str:
    return exporter(check_format(name)).media_type


def cite(document: Document, name: str) -> str:
    return str(exporter(check_format(name)).render(document)).rstrip("\n") + "\n"


def bibliography(documents: Iterable[Document], name: str) -> str:
    return str(render_many(check_format(name), documents))


def search_records(store: Store, query: str, *, limit: int = MAX_RECORDS, sort: str = "relevance") -> list[Document]:
    """The records `query` matches (the query language of `archivist search`), best first,
    at most `limit`."""
    from archivist.search import MAX_LIMIT, search

    ids: list[str] = []
    while len(ids) < limit:
        page = search(store, query, sort=sort, offset=len(ids), limit=min(MAX_LIMIT, limit - len(ids)), snippets=False)
        ids += [hit.id for hit in page.hits]
        if not page.hits or len(ids) >= page.total:
            break
    return [store.get(record_id) for record_id in ids[:limit]]
