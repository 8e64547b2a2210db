"""A search as the URL holds it: the query, the facet values chosen, the order and the page.

Everything a results page shows is in its address (`/search?q=Korea&lang=Russian&sort=date`),
so a search can be shared, bookmarked and gone back to. Each link on the page (a facet value, a
chip's remove button, a page number) is this state with one thing changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from archivist.search import FACETS, MAX_OFFSET, SORTS

__all__ = ["FACET_LABELS", "PAGE_SIZE", "Chip", "SearchState"]

#: Results on one page.
PAGE_SIZE = 20
#: How each facet is named on the page, in the order the sidebar shows them.
FACET_LABELS: dict[str, str] = {
    "decade": "Decade",
    "year": "Year",
    "lang": "Original language",
    "archive": "Archive",
    "type": "Document type",
    "classification": "Classification",
    "person": "Person",
    "speaker": "Speaker",
    "translator": "Translator",
}
assert set(FACET_LABELS) == set(FACETS), "every facet needs a label"
_MAX_VALUE = 300


@dataclass(frozen=True)
class Chip:
    """A chosen facet value, shown above the results with a link that takes it away."""

    facet: str
    label: str
    value: str
    remove: str


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    selected: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    offset: int = 0
    limit: int = PAGE_SIZE

    @classmethod
    def of(cls, params: Mapping[str, str] | object) -> SearchState:
        """The state of a request's query parameters (a Starlette `QueryParams`); values out
        of range are brought into range rather than refused, since they come from links."""
        get = getattr(params, "get")
        getlist = getattr(params, "getlist", lambda name: [get(name)] if get(name) is not None else [])
        selected: dict[str, tuple[str, ...]] = {}
        for name in FACET_LABELS:
            values = [v.strip()[:_MAX_VALUE] for v in getlist(name) if v and v.strip()]
            if values:
                selected[name] = tuple(dict.fromkeys(values))
        sort = get("sort") or "relevance"
        try:
            offset = int(get("offset") or 0)
        except ValueError:
            offset = 0
        return cls(
            q=(get("q") or "").strip(),
            selected=selected,
            sort=sort if sort in SORTS else "relevance",
            offset=min(max(offset, 0), MAX_OFFSET),
        )

    def pairs(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in FACET_LABELS:
            for value in self.selected.get(name, ()):
                pairs.append((name, value))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.offset:
            pairs.append(("offset", str(self.offset)))
        return pairs

    def url(self, path: str = "/search") -> str:
        query = urlencode(self.pairs())
        return f"{path}?{query}" if query else path

    def filters(self) -> str:
        """The query and the selections without order or page: what a timeline or a network
        of the same records is given."""
        return urlencode([p for p in self.pairs() if p[0] not in ("sort", "offset")])

    def chosen(self, name: str, value: str) -> bool:
        return value in self.selected.get(name, ())

    def toggled(self, name: str, value: str) -> SearchState:
        """This search with `value` of facet `name` chosen, or no longer chosen; back to page 1."""
        selected = dict(self.selected)
        values = list(selected.get(name, ()))
        if value in values:
            values.remove(value)
        else:
            values.append(value)
        if values:
            selected[name] = tuple(values)
        else:
            selected.pop(name, None)
        return replace(self, selected=selected, offset=0)

    def sorted_by(self, sort: str) -> SearchState:
        return replace(self, sort=sort, offset=0)

    def at(self, offset: int) -> SearchState:
        return replace(self, offset=max(offset, 0))

    def cleared(self) -> SearchState:
        return replace(self, selected={}, offset=0)

    def chips(self) -> list[Chip]:
        chips = []
        for name, values in self.selected.items():
            for value in values:
                shown = f"{value.rstrip('s')}s" if name == "decade" else value
                chips.append(Chip(name, FACET_LABELS[name], shown, self.toggled(name, value).url()))
        return chips

    def as_selection(self) -> dict[str, Sequence[str]]:
        return {name: list(values) for name, values in self.selected.items()}

    def pages(self, total: int, around: int = 2) -> list[tuple[int, str | None]]:
        """Page numbers to link (number, url; None for the current page), with 0 for a gap."""
        if total <= self.limit:
            return []
        last = min((total - 1) // self.limit, MAX_OFFSET // self.limit)
        current = self.offset // self.limit
        shown = sorted({0, last, *range(max(current - around, 0), min(current + around, last) + 1)})
        pages: list[tuple[int, str | None]] = []
        previous = -1
        for page in shown:
            if page - previous > 1:
                pages.append((0, None))
            pages.append((page + 1, None if page == current else self.at(page * self.limit).url()))
            previous = page
        return pages
