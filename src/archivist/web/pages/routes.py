"""The reading room's routes: each parses its request, asks the library, renders a template.

    /                 home: what the archive holds, a search box, recent additions
    /search           results with facets, chips, sort and paging; the URL holds the state
    /documents/{id}   the reader (`?q=` marks a search's words, `?view=original` the exact text)
    /people           persons with counts, by name prefix
    /people/{id}      one person
    /browse           records by year, archive, language and type
    /records          every record, by date
    /timeline         records over time, for any search
    /network          who appears with whom, for a search or a person

A request from htmx for one part of a page (`HX-Target` naming it) gets that block alone,
rendered by jinja2-fragments from the same template; every other request gets the page.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks
from markupsafe import Markup, escape

from archivist.errors import NotFoundError, QueryError
from archivist.export import CITATION_FORMATS
from archivist.export.bibliography import cite
from archivist.export.csl_json import item as csl_item
from archivist.export.highwire import meta_tags
from archivist.people import person_page
from archivist.search import MAX_LIMIT, SORTS, SearchIndex
from archivist.store.base import Store
from archivist.web.pages.chronology import Chronology
from archivist.web.pages.dating import date_meaning, short_date
from archivist.web.pages.highlights import Expander, find_marks, fold, query_patterns
from archivist.web.pages.network import build_network
from archivist.web.pages.searching import FACET_LABELS, SearchState
from archivist.web.pages.text import reader_text
from archivist.web.pages.timeline import build_strip, build_timeline

__all__ = ["CITATION_LABELS", "page_router"]

#: The cite box's formats, as the page names them.
CITATION_LABELS = {"chicago": "Chicago", "csl-json": "CSL-JSON", "bibtex": "BibTeX", "ris": "RIS"}
PEOPLE_PAGE = 60
RECORDS_PAGE = 200
#: Records a network of a search is drawn from: the best-ranked ones.
NETWORK_RECORDS = 200


def _fragment(request: Request, target: str) -> bool:
    """True when htmx asks for the block `target` only (never for a history restore, which
    needs the whole page)."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-target") == target
        and headers.get("hx-history-restore-request") != "true"
    )


def _script_json(data: Any) -> Markup:
    """JSON safe inside <script>: no '<', '>' or '&' a record's text could close it with."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def _marked(text: str | None, pattern: Any) -> Markup:
    """`text` escaped, with the matches of a search marked."""
    if not text:
        return Markup("")
    if pattern is None:
        return escape(text)
    out: list[str] = []
    position = 0
    for match in pattern.finditer(fold(text)):
        if match.end() == match.start():
            continue
        out.append(str(escape(text[position:match.start()])))
        out.append(f"<mark>{escape(text[match.start():match.end()])}</mark>")
        position = match.end()
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


def page_router(store: Store, index: SearchIndex, templates: Jinja2Blocks) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    chronology = Chronology(store)
    expander: Expander | None = None
    if hasattr(index, "spellings") and hasattr(index, "analyze"):
        from archivist.search.variants import expand

        # The search's own spellings of persons, so `Mao Tse-tung` marks "Mao Zedong" too.
        expander = lambda tree: expand(tree, index.spellings, index.analyze)  # type: ignore[attr-defined]  # noqa: E731

    def render(request: Request, name: str, context: dict[str, Any], *, status: int = 200, block: str | None = None) -> Response:
        return templates.TemplateResponse(request, name, context, status_code=status, block_name=block)

    def not_found(request: Request, what: str, message: str) -> Response:
        return render(request, "not_found.html", {"what": what, "message": message}, status=404)

    # -- home -------------------------------------------------------------------------------

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        total = store.count()
        facets = index.facets("", names=("decade", "year", "lang", "archive", "type"), size=8) if total else {}
        years = [int(v.value) for v in facets.get("year", [])]
        last = store.last_change()
        recent: dict[str, Any] = {}
        for change in reversed(store.changes(after=max(0, last - 24), limit=24)):
            recent.setdefault(change.document.id, change.document)
        return render(
            request,
            "home.html",
            {
                "total": total,
                "facets": facets,
                "first_year": min(years) if years else None,
                "last_year": max(years) if years else None,
                "people": index.people("", limit=10)[1] if total else [],
                "recent": list(recent.values())[:8],
                "short_date": short_date,
            },
        )

    @router.get("/records", response_class=HTMLResponse)
    # Bounded: SQLite takes a 64-bit OFFSET, and a bigger number would be a server error.
    def records(request: Request, offset: int = Query(0, ge=0, le=2**62)) -> Response:
        total = store.count()
        page = store.list(limit=RECORDS_PAGE, offset=offset)
        return render(
            request,
            "records.html",
            {
                "records": page,
                "total": total,
                "offset": offset,
                "previous": max(offset - RECORDS_PAGE, 0) if offset else None,
                "next": offset + RECORDS_PAGE if offset + RECORDS_PAGE < total else None,
                "short_date": short_date,
            },
        )

    # -- search -----------------------------------------------------------------------------

    @router.get("/search", response_class=HTMLResponse)
    def search(request: Request) -> Response:
        state = SearchState.of(request.query_params)
        context: dict[str, Any] = {"state": state, "labels": FACET_LABELS, "sorts": SORTS, "short_date": short_date}
        status = 200
        try:
            results = index.search(
                state.q, selected=state.as_selection(), sort=state.sort, offset=state.offset,
                limit=state.limit, facets=True, facet_size=12,
            )
            context["results"] = results
            context["error"] = None
        except QueryError as error:
            context["results"] = None
            context["error"] = error
            status = 400
        block = "results" if _fragment(request, "search-results") else None
        return render(request, "search.html", context, status=status, block=block)

    # -- the reader -------------------------------------------------------------------------

    @router.get("/documents/{record_id}", response_class=HTMLResponse)
    def document(request: Request, record_id: str, q: str = "", view: str = "reading") -> Response:
        try:
            record = store.get(record_id)
        except NotFoundError:
            return not_found(request, "record", f"There is no record with the id “{record_id}” in this archive.")
        pattern = query_patterns(q, expander) if q else None
        marks = find_marks(record, pattern)
        text = reader_text(record, marks)
        neighbours = chronology.neighbours(record.id)
        citations = {name: cite(record, name) for name in CITATION_FORMATS}
        sides: dict[str, list[Any]] = {}
        for participant in record.participants:
            sides.setdefault(participant.side or "", []).append(participant)
        context = {
            "record": record,
            "q": q,
            "view": "original" if view == "original" else "reading",
            "title": _marked(record.title or record.id, pattern),
            "text": text,
            "meaning": date_meaning(record.date),
            "event_meaning": date_meaning(record.event_date) if record.event_date and record.event_date.edtf != record.date.edtf else None,
            "neighbours": neighbours,
            "citations": citations,
            "citation_labels": CITATION_LABELS,
            "csl_json": _script_json(csl_item(record)),
            "meta_tags": meta_tags(record),
            "sides": sides,
            "short_date": short_date,
        }
        block = "text" if _fragment(request, "record-text") else None
        return render(request, "document.html", context, block=block)

    # -- people -----------------------------------------------------------------------------

    @router.get("/people", response_class=HTMLResponse)
    def people(request: Request, prefix: str = Query("", max_length=100), offset: int = Query(0, ge=0, le=100_000)) -> Response:
        prefix = prefix.strip()
        found = store.persons(prefix=prefix or None, limit=PEOPLE_PAGE + 1, offset=offset)
        letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
        context = {
            "persons": found[:PEOPLE_PAGE],
            "prefix": prefix,
            "offset": offset,
            "letters": letters,
            "previous": max(offset - PEOPLE_PAGE, 0) if offset else None,
            "next": offset + PEOPLE_PAGE if len(found) > PEOPLE_PAGE else None,
        }
        block = "list" if _fragment(request, "people-list") else None
        return render(request, "people.html", context, block=block)

    @router.get("/people/{person_id}", response_class=HTMLResponse)
    def person(request: Request, person_id: str) -> Response:
        try:
            page = person_page(store, person_id)
        except NotFoundError:
            return not_found(request, "person", f"There is no person with the id “{person_id}” in the authority file or the records.")
        titles = {d["id"]: d for d in page.documents}
        turns: dict[str, list[Any]] = {}
        for turn in page.turns:
            turns.setdefault(turn.document_id, []).append(turn)
        context = {
            "person": page,
            "titles": titles,
            "strip": build_strip(page.documents),
            "turns": turns,
            "short_date": short_date,
        }
        return render(request, "person.html", context)

    # -- browse, timeline, network ----------------------------------------------------------

    @router.get("/browse", response_class=HTMLResponse)
    def browse(request: Request) -> Response:
        facets = index.facets("", names=("year", "decade", "archive", "lang", "type", "classification"), size=100)
        return render(request, "browse.html", {"facets": facets, "total": store.count(), "labels": FACET_LABELS})

    @router.get("/timeline", response_class=HTMLResponse)
    def timeline(
        request: Request,
        start: str = Query("", alias="from", max_length=10),
        end: str = Query("", alias="to", max_length=10),
    ) -> Response:
        state = SearchState.of(request.query_params)
        context: dict[str, Any] = {"state": state, "start": start, "end": end, "labels": FACET_LABELS, "error": None, "timeline": None}
        status = 200
        try:
            context["timeline"] = build_timeline(index, state, start or None, end or None)
        except QueryError as error:
            context["error"] = error
            status = 400
        block = "chart" if _fragment(request, "timeline-chart") else None
        return render(request, "timeline.html", context, status=status, block=block)

    @router.get("/network", response_class=HTMLResponse)
    def network(request: Request, centre: str = Query("", max_length=200)) -> Response:
        state = SearchState.of(request.query_params)
        context: dict[str, Any] = {"state": state, "centre": None, "error": None, "network": None, "labels": FACET_LABELS}
        status = 200
        if centre:
            try:
                page = person_page(store, centre, co_limit=0)
            except NotFoundError:
                return not_found(request, "person", f"There is no person with the id “{centre}” in the authority file or the records.")
            context["centre"] = page
            context["network"] = build_network(store, [d["id"] for d in page.documents], centre=centre)
        else:
            try:
                ids: list[str] = []
                while len(ids) < NETWORK_RECORDS:
                    found = index.search(
                        state.q, selected=state.as_selection(), offset=len(ids),
                        limit=min(MAX_LIMIT, NETWORK_RECORDS - len(ids)), snippets=False,
                    )
                    ids += [hit.id for hit in found.hits]
                    if not found.hits or len(ids) >= found.total:
                        break
                context["network"] = build_network(store, ids)
            except QueryError as error:
                context["error"] = error
                status = 400
        return render(request, "network.html", context, status=status)

    return router
