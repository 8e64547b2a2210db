"""Citations over HTTP: one record's (`GET /api/documents/{id}/cite`) and a search's
bibliography (`GET /api/cite?q=...`), in Chicago, CSL-JSON, BibTeX or RIS (`format=`)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from archivist.errors import ArchivistError, NotFoundError, QueryError
from archivist.export import CITATION_FORMATS
from archivist.export.bibliography import MAX_RECORDS, bibliography, cite, media_type, search_records
from archivist.store.base import Store

__all__ = ["citation_router"]

_FORMAT = Query("csl-json", description=f"One of {', '.join(CITATION_FORMATS)}.")


def _checked(name: str) -> str:
    if name not in CITATION_FORMATS:
        raise HTTPException(400, f"unknown citation format {name!r}; formats: {', '.join(CITATION_FORMATS)}")
    return name


def citation_router(store: Store) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["citations"])

    @router.get("/documents/{id}/cite", summary="One record's citation")
    def cite_document(id: str, format: str = _FORMAT) -> Response:
        name = _checked(format)
        try:
            document = store.get(id)
        except NotFoundError:
            raise HTTPException(404, f"no record with id {id!r}") from None
        return Response(cite(document, name), media_type=media_type(name))

    @router.get("/cite", summary="The bibliography of a search")
    def cite_search(
        q: str = Query("", description="A query in the search language; empty cites every record."),
        format: str = _FORMAT,
        limit: int = Query(100, ge=1, le=MAX_RECORDS),
    ) -> Response:
        name = _checked(format)
        try:
            documents = search_records(store, q, limit=limit)
        except QueryError as exc:
            raise HTTPException(400, str(exc)) from None
        except ArchivistError as exc:
            raise HTTPException(400, str(exc)) from None
        return Response(bibliography(documents, name), media_type=media_type(name))

    return router
