"""The server store: PostgreSQL through psycopg 3 and a connection pool.

The layout mirrors the SQLite store's table for table (`documents`, `originals`, `history`,
`changes`, `mentions`, `enrichments`, `schema_migrations`), so both answer every call of the
`Store` interface the same way and `archivist migrate` can copy one into the other exactly.

Differences that matter:

- Ids and dates are `COLLATE "C"`: records list and page in the byte order SQLite uses,
  whatever locale the server was initialised with.
- The JSON form is kept as `text`, not `jsonb`: `jsonb` refuses `\\u0000` and rewrites the
  text, and the store must give back exactly what it was given.
- The change feed must be numbered in commit order, but a sequence hands out numbers when a
  row is inserted, not when it commits: two writers could commit 11 before 10, and a reader
  that took 11 as its watermark would never see 10. Every write therefore holds one
  transaction-scoped advisory lock from its first check to its commit, which also makes two
  adds of the same new id wait for each other instead of one failing on the primary key.

Connection URLs: `postgresql://user:password@host:5432/dbname`, `postgres://...`, or a unix
socket folder: `postgresql:///dbname?host=/var/run/postgresql`.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from archivist.document import Document
from archivist.errors import NotFoundError, SchemaError, StoreError
from archivist.store.base import (
    AddResult,
    Change,
    HistoryEntry,
    MentionRow,
    PersonCount,
    RecordSummary,
    Stamp,
    Store,
    StoredRecord,
    Version,
)
from archivist.store.sqlite import _now

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "PostgresStore", "changes_in", "conninfo", "redact"]

#: Migration n (1-based) is MIGRATIONS[n - 1]. Append only, as for SQLite.
MIGRATIONS: list[tuple[str, ...]] = [
    (
        """
        CREATE TABLE originals (
            sha256 text COLLATE "C" PRIMARY KEY,
            bytes  bytea NOT NULL
        )
        """,
        """
        CREATE TABLE documents (
            id            text COLLATE "C" PRIMARY KEY,
            sha256        text COLLATE "C" NOT NULL REFERENCES originals (sha256),
            format        text NOT NULL,
            path          text NOT NULL,
            title         text,
            date_edtf     text,
            date_earliest text COLLATE "C",
            date_latest   text COLLATE "C",
            json          text NOT NULL,
            added_at      text COLLATE "C" NOT NULL,
            updated_at    text COLLATE "C" NOT NULL
        )
        """,
        # The same order as `list`'s ORDER BY, so a page is an index walk.
        "CREATE INDEX documents_by_date ON documents (date_earliest NULLS LAST, id)",
        "CREATE INDEX documents_by_sha256 ON documents (sha256)",
        """
        CREATE TABLE history (
            n           bigserial PRIMARY KEY,
            id          text COLLATE "C" NOT NULL,
            sha256      text COLLATE "C" NOT NULL REFERENCES originals (sha256),
            path        text NOT NULL,
            replaced_at text COLLATE "C" NOT NULL
        )
        """,
        "CREATE INDEX history_by_id ON history (id, n)",
    ),
    (
        """
        CREATE TABLE changes (
            seq bigserial PRIMARY KEY,
            id  text COLLATE "C" NOT NULL UNIQUE
        )
        """,
    ),
    (
        """
        CREATE TABLE mentions (
            document_id  text COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            kind         text NOT NULL,
            authority_id text COLLATE "C",
            canonical    text,
            text         text NOT NULL,
            start        integer NOT NULL,
            "end"        integer NOT NULL
        )
        """,
        "CREATE INDEX mentions_by_document ON mentions (document_id)",
        "CREATE INDEX mentions_by_authority ON mentions (kind, authority_id)",
    ),
    (
        # Which pipeline (code, authority, settings) last enriched a record, and from which
        # bytes: `archivist enrich` skips what is already done, so a killed run is resumed.
        """
        CREATE TABLE enrichments (
            id          text COLLATE "C" PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
            fingerprint text NOT NULL,
            sha256      text COLLATE "C" NOT NULL
        )
        """,
    ),
]

SCHEMA_VERSION = len(MIGRATIONS)

#: Key of the advisory lock every write holds until it commits (see the module's docstring).
_WRITE_LOCK = 0x61726368  # "arch"
#: Key of the lock that makes two processes opening a new database migrate it one at a time.
_MIGRATION_LOCK = 0x61726369

_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
_SUMMARY_COLUMNS = "id, date_edtf, title, format, sha256"
_MENTION_COLUMNS = 'document_id, kind, authority_id, canonical, text, start, "end"'


def conninfo(url: str) -> str:
    """The libpq URL for a store URL (`postgresql+psycopg://` is SQLAlchemy's spelling)."""
    for scheme in _SCHEMES:
        if url.startswith(scheme):
            return "postgresql://" + url[len(scheme):]
    raise StoreError(f"{redact(url)} is not a PostgreSQL URL; write postgresql://user@host/dbname")


def redact(url: str) -> str:
    """The URL with any password replaced, so it can go into an error message or a log."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if at and ":" in credentials:
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


class PostgresStore(Store):
    """Records in the PostgreSQL database at `url`; the tables are created if missing.

    `pool_size` bounds the connections this process holds: the web server's worker threads
    share them, each borrowing one for a call.
    """

    def __init__(self, url: str, *, pool_size: int = 10):
        self.url = redact(url)
        self._conninfo = conninfo(url)
        self._closed = False
        self._lock = threading.Lock()
        try:
            # One plain connection first: a wrong host, password or database name is reported
            # at once rather than after the pool's background retries.
            with psycopg.connect(self._conninfo, connect_timeout=15) as connection:
                self._migrate(connection)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the store at {self.url}: {_one_line(exc)}") from exc
        self._pool = ConnectionPool(
            self._conninfo,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs={"connect_timeout": 15},
            name="archivist",
            open=True,
        )

    def __repr__(self) -> str:
        return f"PostgresStore({self.url!r})"

    # -- opening ---------------------------------------------------------------------------

    def _migrate(self, connection: psycopg.Connection) -> None:
        current = self._schema_version_or_none(connection)
        if current == SCHEMA_VERSION:
            return
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            tables = {
                row[0]
                for row in connection.execute(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                )
            }
            if "schema_migrations" not in tables and tables:
                raise StoreError(
                    f"{self.url} is a PostgreSQL database but not an archivist store "
                    f"(it has tables {', '.join(sorted(tables))} and no schema_migrations); "
                    "give a new database"
                )
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, applied_at text NOT NULL)"
            )
            current = connection.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise SchemaError(
                    f"{self.url} has schema version {current}, newer than the {SCHEMA_VERSION} "
                    "this archivist knows; upgrade archivist to open it (the store was not changed)"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version - 1]:
                    connection.execute(statement)
                connection.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (%s, %s)", (version, _now())
                )

    @staticmethod
    def _schema_version_or_none(connection: psycopg.Connection) -> int | None:
        found = connection.execute("SELECT to_regclass('schema_migrations')").fetchone()[0]
        if found is None:
            connection.rollback()
            return None
        version = connection.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        connection.rollback()
        return version

    @property
    def schema_version(self) -> int:
        with self._connection() as connection:
            return connection.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection inside one transaction, committed when the block ends cleanly."""
        if self._closed:
            raise StoreError(f"the store at {self.url} is closed")
        try:
            with self._pool.connection() as connection:
                yield connection
        except PoolTimeout as exc:
            raise StoreError(
                f"every one of the {self._pool.max_size} connections to {self.url} stayed busy for "
                f"{self._pool.timeout:.0f} s; raise the pool_size setting (ARCHIVIST_POOL_SIZE)"
            ) from exc
        except psycopg.OperationalError as exc:
            raise StoreError(f"the store at {self.url} cannot be reached: {_one_line(exc)}") from exc

    # -- writing ---------------------------------------------------------------------------

    def add(self, document: Document) -> AddResult:
        source = document.source
        original = source.original
        actual = hashlib.sha256(original).hexdigest()
        if actual != source.sha256:
            raise StoreError(
                f"record {document.id!r} from {source.path}: its original bytes hash to {actual[:12]}..., "
                f"not the source.sha256 {source.sha256[:12]}...; read the file again before storing it"
            )
        record = _json(document)
        date = document.date
        with self._connection() as connection:
            # Most adds of an ingest run again are of unchanged files: answer those without
            # taking the write lock.
            row = connection.execute("SELECT sha256 FROM documents WHERE id = %s", (document.id,)).fetchone()
            if row is not None and row[0] == source.sha256:
                return AddResult(document.id, "unchanged")
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            row = connection.execute(
                "SELECT sha256, path FROM documents WHERE id = %s", (document.id,)
            ).fetchone()
            if row is not None and row[0] == source.sha256:
                return AddResult(document.id, "unchanged")
            now = _now()
            connection.execute(
                "INSERT INTO originals (sha256, bytes) VALUES (%s, %s) ON CONFLICT (sha256) DO NOTHING",
                (source.sha256, original),
            )
            values = (
                source.sha256, source.format, source.path, document.title,
                date.edtf, date.earliest, date.latest, record,
            )
            if row is None:
                connection.execute(
                    "INSERT INTO documents (sha256, format, path, title, date_edtf, date_earliest,"
                    " date_latest, json, id, added_at, updated_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (*values, document.id, now, now),
                )
                result = AddResult(document.id, "added")
            else:
                connection.execute(
                    "INSERT INTO history (id, sha256, path, replaced_at) VALUES (%s, %s, %s, %s)",
                    (document.id, row[0], row[1], now),
                )
                connection.execute(
                    "UPDATE documents SET sha256 = %s, format = %s, path = %s, title = %s, date_edtf = %s,"
                    " date_earliest = %s, date_latest = %s, json = %s, updated_at = %s WHERE id = %s",
                    (*values, now, document.id),
                )
                result = AddResult(document.id, "updated", previous_sha256=row[0])
            _write_mentions(connection, document)
            _changed(connection, document.id)
        return result

    def save(self, document: Document) -> None:
        self.save_many([document])

    def save_many(self, documents: Sequence[Document], *, enrichment: str | None = None) -> int:
        if not documents:
            return 0
        saved = 0
        with self._connection() as connection:
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            for document in documents:
                row = connection.execute(
                    "SELECT sha256, json FROM documents WHERE id = %s", (document.id,)
                ).fetchone()
                if row is None:
                    raise self._not_found(document.id)
                if row[0] != document.source.sha256:
                    raise StoreError(
                        f"record {document.id!r} was read from other bytes than the stored ones; "
                        "use add() to store a new version"
                    )
                record = _json(document)
                if enrichment is None or record != row[1]:
                    connection.execute(
                        "UPDATE documents SET title = %s, date_edtf = %s, date_earliest = %s, date_latest = %s,"
                        " json = %s, updated_at = %s WHERE id = %s",
                        (document.title, document.date.edtf, document.date.earliest, document.date.latest,
                         record, _now(), document.id),
                    )
                    _write_mentions(connection, document)
                    _changed(connection, document.id)
                    saved += 1
                if enrichment is not None:
                    connection.execute(
                        "INSERT INTO enrichments (id, fingerprint, sha256) VALUES (%s, %s, %s)"
                        " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, sha256 = excluded.sha256",
                        (document.id, enrichment, document.source.sha256),
                    )
        return saved

    def stale(self, enrichment: str) -> list[str]:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT d.id FROM documents AS d LEFT JOIN enrichments AS e ON e.id = d.id"
                " WHERE e.id IS NULL OR e.fingerprint <> %s OR e.sha256 <> d.sha256 ORDER BY d.id",
                (enrichment,),
            ).fetchall()
        return [row[0] for row in rows]

    def restore(self, record: StoredRecord) -> str:
        document = record.document
        if hashlib.sha256(document.source.original).hexdigest() != document.source.sha256:
            raise StoreError(f"record {document.id!r}: its original bytes do not match its sha256; not restored")
        with self._connection() as connection:
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            row = connection.execute("SELECT sha256, json FROM documents WHERE id = %s", (document.id,)).fetchone()
            if row is not None and (row[0], row[1]) == (document.source.sha256, _json(document)) and \
                    self._history_of(connection, document.id) == [v.entry for v in record.history]:
                return "unchanged"
            for version in record.history:
                connection.execute(
                    "INSERT INTO originals (sha256, bytes) VALUES (%s, %s) ON CONFLICT (sha256) DO NOTHING",
                    (version.entry.sha256, version.original),
                )
            connection.execute(
                "INSERT INTO originals (sha256, bytes) VALUES (%s, %s) ON CONFLICT (sha256) DO NOTHING",
                (document.source.sha256, document.source.original),
            )
            connection.execute("DELETE FROM history WHERE id = %s", (document.id,))
            connection.execute("DELETE FROM documents WHERE id = %s", (document.id,))
            date = document.date
            connection.execute(
                "INSERT INTO documents (id, sha256, format, path, title, date_edtf, date_earliest, date_latest,"
                " json, added_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (document.id, document.source.sha256, document.source.format, document.source.path,
                 document.title, date.edtf, date.earliest, date.latest, _json(document),
                 record.added_at, record.updated_at),
            )
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO history (id, sha256, path, replaced_at) VALUES (%s, %s, %s, %s)",
                    [(document.id, v.entry.sha256, v.entry.path, v.entry.replaced_at) for v in record.history],
                )
            _write_mentions(connection, document)
            _changed(connection, document.id)
        return "restored" if row is None else "replaced"

    # -- reading ---------------------------------------------------------------------------

    def get(self, id: str) -> Document:
        with self._connection() as connection:
            row = connection.execute(
                "SELECT d.json, o.bytes FROM documents AS d JOIN originals AS o USING (sha256) WHERE d.id = %s",
                (id,),
            ).fetchone()
        if row is None:
            raise self._not_found(id)
        document = Document.from_dict(json.loads(row[0]))
        document.source.original = bytes(row[1])
        return document

    def stored(self, id: str) -> StoredRecord:
        with self._connection() as connection:
            row = connection.execute(
                "SELECT d.json, o.bytes, d.added_at, d.updated_at FROM documents AS d"
                " JOIN originals AS o USING (sha256) WHERE d.id = %s",
                (id,),
            ).fetchone()
            if row is None:
                raise self._not_found(id)
            versions = connection.execute(
                "SELECT h.sha256, h.path, h.replaced_at, o.bytes FROM history AS h"
                " JOIN originals AS o USING (sha256) WHERE h.id = %s ORDER BY h.n",
                (id,),
            ).fetchall()
        document = Document.from_dict(json.loads(row[0]))
        document.source.original = bytes(row[1])
        history = tuple(Version(HistoryEntry(s, p, r), bytes(b)) for s, p, r, b in versions)
        return StoredRecord(document, row[2], row[3], history)

    def original(self, id: str) -> bytes:
        with self._connection() as connection:
            row = connection.execute(
                "SELECT o.bytes FROM documents AS d JOIN originals AS o USING (sha256) WHERE d.id = %s", (id,)
            ).fetchone()
        if row is None:
            raise self._not_found(id)
        return bytes(row[0])

    def sha256_of(self, id: str) -> str | None:
        with self._connection() as connection:
            row = connection.execute("SELECT sha256 FROM documents WHERE id = %s", (id,)).fetchone()
        return None if row is None else row[0]

    def history(self, id: str) -> list[HistoryEntry]:
        with self._connection() as connection:
            if connection.execute("SELECT 1 FROM documents WHERE id = %s", (id,)).fetchone() is None:
                raise self._not_found(id)
            return self._history_of(connection, id)

    @staticmethod
    def _history_of(connection: psycopg.Connection, id: str) -> list[HistoryEntry]:
        rows = connection.execute(
            "SELECT sha256, path, replaced_at FROM history WHERE id = %s ORDER BY n", (id,)
        ).fetchall()
        return [HistoryEntry(*row) for row in rows]

    def list(self, limit: int | None = None, offset: int = 0) -> list[RecordSummary]:
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT {_SUMMARY_COLUMNS} FROM documents"
                " ORDER BY date_earliest NULLS LAST, id LIMIT %s OFFSET %s",
                (limit, offset),
            ).fetchall()
        return [RecordSummary(*row) for row in rows]

    def ids(self) -> Iterator[str]:
        # Pages by key, so a caller may add records while iterating and no connection is held
        # across a yield.
        after = ""
        while True:
            with self._connection() as connection:
                page = [
                    row[0]
                    for row in connection.execute(
                        "SELECT id FROM documents WHERE id > %s ORDER BY id LIMIT 1000", (after,)
                    )
                ]
            if not page:
                return
            yield from page
            after = page[-1]

    def count(self) -> int:
        with self._connection() as connection:
            return connection.execute("SELECT count(*) FROM documents").fetchone()[0]

    def changes(self, after: int = 0, limit: int = 1000) -> list[Change]:
        with self._connection() as connection:
            return changes_in(connection, after, limit)

    def last_change(self) -> int:
        with self._connection() as connection:
            return connection.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]

    def changed_at(self, id: str) -> str | None:
        with self._connection() as connection:
            row = connection.execute("SELECT updated_at FROM documents WHERE id = %s", (id,)).fetchone()
        if row is None:
            raise self._not_found(id)
        return row[0]

    def stamps(
        self, *, since: str | None = None, until: str | None = None, after: str = "", limit: int = 1000
    ) -> list[Stamp]:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT id, updated_at FROM documents WHERE id > %s"
                " AND (%s::text IS NULL OR updated_at >= %s) AND (%s::text IS NULL OR updated_at <= %s)"
                " ORDER BY id LIMIT %s",
                (after, since, since, until, until, limit),
            ).fetchall()
        return [Stamp(*row) for row in rows]

    def persons(self, prefix: str | None = None, limit: int = 100, offset: int = 0) -> list[PersonCount]:
        # ILIKE: SQLite's LIKE ignores the case of ASCII letters, and both stores answer alike.
        pattern = f"{prefix}%" if prefix else "%"
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT authority_id, max(canonical), count(*), count(DISTINCT document_id) FROM mentions"
                " WHERE kind = 'person' AND authority_id IS NOT NULL"
                " GROUP BY authority_id HAVING max(canonical) ILIKE %s"
                " ORDER BY count(*) DESC, authority_id LIMIT %s OFFSET %s",
                (pattern, limit, offset),
            ).fetchall()
        return [PersonCount(*row) for row in rows]

    def mentions_of(self, authority_id: str) -> list[MentionRow]:
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE authority_id = %s ORDER BY document_id, start",
                (authority_id,),
            ).fetchall()
        return [MentionRow(*row) for row in rows]

    def mentions_in(self, document_ids: list[str]) -> list[MentionRow]:
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE document_id = ANY(%s) ORDER BY document_id, start",
                (list(document_ids),),
            ).fetchall()
        return [MentionRow(*row) for row in rows]

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._pool.close()

    # -- helpers ---------------------------------------------------------------------------

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection in one transaction, for engines that keep derived data in the
        same database (the full-text index)."""
        with self._connection() as connection:
            yield connection

    def _not_found(self, id: str) -> NotFoundError:
        return NotFoundError(f"no record with id {id!r} in {self.url}")


def changes_in(connection: psycopg.Connection, after: int, limit: int) -> list[Change]:
    """`Store.changes` read through `connection`, for a caller already holding one."""
    rows = connection.execute(
        "SELECT c.seq, d.json FROM changes AS c JOIN documents AS d USING (id)"
        " WHERE c.seq > %s ORDER BY c.seq LIMIT %s",
        (after, limit),
    ).fetchall()
    return [Change(seq, Document.from_dict(json.loads(record))) for seq, record in rows]


def _json(document: Document) -> str:
    return json.dumps(document.to_dict(), ensure_ascii=False, separators=(",", ":"))


def _write_mentions(connection: psycopg.Connection, document: Document) -> None:
    connection.execute("DELETE FROM mentions WHERE document_id = %s", (document.id,))
    if not document.mentions:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO mentions ({_MENTION_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(document.id, m.kind, m.authority_id, m.canonical, m.text, m.start, m.end) for m in document.mentions],
        )


def _changed(connection: psycopg.Connection, id: str) -> None:
    # Deleting first lists a record once, at its latest number, as SQLite's INSERT OR REPLACE.
    connection.execute("DELETE FROM changes WHERE id = %s", (id,))
    connection.execute("INSERT INTO changes (id) VALUES (%s)", (id,))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
