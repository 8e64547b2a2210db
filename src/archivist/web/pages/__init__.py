"""The reading room: the web pages historians search, read and explore the archive with.

`install_pages(app, store)` adds them to an app: the routes (`routes.py`), the static files
(the stylesheet and htmx, committed from the npm package `htmx.org@2`), and a 404 page with a
way back for any address outside the API. Pages are rendered on the server and work without
JavaScript; htmx only swaps the part of a page that changed.

The parts, by what they produce: `text.py` the reader's text with its annotations in place,
`highlights.py` a search's words found again in a record, `dating.py` a date in words,
`searching.py` a search as its URL holds it, `timeline.py` and `network.py` the two pictures,
`chronology.py` a record's previous and next by date.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.exceptions import HTTPException as StarletteHTTPException

from archivist.authority import default_authority
from archivist.search import SearchIndex, open_index
from archivist.store.base import Store
from archivist.web.pages.routes import page_router

__all__ = ["STATIC", "TEMPLATES", "install_pages", "page_templates"]

_WEB = Path(__file__).resolve().parents[1]
TEMPLATES = _WEB / "templates"
STATIC = _WEB / "static"
#: Path prefixes that answer in JSON or XML, whose errors stay as their routers give them.
_MACHINE_PATHS = ("/api", "/oai", "/openapi.json", "/docs", "/redoc", "/health", "/static")


def page_templates() -> Jinja2Blocks:
    """The pages' templates. Every field of a record comes from an archive file and is never
    trusted: autoescape is on for every template, whatever its name."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # An id in a path is quoted whole: Jinja's urlencode keeps "/", which would split it.
    environment.filters["segment"] = lambda value: quote(str(value), safe=":")
    # A stable id for any value (a facet's), so htmx can keep focus on it across a swap.
    environment.filters["anchor"] = lambda value: "v" + hashlib.sha1(str(value).encode("utf-8")).hexdigest()[:12]
    return Jinja2Blocks(env=environment)


def install_pages(app: FastAPI, store: Store, index: SearchIndex | None = None) -> None:
    """Add the reading room to `app`, over `store` and its search index."""
    templates = page_templates()
    # The person authority takes seconds to load; load it now, beside start-up, rather than
    # in the first reader's request for a person page.
    threading.Thread(target=default_authority, name="authority", daemon=True).start()
    # The API's router catches the index up as the app starts; pages read the same folder.
    searchable = index if index is not None else open_index(store, catch_up=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(page_router(store, searchable, templates))

    # Starlette's HTTPException is the base of FastAPI's: one handler sees both.
    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, error: StarletteHTTPException) -> Response:
        path = request.url.path
        if error.status_code != 404 or path.startswith(_MACHINE_PATHS):
            from fastapi.exception_handlers import http_exception_handler

            return await http_exception_handler(request, error)
        return templates.TemplateResponse(
            request,
            "not_found.html",
            {"what": "page", "message": f"There is no page at {path}."},
            status_code=404,
        )

