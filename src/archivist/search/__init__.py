"""Search: the interface every engine answers, and the results it gives.

    >>> from archivist.search import open_index
    >>> with open_store("archive.db") as store, open_index(store) as index:
    ...     results = index.search('speaker:Mao Korea', facets=True)

One query language (`archivist.query`) is parsed once and answered by an engine behind
`SearchIndex`: the embedded tantivy index (`tantivy_index.py`), kept in a folder beside the
SQLite file, or, for the server store, PostgreSQL's full text. The index is derived data: it
keeps a watermark, the store's last change number it has taken in (`Store.changes`), catches up
when opened and after every ingest, and can always be rebuilt from the store (`reindex`).

Results are plain dataclasses with `to_dict()` for JSON: the total, a page of hits ranked by
BM25 with field weights (title, then summary, then body) or by date, each with snippets of the
passages that matched, the spellings that matched where they differ from the query's, and
facet counts for narrowing.
"""

from __future__ import annotations

import abc
import hashlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from archivist.errors import ArchivistError, QueryError
from archivist.query import Node
from archivist.search.snippets import Match, Snippet
from archivist.store.base import Store

__all__ = [
    "FACETS",
    "FacetValue",
    "Hit",
    "NamedPerson",
    "SORTS",
    "SearchIndex",
    "SearchResults",
    "catch_up",
    "index_folder",
    "open_index",
    "reindex",
    "search",
]

#: Orders a page can be sorted in: BM25 relevance, or date (oldest first, undated last).
SORTS = ("relevance", "date")
#: Facets a page can count and a search can be narrowed by.
FACETS = ("year", "decade", "lang", "archive", "type", "classification", "person", "speaker", "translator")
MAX_LIMIT = 100
MAX_OFFSET = 100_000


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet and how many matching records have it. `label` is set where the
    value is a code (a decade `1950` reads `1950s`)."""

    value: str
    count: int
    label: str | None = None


@dataclass(frozen=True)
class NamedPerson:
    """A person of the authority, and how many records of the archive name them."""

    id: str
    name: str
    preferred: str
    variants: tuple[str, ...]
    birth_year: int | None
    death_year: int | None
    records: int


@dataclass(frozen=True)
class Hit:
    id: str
    title: str | None
    date: str | None
    score: float | None
    snippets: tuple[Snippet, ...] = ()
    variants: tuple[Match, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["snippets"] = [dict(asdict(s), html=s.html()) for s in self.snippets]
        return data


@dataclass(frozen=True)
class SearchResults:
    """A page of results. `query` is as typed, `parsed` its canonical form; `selected` the
    facet values narrowing it; `notes` tell of anything the search had to decide (a prefix
    standing for too many words, a speaker no record has)."""

    query: str
    parsed: str
    total: int
    offset: int
    limit: int
    sort: str
    hits: tuple[Hit, ...]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    selected: dict[str, list[str]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "parsed": self.parsed,
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "sort": self.sort,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {name: [asdict(v) for v in values] for name, values in self.facets.items()},
            "selected": self.selected,
            "notes": list(self.notes),
        }


class SearchIndex(abc.ABC):
    """An engine answering the query language over one store's records."""

    @abc.abstractmethod
    def search(
        self,
        query: str | Node = "",
        *,
        selected: Mapping[str, Sequence[str]] | None = None,
        sort: str = "relevance",
        offset: int = 0,
        limit: int = 20,
        facets: bool | Sequence[str] = False,
        facet_size: int = 10,
        snippets: bool = True,
    ) -> SearchResults:
        """A page of the records matching `query` (text, or a tree from `archivist.query.parse`),
        narrowed by `selected` facet values (values of one facet ORed, facets ANDed). An empty
        query with `selected` is a browse. Raises QueryError for a malformed query."""

    @abc.abstractmethod
    def facets(
        self,
        query: str | Node = "",
        *,
        selected: Mapping[str, Sequence[str]] | None = None,
        names: Sequence[str] = FACETS,
        size: int = 10,
    ) -> dict[str, list[FacetValue]]:
        """Facet counts over the records matching `query` and `selected`."""

    @abc.abstractmethod
    def people(self, name: str = "", *, offset: int = 0, limit: int = 20) -> tuple[int, list[NamedPerson]]:
        """Persons of the authority the records name (linked mentions and participants), most
        often named first, optionally only those with every word of `name` in a spelling of
        their name; and how many there are."""

    @abc.abstractmethod
    def person(self, id: str) -> NamedPerson | None:
        """The authority's person with this id, and how many records name them."""

    @abc.abstractmethod
    def catch_up(self) -> int:
        """Take in every record the store committed after the watermark; how many."""

    @abc.abstractmethod
    def rebuild(self) -> int:
        """Throw the index away and build it again from the store; how many records."""

    @property
    @abc.abstractmethod
    def watermark(self) -> int:
        """The store's last change number this index has taken in."""

    @abc.abstractmethod
    def count(self) -> int:
        """How many records the index holds."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_page(sort: str, offset: int, limit: int, selected: Mapping[str, Sequence[str]] | None) -> None:
    """Refuse a page no engine should try to give, with a message saying what is allowed."""
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; sort by {' or '.join(SORTS)}")
    if not 0 <= offset <= MAX_OFFSET:
        raise QueryError(f"offset {offset} is out of range; give 0 to {MAX_OFFSET:,}")
    if not 0 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit {limit} is out of range; give 0 to {MAX_LIMIT}")
    for name in selected or {}:
        if name not in FACETS:
            raise QueryError(f"unknown facet {name!r}; the facets are {', '.join(FACETS)}")


def index_folder(store: Store) -> Path | None:
    """Where the index of `store` lives: the `index_dir` setting if set; else a folder beside
    its SQLite file (`archive.db` -> `archive.db.index/`), or for a server store a folder of its
    own under `~/.cache/archivist/index/`; None for a store in memory."""
    from archivist.settings import Settings

    configured = str(Settings().get("index_dir"))
    if configured:
        return Path(configured)
    path = getattr(store, "path", None)
    if isinstance(path, str):
        if path == ":memory:" or path.startswith("file:"):
            return None
        return Path(path).with_name(Path(path).name + ".index")
    url = getattr(store, "url", None)
    if isinstance(url, str):
        # One index per server database, derived from it like any other: it catches up with
        # the store's change feed wherever it runs.
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        return Path.home() / ".cache" / "archivist" / "index" / key
    return None


def open_index(store: Store, *, catch_up: bool = True) -> SearchIndex:
    """The search index of `store`, caught up with it unless `catch_up` is False."""
    folder = index_folder(store)
    if folder is None:
        raise ArchivistError(
            f"the store {store!r} has no folder to keep a search index in; give one with the index_dir "
            "setting (ARCHIVIST_INDEX_DIR), or use a SQLite file such as archive.db"
        )
    if _is_postgres(store):
        # The server store answers searches with PostgreSQL's own full text, in its database;
        # it keeps only the authority's spellings on this machine.
        from archivist.search.postgres_fts import PostgresIndex

        return PostgresIndex(store, catch_up=catch_up)  # type: ignore[arg-type]
    from archivist.search.tantivy_index import TantivyIndex

    return TantivyIndex(store, folder, catch_up=catch_up)


def _is_postgres(store: Store) -> bool:
    # Looked up among the loaded modules: a store of that class exists only once its module
    # (and psycopg) is imported, and the embedded path never needs to import either.
    module = sys.modules.get("archivist.store.postgres")
    return module is not None and isinstance(store, module.PostgresStore)


def search(store: Store, query: str | Node = "", **options: Any) -> SearchResults:
    """One search over `store`'s index; see `SearchIndex.search` for the options."""
    with open_index(store) as index:
        return index.search(query, **options)


def catch_up(store: Store) -> int:
    """Bring the index of `store` up to date; how many records it took in. A store without a
    folder (in memory) has no index, and a folder whose index another process is writing
    right now is left to that process: both give 0."""
    if index_folder(store) is None:
        return 0
    with open_index(store, catch_up=False) as index:
        return index.catch_up()


def reindex(store: Store) -> int:
    """Rebuild the index of `store` from the store; how many records it holds."""
    with open_index(store, catch_up=False) as index:
        return index.rebuild()
