"""Search on the PostgreSQL store: PostgreSQL's own full text gives the same records as the
tantivy index for every query of one test set, on records built here and on the real corpora;
and what only the server engine has (its tables, catching up in transactions, names close to an
unknown speaker's)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from archivist.search import SearchIndex, open_index, search
from archivist.search.postgres_fts import PostgresIndex
from archivist.store import open_store
from shared_records import shared_documents
from test_search import RECORDS, record

#: Queries over the records built in test_search.py: every construct of the query language.
BUILT_QUERIES = [
    "", "Korea", "Korea Albania", "Albania OR Japan", "Korea -Albania", "Korea NOT (Albania OR Japan)",
    '"Korea problem"', '"problem Korea"', "-Korea -armistice", "NEAR(Korea bad, 2)", "NEAR(bad Korea, 2)",
    "NEAR(Korea Albania, 1)", "negotia*", "Tse-t*", "armistice", "title:armistice", "title:arm*", "lang:chinese",
    "lang:Russian", "lang:chin*", "-lang:russian", "archive:AVPRF", 'archive:"Wilson Center Digital Archive"',
    "archive:Wil*", "type:telegram", 'classification:"top secret"', "classification:Secret", "translator:Goldberg",
    "translator:radchenko Korea", "year:1956", "year:1955", "NOT year:1956", "date:1956-08..1956-09-10",
    "date:1956-09-18", "date:1958..", "date:..1955-06", "date:1900..2100", "speaker:Mao Korea",
    "speaker:Mikoyan Korea", "speaker:Mao Albania", "speaker:Mikoyan Indeed", 'speaker:"Mao Tse-tung" Korea',
    "speaker:108483 Korea", "(speaker:Mao OR speaker:Mikoyan) Albania", "speaker:Mikoyan", "speaker:Nobody Korea",
    "Kim Il Sung", '"Kim Il-sung"', "title:Il", "Mao Zedong", '"Mao Zedong" armistice', "Mao Tse-tung armistice",
    "person:Mikoyan", 'person:"Mao Tse-tung"', "person:108483", 'person:"Mao Zedong"', 'person:"Kim Il Sung"',
    "person:no-such-person", "person:Kim", 'person:"Chairman Mao"', "person:Mao", "Korea OR armistice",
]

#: Queries over the real corpora (both seeds and the 46 FRUS records).
CORPUS_QUERIES = [
    "Korea", "Kim Il Sung", "Mao Tse-tung", "speaker:Mao Korea", "speaker:Mikoyan Korea",
    'year:1955 classification:"Top Secret"', 'person:"Kim Il Sung"', "Rhee armistice", "negotia*", "arm*", "a*",
    "the", "NEAR(Rhee Dulles, 10)", "NEAR(armistice agreement, 3)", '"Neutral Nations Supervisory Commission"',
    "NNSC OR Panmunjom", "Dulles -Rhee", "title:telegram", "type:memorandum", "lang:english", "archive:AVPRF",
    "translator:Goldberg", "date:1956", "year:1957 Kim", "person:Dulles", "person:Rhee", "speaker:Dulles",
    "economic aid", '"economic aid"', "NEAR(economic aid Korea, 20)", "Syngman Rhee", "Chou En-lai", "Zhou Enlai",
    "(Korea OR China) -Japan", "Khrushchev", "Peking", "1.5", "classification:secret", "-classification:secret",
    "speaker:Kim Il Sung", "person:107176", "person:Puzanov", 'person:"Syngman Rhee"', "title:Conversation",
    "Conversation*", "NEAR(Kim Mao, 50)",
]


def both(documents, sqlite_path: Path, postgres_url: str):
    """The same records in a SQLite store (tantivy) and a PostgreSQL store; both indexes."""
    with open_store(sqlite_path) as store:
        for document in documents:
            store.add(document)
    with open_store(postgres_url) as store:
        for document in documents:
            store.add(document)
    return sqlite_path, postgres_url


def assert_same_answers(sqlite_path: Path, postgres_url: str, queries: list[str]) -> None:
    with open_store(sqlite_path) as embedded, open_store(postgres_url) as server, \
            open_index(embedded) as tantivy, open_index(server) as postgres:
        assert isinstance(postgres, PostgresIndex) and not isinstance(tantivy, PostgresIndex)
        differing = []
        for query in queries:
            a = tantivy.search(query, limit=100, facets=True)
            b = postgres.search(query, limit=100, facets=True)
            facets_a = {k: [(v.value, v.count) for v in vs] for k, vs in a.facets.items()}
            facets_b = {k: [(v.value, v.count) for v in vs] for k, vs in b.facets.items()}
            same = {h.id for h in a.hits} == {h.id for h in b.hits} and a.total == b.total and facets_a == facets_b
            if not same or a.notes != b.notes[: len(a.notes)]:
                differing.append((query, sorted(h.id for h in a.hits), sorted(h.id for h in b.hits)))
        assert differing == []


@pytest.fixture(scope="module")
def built(postgres_cluster, tmp_path_factory: pytest.TempPathFactory):
    url = postgres_cluster.database()
    yield both(RECORDS, tmp_path_factory.mktemp("built") / "archive.db", url)
    postgres_cluster.drop(url)


@pytest.fixture()
def index(built) -> SearchIndex:
    with open_store(built[1]) as store, open_index(store) as opened:
        yield opened


def test_every_query_gives_the_same_records_on_both_engines(built) -> None:
    assert_same_answers(*built, BUILT_QUERIES)


def test_every_query_gives_the_same_records_on_the_corpora(shared: Path, postgres_cluster, tmp_path: Path) -> None:
    url = postgres_cluster.database()
    try:
        assert_same_answers(*both(shared_documents(shared), tmp_path / "corpus.db", url), CORPUS_QUERIES)
    finally:
        postgres_cluster.drop(url)


def test_snippets_speakers_and_spellings_on_postgres(index: SearchIndex) -> None:
    results = index.search("speaker:Mao Korea")
    assert [h.id for h in results.hits] == ["talk"]
    assert all(s.speaker == "Mao Zedong" for s in results.hits[0].snippets)
    hit = index.search("Kim Il Sung").hits[0]
    assert any(m.via == "repair" and m.printed == "Kim II Sung" for m in hit.variants)
    assert [hit.snippets[0].text[a:b] for a, b in hit.snippets[0].highlights] == ["Kim II Sung"]
    ranked = index.search("armistice")
    assert ranked.hits[0].id == "armistice-title", "a match in the title counts most"
    assert all(h.score is not None for h in ranked.hits)
    assert [h.id for h in index.search("", sort="date", limit=100).hits] == [
        "armistice-title", "tse-tung", "mikoyan-only", "talk", "damaged", "undated",
    ]


def test_an_unknown_speaker_is_answered_with_the_closest_names(index: SearchIndex) -> None:
    results = index.search("speaker:Mikoyn Korea")
    assert results.total == 0
    assert results.notes == ("no speaker in the archive is called 'Mikoyn'", "speakers with a similar name: Anastas Mikoyan")


def test_query_text_never_reaches_sql(index: SearchIndex, built) -> None:
    for query in ['"\'); DROP TABLE documents; --"', "x' OR '1'='1", '"a:b & c | !d"', "lang:\"'; SELECT 1\""]:
        assert index.search(query).total == 0
    with open_store(built[1]) as store:
        assert store.count() == len(RECORDS)


def test_the_tables_and_indexes_postgres_searches_with(built) -> None:
    with psycopg.connect(built[1]) as connection:
        indexes = {row[0]: row[1] for row in connection.execute("SELECT indexname, indexdef FROM pg_indexes")}
        volatility = connection.execute("SELECT provolatile FROM pg_proc WHERE proname = 'archivist_unaccent'").fetchone()
        weights = connection.execute("SELECT tsv::text FROM search_documents WHERE id = 'tse-tung'").fetchone()[0]
    assert "USING gin (tsv)" in indexes["search_documents_tsv"]
    assert "gin_trgm_ops" in indexes["search_documents_person_words"]
    assert "archivist_unaccent(lower(name))" in indexes["search_names_trigrams"]
    assert volatility == ("i",), "unaccent wrapped as IMMUTABLE, so an index can use it"
    assert "'telegram':1A" in weights and "'views':" in weights and "B" in weights and "C" in weights


def test_postgres_index_catches_up_in_transactions_and_rebuilds(postgres_database: str) -> None:
    with open_store(postgres_database) as store:
        for document in RECORDS:
            store.add(document)
        with open_index(store) as index:
            assert index.count() == len(RECORDS) and index.watermark == store.last_change()
            before = index.prefix_terms("negotia")
            store.add(record("talk", [(None, "Nothing of note any more.")], title="Conversation"))
            assert index.catch_up() == 1
            assert "talk" not in {h.id for h in index.search("Albania").hits}
            assert [h.id for h in index.search("nothing of note").hits] == ["talk"]
            # Taking the same changes in again (a watermark lost) doubles no counts.
            with store.connection() as connection:
                connection.execute("UPDATE search_state SET watermark = 0")
            assert index.catch_up() == len(RECORDS)
            assert index.prefix_terms("negotia") == before
            assert index.rebuild() == len(RECORDS)
            assert index.search("Korea").total == 2


def test_the_api_searches_postgres(built) -> None:
    from archivist.web import create_app

    with TestClient(create_app(built[1])) as client:
        answer = client.get("/api/documents", params={"q": "speaker:Mikoyan Korea", "facets": "true"})
        assert answer.status_code == 200
        assert {h["id"] for h in answer.json()["hits"]} == {"talk", "mikoyan-only"}
        assert client.get("/api/documents/talk").json()["id"] == "talk"
        assert client.get("/api/documents", params={"q": '"Kim Il'}).status_code == 400
    with open_store(built[1]) as store:
        assert search(store, "Korea").total == 3


def test_the_commands_work_on_postgres(postgres_database: str) -> None:
    from click.testing import CliRunner

    from archivist.cli import cli

    samples = Path(__file__).resolve().parents[1] / "samples"
    runner = CliRunner()
    ingested = runner.invoke(cli, ["ingest", str(samples), "--db", postgres_database])
    assert ingested.exit_code == 0, ingested.output
    assert "6 added" in " ".join(ingested.output.split()) or "added │ 6" in ingested.output
    listed = runner.invoke(cli, ["list", "--json", "--db", postgres_database])
    assert listed.exit_code == 0 and listed.output.count('"id"') == 6
    shown = runner.invoke(cli, ["show", "frus1955-57v23p2-d2", "--json", "--db", postgres_database])
    assert shown.exit_code == 0 and '"frus1955-57v23p2-d2"' in shown.output
    found = runner.invoke(cli, ["search", "Rhee", "--json", "--db", postgres_database])
    assert found.exit_code == 0 and '"total"' in found.output
    again = runner.invoke(cli, ["ingest", str(samples), "--db", postgres_database])
    assert again.exit_code == 0 and "unchanged" in again.output
