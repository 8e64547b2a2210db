"""The embedded store: one SQLite file in WAL mode.

Layout (schema version 4):

- `documents`: one row per record, keyed by the record's id. The JSON form (`to_dict()`,
  without the original bytes) is the truth; title and date bounds are copied out so listing
  and sorting never parse JSON.
- `originals`: the original bytes of every file ever stored, keyed by sha256, so the same file
  under two names, or a record and its history, share one copy.
- `history`: the sha256 and path of every version a record had before its current one.
- `changes`: one row per record, numbered in commit order each time the record is added or
  replaced (`seq` only grows: AUTOINCREMENT never reuses a number). Data derived from the store,
  such as the search index, keeps the last number it took in and asks for what came after.
- `enrichments`: the fingerprint of the pipeline that last enriched each record, so that an
  interrupted `archivist enrich` finishes the rest when run again.
- `schema_migrations`: which migrations have been applied, and when.

Every `add` is one `BEGIN IMMEDIATE ... COMMIT`, so a process killed half-way through leaves a
record wholly stored or absent. `synchronous=NORMAL` can lose the last commits on power loss
but never corrupts the file in WAL mode; an interrupted ingest is simply run again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from datetime import datetime, timezone
from collections.abc import Sequence
from pathlib import Path
from contextlib import contextmanager
from typing import Iterator

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

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SQLiteStore"]

#: Migration n (1-based) is MIGRATIONS[n - 1]. Append only: a migration once released never
#: changes, because stores in the wild have already applied it.
MIGRATIONS: list[tuple[str, ...]] = [
    (
        """
        CREATE TABLE originals (
            sha256 TEXT PRIMARY KEY,
            bytes  BLOB NOT NULL
        )
        """,
        """
        CREATE TABLE documents (
            id            TEXT PRIMARY KEY,
            sha256        TEXT NOT NULL REFERENCES originals (sha256),
            format        TEXT NOT NULL,
            path          TEXT NOT NULL,
            title         TEXT,
            date_edtf     TEXT,
            date_earliest TEXT,
            date_latest   TEXT,
            json          TEXT NOT NULL,
            added_at      TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        )
        """,
        # The expression matches the ORDER BY in `list`, so listing a page is an index walk.
        "CREATE INDEX documents_by_date ON documents (date_earliest IS NULL, date_earliest, id)",
        "CREATE INDEX documents_by_sha256 ON documents (sha256)",
        """
        CREATE TABLE history (
            id          TEXT NOT NULL,
            sha256      TEXT NOT NULL REFERENCES originals (sha256),
            path        TEXT NOT NULL,
            replaced_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX history_by_id ON history (id)",
    ),
    (
        """
        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id  TEXT NOT NULL UNIQUE
        )
        """,
        # Records stored before this migration count as changed, in the order they were added.
        "INSERT INTO changes (id) SELECT id FROM documents ORDER BY rowid",
    ),
    (
        # The entity mentions of every record, kept beside its JSON so that person pages and
        # counts are index lookups rather than a read of every record.
        """
        CREATE TABLE mentions (
            document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            kind         TEXT NOT NULL,
            authority_id TEXT,
            canonical    TEXT,
            text         TEXT NOT NULL,
            start        INTEGER NOT NULL,
            "end"        INTEGER NOT NULL
        )
        """,
        "CREATE INDEX mentions_by_document ON mentions (document_id)",
        "CREATE INDEX mentions_by_authority ON mentions (kind, authority_id)",
        """
        INSERT INTO mentions (document_id, kind, authority_id, canonical, text, start, "end")
        SELECT d.id, json_extract(m.value, '$.kind'), json_extract(m.value, '$.authority_id'),
               json_extract(m.value, '$.canonical'), json_extract(m.value, '$.text'),
               json_extract(m.value, '$.start'), json_extract(m.value, '$.end')
        FROM documents AS d, json_each(d.json, '$.mentions') AS m
        """,
    ),
    (
        # Which pipeline (code, authority, settings) last enriched a record, and from which
        # bytes: `archivist enrich` skips what is already done, so a killed run is resumed.
        """
        CREATE TABLE enrichments (
            id          TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL,
            sha256      TEXT NOT NULL
        )
        """,
    ),
]

SCHEMA_VERSION = len(MIGRATIONS)

_SUMMARY_COLUMNS = "id, date_edtf, title, format, sha256"


class SQLiteStore(Store):
    """Records in one SQLite file at `path` (created, with its folder, if missing)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        in_memory = self.path == ":memory:" or self.path.startswith("file::memory:")
        if not in_memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # One connection guarded by a lock: the web app calls in from worker threads, and
        # SQLite connections are not safe to use from two threads at once.
        self._lock = threading.RLock()
        try:
            # isolation_level=None: the sqlite3 module opens no transactions of its own, so
            # each BEGIN IMMEDIATE below is the only one and its bounds are exactly ours.
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc
        try:
            self._configure()
            self._migrate()
        except sqlite3.Error as exc:
            self._db.close()
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc
        except BaseException:
            self._db.close()
            raise
        self._closed = False

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    # -- opening ---------------------------------------------------------------------------

    def _configure(self) -> None:
        try:
            # Another process (a second ingest, the web server) may hold the write lock for a
            # moment; wait for it rather than failing at once.
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            if "not a database" not in str(exc):
                raise
            raise StoreError(f"{self.path} is not a SQLite database ({exc}); give a new file name") from exc

    def _migrate(self) -> None:
        db = self._db
        # The common case, a store already up to date, needs no write lock: a reader opening
        # the store must not wait behind an ingest's transaction.
        if self._schema_version_or_none() == SCHEMA_VERSION:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            tables = {
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            }
            if "schema_migrations" not in tables and tables:
                raise StoreError(
                    f"{self.path} is a SQLite database but not an archivist store "
                    f"(it has tables {', '.join(sorted(tables))} and no schema_migrations); "
                    "give a new file name"
                )
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            current = db.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise SchemaError(
                    f"{self.path} has schema version {current}, newer than the {SCHEMA_VERSION} "
                    "this archivist knows; upgrade archivist to open it (the store was not changed)"
                )
            # The version is read inside the write lock, so two processes opening a new store
            # at once cannot both apply the same migration.
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version - 1]:
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    (version, _now()),
                )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _schema_version_or_none(self) -> int | None:
        try:
            return self._db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        except sqlite3.OperationalError:  # no schema_migrations table: a new or foreign file
            return None

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]

    # -- the Store interface ---------------------------------------------------------------

    def add(self, document: Document) -> AddResult:
        source = document.source
        original = source.original
        # The stored bytes are what makes a record reproducible; refuse a Document whose bytes
        # were lost (say, rebuilt from JSON without them) rather than store a broken record.
        actual = hashlib.sha256(original).hexdigest()
        if actual != source.sha256:
            raise StoreError(
                f"record {document.id!r} from {source.path}: its original bytes hash to {actual[:12]}..., "
                f"not the source.sha256 {source.sha256[:12]}...; read the file again before storing it"
            )
        record = json.dumps(document.to_dict(), ensure_ascii=False, separators=(",", ":"))
        date = document.date
        with self._lock:
            db = self._checked()
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(
                    "SELECT sha256, path FROM documents WHERE id = ?", (document.id,)
                ).fetchone()
                if row is not None and row[0] == source.sha256:
                    db.execute("ROLLBACK")
                    return AddResult(document.id, "unchanged")
                now = _now()
                db.execute(
                    "INSERT OR IGNORE INTO originals (sha256, bytes) VALUES (?, ?)",
                    (source.sha256, original),
                )
                values = (
                    source.sha256,
                    source.format,
                    source.path,
                    document.title,
                    date.edtf,
                    date.earliest,
                    date.latest,
                    record,
                )
                if row is None:
                    db.execute(
                        "INSERT INTO documents (sha256, format, path, title, date_edtf, date_earliest,"
                        " date_latest, json, id, added_at, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*values, document.id, now, now),
                    )
                    result = AddResult(document.id, "added")
                else:
                    db.execute(
                        "INSERT INTO history (id, sha256, path, replaced_at) VALUES (?, ?, ?, ?)",
                        (document.id, row[0], row[1], now),
                    )
                    db.execute(
                        "UPDATE documents SET sha256 = ?, format = ?, path = ?, title = ?, date_edtf = ?,"
                        " date_earliest = ?, date_latest = ?, json = ?, updated_at = ? WHERE id = ?",
                        (*values, now, document.id),
                    )
                    result = AddResult(document.id, "updated", previous_sha256=row[0])
                _write_mentions(db, document)
                # REPLACE drops the record's earlier row, so it is listed once, at its latest number.
                db.execute("INSERT OR REPLACE INTO changes (id) VALUES (?)", (document.id,))
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return result

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the lock: committed whole, or rolled back whole on any
        error; a block that has already rolled back (nothing to write) is left as it is."""
        with self._lock:
            db = self._checked()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                if db.in_transaction:
                    db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def _save(self, db: sqlite3.Connection, document: Document, *, only_if_changed: bool) -> bool:
        """Write a re-enriched record over its stored row (same original bytes); whether it wrote."""
        row = db.execute("SELECT sha256, json FROM documents WHERE id = ?", (document.id,)).fetchone()
        if row is None:
            raise self._not_found(document.id)
        if row[0] != document.source.sha256:
            raise StoreError(
                f"record {document.id!r} was read from other bytes than the stored ones; "
                "use add() to store a new version"
            )
        record = json.dumps(document.to_dict(), ensure_ascii=False, separators=(",", ":"))
        if only_if_changed and record == row[1]:
            return False
        date = document.date
        db.execute(
            "UPDATE documents SET title = ?, date_edtf = ?, date_earliest = ?, date_latest = ?,"
            " json = ?, updated_at = ? WHERE id = ?",
            (document.title, date.edtf, date.earliest, date.latest, record, _now(), document.id),
        )
        _write_mentions(db, document)
        db.execute("INSERT OR REPLACE INTO changes (id) VALUES (?)", (document.id,))
        return True

    def save(self, document: Document) -> None:
        with self._writing() as db:
            self._save(db, document, only_if_changed=False)

    def save_many(self, documents: Sequence[Document], *, enrichment: str | None = None) -> int:
        if enrichment is None:
            for document in documents:
                self.save(document)
            return len(documents)
        saved = 0
        with self._writing() as db:
            for document in documents:
                saved += self._save(db, document, only_if_changed=True)
                db.execute(
                    "INSERT OR REPLACE INTO enrichments (id, fingerprint, sha256) VALUES (?, ?, ?)",
                    (document.id, enrichment, document.source.sha256),
                )
        return saved

    def stale(self, enrichment: str) -> list[str]:
        with self._lock:
            rows = self._checked().execute(
                "SELECT d.id FROM documents AS d LEFT JOIN enrichments AS e ON e.id = d.id"
                " WHERE e.id IS NULL OR e.fingerprint <> ? OR e.sha256 <> d.sha256 ORDER BY d.id",
                (enrichment,),
            ).fetchall()
        return [row[0] for row in rows]

    def stored(self, id: str) -> StoredRecord:
        with self._lock:
            db = self._checked()
            row = db.execute(
                "SELECT d.json, o.bytes, d.added_at, d.updated_at FROM documents AS d"
                " JOIN originals AS o USING (sha256) WHERE d.id = ?",
                (id,),
            ).fetchone()
            if row is None:
                raise self._not_found(id)
            versions = db.execute(
                "SELECT h.sha256, h.path, h.replaced_at, o.bytes FROM history AS h"
                " JOIN originals AS o USING (sha256) WHERE h.id = ? ORDER BY h.rowid",
                (id,),
            ).fetchall()
        document = Document.from_dict(json.loads(row[0]))
        document.source.original = bytes(row[1])
        history = tuple(Version(HistoryEntry(s, p, r), bytes(b)) for s, p, r, b in versions)
        return StoredRecord(document, row[2], row[3], history)

    def restore(self, record: StoredRecord) -> str:
        document = record.document
        source = document.source
        if hashlib.sha256(source.original).hexdigest() != source.sha256:
            raise StoreError(f"record {document.id!r}: its original bytes do not match its sha256; not restored")
        text = json.dumps(document.to_dict(), ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            db = self._checked()
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT sha256, json FROM documents WHERE id = ?", (document.id,)).fetchone()
                history = [
                    HistoryEntry(*r)
                    for r in db.execute(
                        "SELECT sha256, path, replaced_at FROM history WHERE id = ? ORDER BY rowid", (document.id,)
                    )
                ]
                if row is not None and (row[0], row[1]) == (source.sha256, text) and history == [
                    v.entry for v in record.history
                ]:
                    db.execute("ROLLBACK")
                    return "unchanged"
                for sha256, original in [(v.entry.sha256, v.original) for v in record.history] + [
                    (source.sha256, source.original)
                ]:
                    db.execute("INSERT OR IGNORE INTO originals (sha256, bytes) VALUES (?, ?)", (sha256, original))
                db.execute("DELETE FROM history WHERE id = ?", (document.id,))
                db.execute("DELETE FROM documents WHERE id = ?", (document.id,))
                date = document.date
                db.execute(
                    "INSERT INTO documents (id, sha256, format, path, title, date_edtf, date_earliest, date_latest,"
                    " json, added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (document.id, source.sha256, source.format, source.path, document.title, date.edtf,
                     date.earliest, date.latest, text, record.added_at, record.updated_at),
                )
                db.executemany(
                    "INSERT INTO history (id, sha256, path, replaced_at) VALUES (?, ?, ?, ?)",
                    [(document.id, v.entry.sha256, v.entry.path, v.entry.replaced_at) for v in record.history],
                )
                _write_mentions(db, document)
                db.execute("INSERT OR REPLACE INTO changes (id) VALUES (?)", (document.id,))
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return "restored" if row is None else "replaced"

    def persons(self, prefix: str | None = None, limit: int = 100, offset: int = 0) -> list[PersonCount]:
        pattern = f"{prefix}%" if prefix else "%"
        with self._lock:
            rows = self._checked().execute(
                "SELECT authority_id, max(canonical), count(*), count(DISTINCT document_id) FROM mentions"
                " WHERE kind = 'person' AND authority_id IS NOT NULL"
                " GROUP BY authority_id HAVING max(canonical) LIKE ?"
                " ORDER BY count(*) DESC, authority_id LIMIT ? OFFSET ?",
                (pattern, limit, offset),
            ).fetchall()
        return [PersonCount(*row) for row in rows]

    def mentions_of(self, authority_id: str) -> list[MentionRow]:
        return self._mentions("authority_id = ?", [authority_id])

    def mentions_in(self, document_ids: list[str]) -> list[MentionRow]:
        rows: list[MentionRow] = []
        # SQLite caps the parameters of one statement; ask in chunks.
        for first in range(0, len(document_ids), 500):
            chunk = document_ids[first:first + 500]
            rows += self._mentions(f"document_id IN ({','.join('?' * len(chunk))})", chunk)
        return rows

    def _mentions(self, where: str, parameters: list[str]) -> list[MentionRow]:
        with self._lock:
            rows = self._checked().execute(
                f'SELECT document_id, kind, authority_id, canonical, text, start, "end" FROM mentions'
                f" WHERE {where} ORDER BY document_id, start",
                parameters,
            ).fetchall()
        return [MentionRow(*row) for row in rows]

    def get(self, id: str) -> Document:
        with self._lock:
            row = self._checked().execute(
                "SELECT d.json, o.bytes FROM documents AS d JOIN originals AS o USING (sha256)"
                " WHERE d.id = ?",
                (id,),
            ).fetchone()
        if row is None:
            raise self._not_found(id)
        document = Document.from_dict(json.loads(row[0]))
        document.source.original = bytes(row[1])
        return document

    def original(self, id: str) -> bytes:
        with self._lock:
            row = self._checked().execute(
                "SELECT o.bytes FROM documents AS d JOIN originals AS o USING (sha256) WHERE d.id = ?",
                (id,),
            ).fetchone()
        if row is None:
            raise self._not_found(id)
        return bytes(row[0])

    def sha256_of(self, id: str) -> str | None:
        with self._lock:
            row = self._checked().execute("SELECT sha256 FROM documents WHERE id = ?", (id,)).fetchone()
        return None if row is None else row[0]

    def history(self, id: str) -> list[HistoryEntry]:
        with self._lock:
            db = self._checked()
            if db.execute("SELECT 1 FROM documents WHERE id = ?", (id,)).fetchone() is None:
                raise self._not_found(id)
            # rowid is the insertion order, which timestamps alone cannot give within one second
            # on a coarse clock.
            rows = db.execute(
                "SELECT sha256, path, replaced_at FROM history WHERE id = ? ORDER BY rowid", (id,)
            ).fetchall()
        return [HistoryEntry(*row) for row in rows]

    def list(self, limit: int | None = None, offset: int = 0) -> list[RecordSummary]:
        with self._lock:
            rows = self._checked().execute(
                f"SELECT {_SUMMARY_COLUMNS} FROM documents"
                " ORDER BY date_earliest IS NULL, date_earliest, id LIMIT ? OFFSET ?",
                (-1 if limit is None else limit, offset),
            ).fetchall()
        return [RecordSummary(*row) for row in rows]

    def ids(self) -> Iterator[str]:
        # Pages by key rather than one open cursor, so a caller may add records while iterating
        # and the lock is never held across a yield.
        after = ""
        while True:
            with self._lock:
                page = [
                    row[0]
                    for row in self._checked().execute(
                        "SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT 1000", (after,)
                    )
                ]
            if not page:
                return
            yield from page
            after = page[-1]

    def changes(self, after: int = 0, limit: int = 1000) -> list[Change]:
        with self._lock:
            rows = self._checked().execute(
                "SELECT c.seq, d.json FROM changes AS c JOIN documents AS d USING (id)"
                " WHERE c.seq > ? ORDER BY c.seq LIMIT ?",
                (after, limit),
            ).fetchall()
        return [Change(seq, Document.from_dict(json.loads(record))) for seq, record in rows]

    def last_change(self) -> int:
        with self._lock:
            return self._checked().execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]

    def changed_at(self, id: str) -> str | None:
        with self._lock:
            row = self._checked().execute("SELECT updated_at FROM documents WHERE id = ?", (id,)).fetchone()
        if row is None:
            raise self._not_found(id)
        return row[0]

    def stamps(
        self, *, since: str | None = None, until: str | None = None, after: str = "", limit: int = 1000
    ) -> list[Stamp]:
        # A walk of the primary key filtered by time: harvests page by id, and every time is
        # written by _now() in one format, so the strings compare as the times do.
        with self._lock:
            rows = self._checked().execute(
                "SELECT id, updated_at FROM documents WHERE id > ?"
                " AND (? IS NULL OR updated_at >= ?) AND (? IS NULL OR updated_at <= ?)"
                " ORDER BY id LIMIT ?",
                (after, since, since, until, until, limit),
            ).fetchall()
        return [Stamp(*row) for row in rows]

    def count(self) -> int:
        with self._lock:
            return self._checked().execute("SELECT count(*) FROM documents").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    # -- helpers ---------------------------------------------------------------------------

    def _checked(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError(f"the store at {self.path} is closed")
        return self._db

    def _not_found(self, id: str) -> NotFoundError:
        return NotFoundError(f"no record with id {id!r} in {self.path}")


def _write_mentions(db: sqlite3.Connection, document: Document) -> None:
    db.execute("DELETE FROM mentions WHERE document_id = ?", (document.id,))
    db.executemany(
        'INSERT INTO mentions (document_id, kind, authority_id, canonical, text, start, "end") VALUES (?, ?, ?, ?, ?, ?, ?)',
        [(document.id, m.kind, m.authority_id, m.canonical, m.text, m.start, m.end) for m in document.mentions],
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
