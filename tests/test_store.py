"""The stores: adding, replacing, fetching back byte for byte, ordering, schema versions.

Every test that takes the `store` or `location` fixture runs twice, against the SQLite store and
against the PostgreSQL store (on the throwaway cluster of tests/postgres_cluster.py); a few
check what only one backend has (SQLite's WAL mode, PostgreSQL's URLs).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from archivist.document import (
    Annotation,
    Block,
    DateValue,
    Document,
    Footnote,
    Mention,
    Participant,
    Provenance,
    Source,
)
from archivist.errors import NotFoundError, SchemaError, SourceError, StoreError
from archivist.store import SQLiteStore, Store, open_store
from archivist.store.base import StoredRecord
from archivist.store.sqlite import SCHEMA_VERSION


def make_document(
    id: str,
    body: str = "Record of a conversation.\n\nThe delegation arrived at noon.\n",
    *,
    date: tuple[str, str, str] | None = None,
    path: str | None = None,
    encoding: str = "utf-8",
    title: str | None = None,
) -> Document:
    data = body.encode(encoding)
    text = data.decode(encoding)
    document = Document(
        id=id,
        text=text,
        source=Source.of(path or f"exports/{id}.txt", data, "wilson-text", encoding),
        title=title or f"Record {id}",
        provenance=Provenance(raw="AVPRF, F. 0102, Op. 13, Delo 5", repository="AVPRF", file="5"),
        translators=["Gary Goldberg"],
        fields={"Record ID": id},
        blocks=[Block("paragraph", 0, 9)],
        footnotes=[Footnote("1", "See above.", 10, 20, ref_start=3, ref_end=4)],
        annotations=[Annotation("ocr", 0, 6, text[:6], value=text[:6].upper())],
        mentions=[Mention(0, 6, text[:6], "person", "p_1", "Kim Il Sung", 0.875)],
        participants=[Participant("Mikoyan", "Soviet", ["Anastas Mikoyan"])],
        warnings=[f"{id}.txt: a warning"],
    )
    if date:
        document.date = DateValue(*date, original=date[0])
    return document


BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where a new, empty store of the backend lives: a file path or a database URL."""
    if backend == "sqlite":
        return str(tmp_path / "archive.db")
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def store(location: str):
    with open_store(location) as opened:
        yield opened


def is_postgres(location: str) -> bool:
    return location.startswith("postgresql://")


def raw(location: str, sql: str, params: tuple = ()) -> list[tuple]:
    """The rows of `sql` (with `?` placeholders) run on the store's database directly, outside
    the store, and committed."""
    if is_postgres(location):
        import psycopg

        with psycopg.connect(location) as connection:
            cursor = connection.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []
    connection = sqlite3.connect(location)
    try:
        rows = connection.execute(sql, params).fetchall()
        connection.commit()
        return rows
    finally:
        connection.close()


def writes(store: Store, location: str) -> int:
    """A number that grows with every write to the store's database."""
    if isinstance(store, SQLiteStore):
        return store._db.total_changes
    # The next transaction id: only a transaction that writes is given one.
    return int(raw(location, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")[0][0])


def test_add_then_same_bytes_again_is_unchanged(store: Store, location: str):
    document = make_document("wilson-1")
    assert store.add(document).action == "added"
    before = writes(store, location)

    result = store.add(make_document("wilson-1"))

    assert result.action == "unchanged"
    assert writes(store, location) == before, "an unchanged record must write nothing"
    assert store.count() == 1
    assert store.history("wilson-1") == []


def test_other_bytes_for_the_same_id_update_and_keep_history(store: Store, location: str):
    first = make_document("wilson-1", "First export.\n", path="a/first.txt")
    second = make_document("wilson-1", "Second export, corrected.\n", path="b/second.txt")
    store.add(first)

    result = store.add(second)

    assert result.action == "updated"
    assert result.previous_sha256 == first.source.sha256
    assert store.get("wilson-1").to_dict() == second.to_dict()
    assert store.original("wilson-1") == b"Second export, corrected.\n"
    [entry] = store.history("wilson-1")
    assert (entry.sha256, entry.path) == (first.source.sha256, "a/first.txt")
    assert entry.replaced_at.endswith("Z")
    # The earlier bytes are kept, so every version in the history can be reproduced.
    kept = raw(location, "SELECT bytes FROM originals WHERE sha256 = ?", (first.source.sha256,))
    assert [bytes(row[0]) for row in kept] == [b"First export.\n"]

    third = make_document("wilson-1", "Third.\n", path="c/third.txt")
    assert store.add(third).action == "updated"
    assert [h.path for h in store.history("wilson-1")] == ["a/first.txt", "b/second.txt"]
    assert store.add(make_document("wilson-1", "Third.\n", path="c/third.txt")).action == "unchanged"


def test_get_gives_back_the_document_and_its_exact_bytes(store: Store):
    # cp1251 and a UTF-8 BOM: bytes that would not survive a trip through text.
    russian = make_document("wilson-2", "Запись беседы с Ким Ир Сеном.\n", encoding="cp1251")
    bom = make_document("wilson-3", "\ufeffRecord with a byte-order mark.\n")
    for document in (russian, bom):
        store.add(document)

        fetched = store.get(document.id)

        assert fetched.to_dict() == document.to_dict()
        assert fetched.source.original == document.source.original
        assert store.original(document.id) == document.source.original
        assert hashlib.sha256(fetched.source.original).hexdigest() == document.source.sha256
    assert russian.source.original.decode("cp1251").startswith("Запись")


def test_the_same_file_under_two_ids_is_stored_once(store: Store, location: str):
    store.add(make_document("one", "Identical bytes.\n", path="x/one.txt"))
    store.add(make_document("two", "Identical bytes.\n", path="x/two.txt"))

    assert raw(location, "SELECT count(*) FROM originals") == [(1,)]
    assert store.original("one") == store.original("two")


def test_json_column_holds_the_record_without_its_bytes(store: Store, location: str):
    document = make_document("wilson-4", date=("1957-11-13", "1957-11-13", "1957-11-13"))
    store.add(document)

    [row] = raw(location, "SELECT json, sha256, format, path, title, date_edtf, date_earliest, date_latest FROM documents")
    assert json.loads(row[0]) == document.to_dict()
    assert "original" not in json.loads(row[0])["source"]
    assert row[1:] == (
        document.source.sha256,
        "wilson-text",
        "exports/wilson-4.txt",
        "Record wilson-4",
        "1957-11-13",
        "1957-11-13",
        "1957-11-13",
    )


def test_a_document_without_its_bytes_is_refused(store: Store):
    document = make_document("wilson-5")
    stripped = Document.from_dict(document.to_dict())  # the JSON form carries no bytes

    with pytest.raises(StoreError, match="wilson-5.*original bytes"):
        store.add(stripped)
    assert store.count() == 0


def test_list_orders_by_date_with_undated_last_then_by_id(store: Store):
    store.add(make_document("c-undated"))
    store.add(make_document("b-1957", date=("1957-11-13", "1957-11-13", "1957-11-13")))
    store.add(make_document("a-undated"))
    store.add(make_document("z-1955", date=("1955-02", "1955-02-01", "1955-02-28")))
    store.add(make_document("a-1957", date=("1957-11-13", "1957-11-13", "1957-11-13")))
    store.add(make_document("m-1956", date=("1956-09-18/1956-09-19", "1956-09-18", "1956-09-19")))

    listed = store.list()

    assert [r.id for r in listed] == ["z-1955", "m-1956", "a-1957", "b-1957", "a-undated", "c-undated"]
    assert listed[0].date == "1955-02"
    assert listed[-1].date is None
    assert listed[0].title == "Record z-1955"
    assert listed[0].format == "wilson-text"
    assert [r.id for r in store.list(limit=2, offset=1)] == ["m-1956", "a-1957"]
    assert [r.id for r in store.list(offset=5)] == ["c-undated"]
    assert sorted(store.ids()) == sorted(r.id for r in listed)
    assert store.count() == 6


def test_ids_pages_through_many_records(store: Store):
    for n in range(2500):
        store.add(make_document(f"r{n:05d}", f"Record {n}.\n"))

    assert list(store.ids()) == [f"r{n:05d}" for n in range(2500)]


def test_sha256_of_answers_without_fetching_the_record(store: Store):
    document = make_document("wilson-10")
    store.add(document)

    assert store.sha256_of("wilson-10") == document.source.sha256
    assert store.sha256_of("wilson-404") is None
    # The interface's own answer, through `get`, agrees with the SQL one.
    assert Store.sha256_of(store, "wilson-10") == document.source.sha256
    assert Store.sha256_of(store, "wilson-404") is None


def test_unknown_id_raises_not_found_naming_the_id_and_the_store(store: Store, location: str):
    for call in (store.get, store.original, store.history, store.stored):
        with pytest.raises(NotFoundError) as caught:
            call("wilson-404")
        assert str(caught.value) == f"no record with id 'wilson-404' in {location}"


def test_records_survive_closing_and_reopening(location: str):
    document = make_document("wilson-6")
    with open_store(location) as store:
        store.add(document)

    with open_store(location) as store:
        assert store.get("wilson-6").to_dict() == document.to_dict()
        assert store.add(make_document("wilson-6")).action == "unchanged"

    with pytest.raises(StoreError, match="closed"):
        store.count()


def test_schema_versions_are_recorded(location: str):
    from archivist.store import postgres

    open_store(location).close()
    open_store(location).close()  # reopening applies nothing twice

    rows = raw(location, "SELECT version, applied_at FROM schema_migrations ORDER BY version")
    assert postgres.SCHEMA_VERSION == SCHEMA_VERSION, "both stores have the same tables, migration for migration"
    assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))
    assert all(r[1] for r in rows)
    if is_postgres(location):
        listed = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    else:
        listed = "SELECT name FROM sqlite_master WHERE type = 'table'"
    tables = {r[0] for r in raw(location, listed)}
    assert {"documents", "originals", "history", "changes", "mentions", "enrichments", "schema_migrations"} <= tables


def test_a_store_from_a_newer_archivist_is_refused_untouched(location: str):
    with open_store(location) as store:
        store.add(make_document("wilson-7"))
    newer = SCHEMA_VERSION + 41
    raw(location, "INSERT INTO schema_migrations VALUES (?, '2031-01-01T00:00:00Z')", (newer,))

    with pytest.raises(SchemaError) as caught:
        open_store(location)

    message = str(caught.value)
    assert location in message
    assert f"schema version {newer}" in message
    assert "upgrade archivist" in message
    assert raw(location, "SELECT count(*) FROM documents") == [(1,)]


def test_a_database_that_is_not_a_store_is_refused(location: str):
    raw(location, "CREATE TABLE birds (name TEXT)")
    with pytest.raises(StoreError, match="not an archivist store"):
        open_store(location)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StoreError, match="not a SQLite database"):
        SQLiteStore(junk)


def test_opening_a_store_does_not_wait_for_a_writer(location: str):
    with open_store(location) as store:
        store.add(make_document("wilson-11"))
    if is_postgres(location):
        import psycopg

        writer = psycopg.connect(location)
        writer.execute("DELETE FROM mentions")
        writer.execute("DELETE FROM documents")
    else:
        writer = sqlite3.connect(location, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM documents")
    try:
        # A reader (the web app) opens and reads while an ingest holds the write lock, and
        # sees the last committed state.
        with open_store(location) as reader:
            assert reader.count() == 1
            assert reader.get("wilson-11").id == "wilson-11"
    finally:
        writer.rollback() if is_postgres(location) else writer.execute("ROLLBACK")
        writer.close()


def test_wal_mode_is_on(tmp_path: Path):
    path = tmp_path / "archive.db"
    with SQLiteStore(path) as store:
        store.add(make_document("wilson-8"))
        assert store._db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert path.with_name("archive.db-wal").exists()

    # The mode is a property of the file, so every later connection gets it too.
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_open_store_takes_paths_and_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with open_store(tmp_path / "by-path.db") as store:
        assert isinstance(store, Store) and isinstance(store, SQLiteStore)
    with open_store(f"sqlite:///{tmp_path}/absolute.db") as store:
        assert store.path == f"{tmp_path}/absolute.db"
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///nested/relative.db") as store:
        store.add(make_document("wilson-9"))
    assert (tmp_path / "nested" / "relative.db").exists()
    with open_store(str(tmp_path / "nested" / "relative.db")) as store:
        assert store.count() == 1


def test_open_store_takes_postgres_urls(postgres_database: str):
    from archivist.store.postgres import PostgresStore

    with open_store(postgres_database) as store:
        assert isinstance(store, PostgresStore)
        store.add(make_document("wilson-12"))
    # The socket folder as a query parameter, and the other spellings of the scheme.
    for scheme in ("postgres://", "postgresql+psycopg://"):
        with open_store(postgres_database.replace("postgresql://", scheme)) as store:
            assert store.count() == 1


def test_an_unreachable_postgres_is_an_error_that_hides_the_password():
    # Port 1 on the loopback: nothing listens there, so the refusal is immediate.
    with pytest.raises(StoreError, match="cannot open the store at postgresql://archivist:\\*\\*\\*@127.0.0.1:1/archive") as caught:
        open_store("postgresql://archivist:s3cret@127.0.0.1:1/archive")
    assert "s3cret" not in str(caught.value)
    with pytest.raises(StoreError, match="unknown store URL scheme 'mysql'"):
        open_store("mysql://localhost/archive")


def test_a_missing_shared_folder_fails_under_ci_and_skips_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from conftest import require_shared

    missing = tmp_path / "shared"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="is missing"):
        require_shared(missing)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        require_shared(missing)
    missing.mkdir()
    assert require_shared(missing) == missing


def test_every_corpus_file_comes_back_byte_for_byte(shared: Path, location: str):
    from archivist.sources import read_bytes

    corpus = shared / "corpus"
    paths = sorted(p for pattern in ("*.txt", "*.md") for p in corpus.rglob(pattern))
    documents: dict[str, Document] = {}
    unreadable = []
    for path in paths:
        try:
            document = read_bytes(path, path.read_bytes())
        except SourceError:
            unreadable.append(path.name)
            continue
        assert document.id not in documents, f"{path} and {documents[document.id].source.path} share an id"
        documents[document.id] = document
    seeds = {p.name for p in (corpus / "seeds").glob("*.txt")}
    assert seeds.isdisjoint(unreadable), "the founding documents must read"
    assert len(documents) >= 46 + len(seeds)

    with open_store(location) as store:
        for document in documents.values():
            assert store.add(document).action == "added"
    with open_store(location) as store:
        assert store.count() == len(documents)
        for id, document in documents.items():
            fetched = store.get(id)
            assert fetched.source.original == Path(document.source.path).read_bytes()
            assert hashlib.sha256(fetched.source.original).hexdigest() == document.source.sha256
            assert fetched.to_dict() == document.to_dict()


# -- writing back enrichment, and copying between stores -------------------------------------


def test_save_many_writes_changed_records_once_and_notes_the_enrichment(store: Store):
    for n in range(3):
        store.add(make_document(f"w{n}", f"Record {n}.\n"))
    assert store.stale("pipeline-1") == ["w0", "w1", "w2"]
    first = store.last_change()

    changed = [store.get("w0"), store.get("w1")]
    changed[0].title = "Re-enriched"
    assert store.save_many(changed, enrichment="pipeline-1") == 1, "w1 came back as it was: not written"

    assert store.get("w0").title == "Re-enriched"
    assert [c.document.id for c in store.changes(after=first)] == ["w0"]
    assert store.stale("pipeline-1") == ["w2"]
    assert store.stale("pipeline-2") == ["w0", "w1", "w2"]
    # A new version of the file makes its enrichment stale again.
    store.add(make_document("w1", "Record 1, corrected.\n"))
    assert store.stale("pipeline-1") == ["w1", "w2"]
    with pytest.raises(NotFoundError):
        store.save_many([make_document("w404")], enrichment="pipeline-1")


def test_stored_and_restore_copy_a_record_with_its_history(store: Store, tmp_path: Path):
    store.add(make_document("w1", "First.\n", path="a/first.txt"))
    store.add(make_document("w1", "Second.\n", path="b/second.txt"))
    record = store.stored("w1")
    assert [v.entry.path for v in record.history] == ["a/first.txt"]
    assert record.history[0].original == b"First.\n"
    assert record.added_at <= record.updated_at

    with SQLiteStore(tmp_path / "copy.db") as target:
        assert target.restore(record) == "restored"
        assert target.restore(record) == "unchanged"
        copied = target.stored("w1")
    assert copied == record
    assert isinstance(copied, StoredRecord)


def test_concurrent_adds_number_the_change_feed_in_commit_order(store: Store):
    import threading

    # The web server's threads share one store; on PostgreSQL each borrows a connection of
    # its own, and sequences hand out numbers before commit.
    errors: list[BaseException] = []

    def add(first: int) -> None:
        try:
            for n in range(first, first + 40):
                store.add(make_document(f"c{n:03d}", f"Concurrent {n}.\n"))
                store.add(make_document("shared-id", f"Version from {first}, {n}.\n"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(n * 100,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert store.count() == 161
    changes = store.changes(limit=1000)
    assert len(changes) == 161, "each record listed once, at its latest number"
    assert [c.seq for c in changes] == sorted(c.seq for c in changes)
    assert len(store.history("shared-id")) == 159
