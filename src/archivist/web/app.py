"""The web application: `create_app(db)` gives a FastAPI app that reads one archive.

The reading room's pages (`web/pages/`), the JSON API under `/api`, OAI-PMH at `/oai`, and a
health check at `/health`. It is thin on purpose: each handler asks the library and renders;
no SQL here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from archivist.store import open_store
from archivist.web.citations import citation_router
from archivist.web.oai import oai_router
from archivist.web.api import create_router
from archivist.web.pages import install_pages

__all__ = ["create_app"]


def create_app(db: str | Path) -> FastAPI:
    """An app serving the archive in `db` (a SQLite path or a store URL)."""
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

    # The reading room: home, search, the reader, people, browse, timeline, network.
    install_pages(app, store)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "records": store.count()}

    return app
