"""The web application: `create_app(db)` gives a FastAPI app that reads one archive.

A placeholder for the reading room: a list of records at `/` and a health check at `/health`.
It is thin on purpose: each handler asks the store and renders; no SQL here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from archivist.store import open_store
from archivist.web.citations import citation_router
from archivist.web.oai import oai_router
from archivist.web.api import create_router

__all__ = ["PAGE_SIZE", "create_app"]

#: Records on one page of the list; the store pages, so a large archive stays quick to show.
PAGE_SIZE = 200

_TEMPLATES = Path(__file__).parent / "templates"


def create_app(db: str | Path) -> FastAPI:
    """An app serving the archive in `db` (a SQLite path or a store URL)."""
    # Titles and every other field come from archive files, never trusted: escape everything,
    # whatever the template's file name.
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    templates = Jinja2Templates(env=environment)
    # One store for the app's life: opening one checks and migrates the schema under a write
    # lock, too much to do per request. The SQLite store guards its connection for the
    # worker threads FastAPI runs these handlers on.
    store = open_store(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="archivist",
        summary="A digital archive for translated historical primary sources",
        lifespan=lifespan,
    )
    # OAI-PMH for harvesters, and citations of a record or of a search's results.
    app.include_router(oai_router(store))
    app.include_router(citation_router(store))
    # The JSON API (search, records, people) over the same store; opening it catches the
    # search index up with the store.
    app.include_router(create_router(store))

    @app.get("/", response_class=HTMLResponse)
    # Bounded: SQLite takes a 64-bit OFFSET, and a bigger number would be a server error.
    def records(request: Request, offset: int = Query(0, ge=0, le=2**62)) -> Any:
        total = store.count()
        page = store.list(limit=PAGE_SIZE, offset=offset)
        return templates.TemplateResponse(
            request,
            "records.html",
            {
                "records": page,
                "total": total,
                "offset": offset,
                "previous": max(offset - PAGE_SIZE, 0) if offset else None,
                "next": offset + PAGE_SIZE if offset + PAGE_SIZE < total else None,
            },
        )

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "records": store.count()}

    return app
