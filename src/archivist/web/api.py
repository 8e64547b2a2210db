"""The JSON API: `create_router(store)` gives the `/api` routes, mounted by `create_app`.

    GET  /api/documents                search (q, facet selections, sort, paging, facets)
    GET  /api/documents/{id}           the record's JSON form
    GET  /api/documents/{id}/original  the file it was read from, byte for byte
    POST /api/documents                upload one export and ingest it (needs the API token)
    GET  /api/people                   persons the records name, by how many records
    GET  /api/people/{id}              one person of the authority, with their spellings
    GET  /api/facets                   facet counts for a query
    GET  /api/stats                    how many records, how much of them indexed

Read endpoints are open. Writes need `Authorization: Bearer <token>` with the token set as the
`api_token` setting (`ARCHIVIST_API_TOKEN`); with no token set, writes are disabled. Every
handler parses its input, calls one library function and shapes the answer: no SQL and no
search logic here. A malformed query is a 400 whose `detail` names the problem and position.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import asdict
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from archivist import collection
from archivist.errors import NotFoundError, QueryError
from archivist.search import FACETS, MAX_LIMIT, MAX_OFFSET, SORTS, SearchIndex, open_index
from archivist.settings import Settings
from archivist.store.base import Store

__all__ = ["create_router"]


# -- response shapes (they are the OpenAPI schema) -----------------------------------------


class QueryProblem(BaseModel):
    message: str = Field(description="What is wrong with the query and what to write instead")
    position: int = Field(description="Offset (from 0) in the query of the character where the problem is")
    query: str


class QueryErrorBody(BaseModel):
    detail: QueryProblem


class Problem(BaseModel):
    detail: str


class SnippetOut(BaseModel):
    text: str = Field(description="An excerpt of one passage; '…' marks where it was cut")
    html: str = Field(description="The excerpt, escaped, with each match in <mark>")
    highlights: list[list[int]] = Field(description="[start, end] offsets of the matches in `text`")
    start: int = Field(description="Where the excerpt begins in the record's text")
    end: int
    kind: str = Field(description="The passage's block kind: paragraph, turn, reported ...")
    speaker: str | None = Field(description="Who holds the passage, for a speaker's turn")
    matched: list[str] = Field(description="What matched as it reads; a repaired reading notes the printed form")


class MatchOut(BaseModel):
    query: str = Field(description="The words as the query has them")
    matched: str = Field(description="The spelling that matched, as the record reads")
    printed: str = Field(description="The same, as the record prints it")
    via: str = Field(description="'authority' (another spelling of the person) or 'repair' (an OCR repair)")
    label: str | None


class HitOut(BaseModel):
    id: str
    title: str | None
    date: str | None = Field(description="EDTF")
    score: float | None = Field(description="BM25 score; null when sorted by date")
    snippets: list[SnippetOut]
    variants: list[MatchOut]


class FacetValueOut(BaseModel):
    value: str
    count: int
    label: str | None


class SearchPage(BaseModel):
    query: str
    parsed: str = Field(description="The query as understood, in canonical form")
    total: int
    offset: int
    limit: int
    sort: str
    hits: list[HitOut]
    facets: dict[str, list[FacetValueOut]]
    selected: dict[str, list[str]]
    notes: list[str]


class PersonOut(BaseModel):
    id: str
    name: str
    preferred: str
    variants: list[str]
    birth_year: int | None
    death_year: int | None
    records: int = Field(description="How many records of the archive name this person")


class PeoplePage(BaseModel):
    total: int
    offset: int
    limit: int
    people: list[PersonOut]


class Stats(BaseModel):
    records: int
    indexed: int
    watermark: int = Field(description="The store's last change number the index has taken in")
    last_change: int = Field(description="The store's last change number")
    years: list[int] = Field(description="First and last year of the dated records; empty for none")
    languages: int = Field(description="How many original languages")


class IngestOut(BaseModel):
    path: str
    action: str = Field(description="added, updated, unchanged or failed")
    id: str | None
    reason: str | None
    warnings: list[str]


# -- the routes ----------------------------------------------------------------------------

_QUERY_ERROR = {400: {"model": QueryErrorBody, "description": "The query cannot be read"}}
_NOT_FOUND = {404: {"model": Problem, "description": "No such record or person"}}

Selection = Annotated[list[str] | None, Query()]
# Years and decades are numbers; the schema says so, so a bad one is a 422 like any bad parameter.
YearSelection = Annotated[list[Annotated[str, Field(pattern=r"^[0-9]{4}$")]] | None, Query(description="e.g. 1956")]
DecadeSelection = Annotated[
    list[Annotated[str, Field(pattern=r"^[0-9]{3}0s?$")]] | None, Query(description="e.g. 1950 or 1950s")
]


def create_router(store: Store, *, token: str | None = None, index: SearchIndex | None = None) -> APIRouter:
    """The `/api` routes over `store`. `token` defaults to the `api_token` setting."""
    settings = Settings()
    write_token = str(settings.get("api_token")) if token is None else token
    max_bytes = int(settings.get("max_file_bytes"))
    # Opening the index catches it up with the store: a server starts with every record.
    searchable = index if index is not None else open_index(store)
    router = APIRouter(prefix="/api", tags=["api"])

    def selected_of(request: Request) -> dict[str, list[str]]:
        return {name: request.query_params.getlist(name) for name in FACETS if request.query_params.getlist(name)}

    @router.get("/documents", response_model=SearchPage, responses=_QUERY_ERROR, summary="Search the records")
    def documents(
        request: Request,
        q: Annotated[str, Query(description="A query in the query language; empty for a browse", max_length=2000)] = "",
        sort: Annotated[str, Query(description=" or ".join(SORTS), pattern=f"^({'|'.join(SORTS)})$")] = "relevance",
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 20,
        facets: Annotated[bool, Query(description="Count the matches by every facet")] = False,
        facet_size: Annotated[int, Query(ge=1, le=100)] = 10,
        year: YearSelection = None,
        decade: DecadeSelection = None,
        lang: Selection = None,
        archive: Selection = None,
        type: Selection = None,
        classification: Selection = None,
        person: Selection = None,
        speaker: Selection = None,
        translator: Selection = None,
    ) -> Any:
        """Records matching `q`, narrowed by facet values (`lang=Russian&lang=Chinese&year=1956`:
        values of one facet ORed, facets ANDed), ranked by relevance or sorted by date, with
        snippets of the passages that matched and, with `facets=true`, facet counts."""
        try:
            results = searchable.search(
                q, selected=selected_of(request), sort=sort, offset=offset, limit=limit,
                facets=facets, facet_size=facet_size,
            )
        except QueryError as error:
            return _query_error(error, q)
        return results.to_dict()

    @router.get("/documents/{id}", responses=_NOT_FOUND, summary="One record's JSON form")
    def document(id: str) -> dict[str, Any]:
        try:
            return store.get(id).to_dict()
        except NotFoundError:
            raise HTTPException(404, f"no record with id {id!r}") from None

    @router.get(
        "/documents/{id}/original",
        response_class=Response,
        responses={200: {"content": {"application/octet-stream": {}}, "description": "The original file's bytes"}, **_NOT_FOUND},
        summary="The file a record was read from, byte for byte",
    )
    def original(id: str) -> Response:
        try:
            record = store.get(id)
        except NotFoundError:
            raise HTTPException(404, f"no record with id {id!r}") from None
        name = re.sub(r"[^A-Za-z0-9._-]", "_", PurePath(record.source.path).name) or "original"
        return Response(
            record.source.original,
            media_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @router.post(
        "/documents",
        response_model=IngestOut,
        status_code=201,
        responses={
            401: {"model": Problem, "description": "No token, or the wrong one"},
            403: {"model": Problem, "description": "Writes are disabled: no API token is configured"},
            413: {"model": Problem, "description": "The file is larger than the max_file_bytes setting"},
            400: {"model": IngestOut, "description": "The file could not be read as a record"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
        summary="Upload one export file and ingest it",
    )
    async def upload(
        request: Request,
        filename: Annotated[str, Query(min_length=1, max_length=255, description="The file's name, e.g. d2.txt")],
        authorization: Annotated[str | None, Header()] = None,
    ) -> Any:
        """Read the request body as one export file, enrich it and store it; the search index
        takes it in before the answer. Needs `Authorization: Bearer <api_token>`."""
        if not write_token:
            raise HTTPException(403, "writes are disabled: set the api_token setting (ARCHIVIST_API_TOKEN) to enable them")
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), write_token.encode()):
            raise HTTPException(401, "give the API token as 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"})
        data = bytearray()
        async for chunk in request.stream():
            data.extend(chunk)
            if len(data) > max_bytes:
                raise HTTPException(413, f"the file is more than the {max_bytes:,}-byte limit for one record")
        name = PurePath(filename).name or "upload"
        result = collection.ingest_bytes(name, bytes(data), store)
        body = IngestOut(path=result.path, action=result.action, id=result.id, reason=result.reason, warnings=list(result.warnings))
        return JSONResponse(body.model_dump(), status_code=400 if result.action == "failed" else 201)

    @router.get("/people", response_model=PeoplePage, summary="Persons the records name")
    def people(
        q: Annotated[str, Query(description="Words of the name, in any spelling", max_length=200)] = "",
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    ) -> Any:
        """Persons of the authority that the archive's records name, most often named first."""
        total, found = searchable.people(q, offset=offset, limit=limit)
        return {"total": total, "offset": offset, "limit": limit, "people": [asdict(p) for p in found]}

    @router.get("/people/{id}", response_model=PersonOut, responses=_NOT_FOUND, summary="One person")
    def person(id: str) -> Any:
        found = searchable.person(id)
        if found is None:
            raise HTTPException(404, f"no person with id {id!r} in the authority")
        return asdict(found)

    @router.get(
        "/facets", response_model=dict[str, list[FacetValueOut]], responses=_QUERY_ERROR, summary="Facet counts"
    )
    def facets(
        request: Request,
        q: Annotated[str, Query(max_length=2000)] = "",
        size: Annotated[int, Query(ge=1, le=100)] = 10,
        year: YearSelection = None,
        decade: DecadeSelection = None,
        lang: Selection = None,
        archive: Selection = None,
        type: Selection = None,
        classification: Selection = None,
        person: Selection = None,
        speaker: Selection = None,
        translator: Selection = None,
    ) -> Any:
        """Counts of the records matching `q` and the selections, by each facet."""
        try:
            counted = searchable.facets(q, selected=selected_of(request), size=size)
        except QueryError as error:
            return _query_error(error, q)
        return {name: [asdict(value) for value in values] for name, values in counted.items()}

    @router.get("/stats", response_model=Stats, summary="The archive in numbers")
    def stats() -> Any:
        counted = searchable.facets("", names=("year", "lang"), size=1000)
        years = [int(v.value) for v in counted["year"]]
        return {
            "records": store.count(),
            "indexed": searchable.count(),
            "watermark": searchable.watermark,
            "last_change": store.last_change(),
            "years": [min(years), max(years)] if years else [],
            "languages": len(counted["lang"]),
        }

    return router


def _query_error(error: QueryError, query: str) -> JSONResponse:
    problem = QueryProblem(message=error.message, position=error.position, query=error.query or query)
    return JSONResponse({"detail": problem.model_dump()}, status_code=400)

