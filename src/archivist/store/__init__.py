"""Where records are kept. `open_store` turns a path or URL into a Store.

A plain path or a `sqlite:///path` URL opens the embedded SQLite store; a `postgresql://` (or
`postgres://`) URL opens the PostgreSQL server store, over TCP (`postgresql://user@host/db`) or
a unix socket (`postgresql:///db?host=/var/run/postgresql`).
"""

from __future__ import annotations

import os
from pathlib import Path

from archivist.errors import StoreError
from archivist.store.base import AddResult, HistoryEntry, RecordSummary, Store
from archivist.store.sqlite import SQLiteStore

__all__ = ["AddResult", "HistoryEntry", "RecordSummary", "SQLiteStore", "Store", "is_postgres", "open_store"]

_SQLITE_PREFIX = "sqlite:///"
_POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def open_store(url_or_path: str | os.PathLike[str]) -> Store:
    """Open the store at a path (`archive.db`), `sqlite:///archive.db`, or `postgresql://...`.

    As with SQLAlchemy URLs, `sqlite:///archive.db` is relative and `sqlite:////srv/archive.db`
    is absolute.
    """
    if isinstance(url_or_path, Path):
        return SQLiteStore(url_or_path)
    target = os.fspath(url_or_path)
    if target.startswith(_SQLITE_PREFIX):
        path = target[len(_SQLITE_PREFIX):]
        if not path:
            raise StoreError(f"{target!r} names no file; write sqlite:///archive.db")
        return SQLiteStore(path)
    if target.startswith(_POSTGRES_PREFIXES):
        # Imported here: psycopg is only loaded by those who use the server store.
        from archivist.settings import Settings
        from archivist.store.postgres import PostgresStore

        return PostgresStore(target, pool_size=int(Settings().get("pool_size")))
    if "://" in target:
        scheme = target.split("://", 1)[0]
        raise StoreError(
            f"unknown store URL scheme {scheme!r} in {_redact(target)}; "
            "give a file path, sqlite:///path or postgresql://host/db"
        )
    return SQLiteStore(target)


def is_postgres(url_or_path: str | os.PathLike[str]) -> bool:
    """Whether `url_or_path` names a PostgreSQL store rather than a SQLite file."""
    return not isinstance(url_or_path, Path) and os.fspath(url_or_path).startswith(_POSTGRES_PREFIXES)


def _redact(url: str) -> str:
    """The URL with any password replaced, so it can go into an error message or a log."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if at and ":" in credentials:
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
