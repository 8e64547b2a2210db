"""The tables, indexes and functions of the PostgreSQL search engine (`postgres_fts.py`).

They are derived data: a database whose `search_state.layout` is not LAYOUT has them dropped
and built again from the store. See `postgres_fts` for what each table holds.
"""

from __future__ import annotations

__all__ = ["COLUMNS", "LAYOUT", "SCHEMA", "TABLES"]

#: The tables' layout; another one in the database is dropped and rebuilt from the store.
LAYOUT = 2

SCHEMA = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() depends on a dictionary that could be changed, so PostgreSQL calls it STABLE
    # and refuses it in an index; the wrapper names the dictionary and promises immutability.
    """
    CREATE OR REPLACE FUNCTION archivist_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT unaccent('unaccent'::regdictionary, $1) $$
    """,
    # NEAR: every word within a window of `distance` words more than their number, in any
    # order. Each word's latest position is kept; a repeated word takes a slot of its own.
    """
    CREATE OR REPLACE FUNCTION archivist_near(stream text, words text[], distance integer)
    RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
    DECLARE
        tokens text[] := string_to_array(btrim(stream), ' ');
        n integer := cardinality(words);
        last integer[] := array_fill(0, ARRAY[cardinality(words)]);
        slot integer;
        lowest integer;
    BEGIN
        FOR i IN 1 .. coalesce(cardinality(tokens), 0) LOOP
            slot := 0;
            FOR j IN 1 .. n LOOP
                IF tokens[i] = words[j] AND (slot = 0 OR last[j] < last[slot]) THEN
                    slot := j;
                END IF;
            END LOOP;
            IF slot > 0 THEN
                last[slot] := i;
                lowest := i;
                FOR j IN 1 .. n LOOP
                    lowest := least(lowest, last[j]);
                END LOOP;
                IF lowest > 0 AND i - lowest - (n - 1) <= distance THEN
                    RETURN TRUE;
                END IF;
            END IF;
        END LOOP;
        RETURN FALSE;
    END
    $$
    """,
    """
    CREATE TABLE IF NOT EXISTS search_state (
        layout    integer NOT NULL,
        watermark bigint NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS search_documents (
        id                 text COLLATE "C" PRIMARY KEY,
        tsv                tsvector NOT NULL,
        rank_tsv           tsvector NOT NULL,
        title_words        text NOT NULL,
        summary_words      text NOT NULL,
        body_words         text NOT NULL,
        turns              jsonb NOT NULL,
        lang               text,
        lang_key           text COLLATE "C",
        classification     text,
        classification_key text COLLATE "C",
        archive            text[] NOT NULL,
        archive_words      text NOT NULL,
        type               text[] NOT NULL,
        type_words         text NOT NULL,
        translator         text[] NOT NULL,
        translator_words   text NOT NULL,
        person             text[] NOT NULL,
        person_id          text[] NOT NULL,
        person_words       text NOT NULL,
        speaker            text[] NOT NULL,
        speaker_key        text[] NOT NULL,
        year               integer,
        earliest           integer,
        latest             integer,
        sort_date          bigint NOT NULL,
        title              text,
        date               text,
        text               text NOT NULL,
        layout             text NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_documents_tsv ON search_documents USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS search_documents_person_id ON search_documents USING gin (person_id)",
    "CREATE INDEX IF NOT EXISTS search_documents_speaker_key ON search_documents USING gin (speaker_key)",
    # Names in any spelling are matched as phrases of the stream; trigrams find the candidates.
    "CREATE INDEX IF NOT EXISTS search_documents_person_words ON search_documents USING gin (person_words gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_documents_sort_date ON search_documents (sort_date, id)",
    "CREATE INDEX IF NOT EXISTS search_documents_earliest ON search_documents (earliest)",
    "CREATE INDEX IF NOT EXISTS search_documents_latest ON search_documents (latest)",
    "CREATE INDEX IF NOT EXISTS search_documents_year ON search_documents (year)",
    "CREATE INDEX IF NOT EXISTS search_documents_lang_key ON search_documents (lang_key)",
    "CREATE INDEX IF NOT EXISTS search_documents_classification_key ON search_documents (classification_key)",
    """
    CREATE TABLE IF NOT EXISTS search_terms (
        term      text COLLATE "C" PRIMARY KEY,
        frequency integer NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS search_speakers (
        token text COLLATE "C" NOT NULL,
        key   text COLLATE "C" NOT NULL,
        PRIMARY KEY (token, key)
    )
    """,
    "CREATE TABLE IF NOT EXISTS search_names (name text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS search_names_trigrams ON search_names USING gin (archivist_unaccent(lower(name)) gin_trgm_ops)",
)

TABLES = ("search_documents", "search_terms", "search_speakers", "search_names", "search_state")

COLUMNS = (
    "id", "tsv", "rank_tsv", "title_words", "summary_words", "body_words", "turns", "lang", "lang_key",
    "classification", "classification_key", "archive", "archive_words", "type", "type_words",
    "translator", "translator_words", "person", "person_id", "person_words", "speaker",
    "speaker_key", "year", "earliest", "latest", "sort_date", "title", "date", "text", "layout",
)
