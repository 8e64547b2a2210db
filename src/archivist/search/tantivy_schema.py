"""The tantivy index's layout: its fields, the analyzers that make their words, and the keys
and numbers a record's values become. Indexing and query planning share it.

A record is one tantivy document: `title` (with its repaired reading, if OCR repairs change it),
`summary`, `body` (the text from the body on, plus the repaired reading of each passage that
has repairs), `turns` (a JSON field: for each speaker's key, the words of the passages they
hold), facet values as printed beside the forms a query matches, date bounds as numbers, and,
stored for the hits, the date, the text and its passages and repairs.
"""

from __future__ import annotations

from functools import lru_cache

import tantivy
from tantivy import Filter as TokenFilter
from tantivy import TextAnalyzerBuilder, Tokenizer

__all__ = ["FACET_FIELDS", "NO_DATE", "SEPARATOR", "WEIGHTS", "analyzer", "day", "keyword_analyzer", "schema", "slug"]

#: Field weights of free text: a match in the title counts most, then the summary.
WEIGHTS = (("title", 3.0), ("summary", 1.5), ("body", 1.0))
#: Between a word of a speaker's names and the speaker's key in `speaker_token` values.
SEPARATOR = "\x1f"
#: The sort date of an undated record: after every dated one.
NO_DATE = 99_999_999

def analyzer() -> tantivy.TextAnalyzer:
    """Words as searched: split at anything not a letter or digit, lower case, accents
    folded ("Sŏng" -> "song"). No stemming, so prefixes and phrases mean what they say."""
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(TokenFilter.remove_long(40))
        .filter(TokenFilter.lowercase())
        .filter(TokenFilter.ascii_fold())
        .build()
    )


def keyword_analyzer() -> tantivy.TextAnalyzer:
    """A whole value as one token, case and accents folded: `lang:russian` finds "Russian"."""
    return TextAnalyzerBuilder(Tokenizer.raw()).filter(TokenFilter.lowercase()).filter(TokenFilter.ascii_fold()).build()


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="words")
    for name in ("summary", "body"):
        builder.add_text_field(name, tokenizer_name="words")
    # What a hit shows, kept with it: the date, the text and its passages and repairs. A hit
    # then costs one read of the document store instead of a record from SQLite.
    builder.add_text_field("date", stored=True, tokenizer_name="raw")
    builder.add_bytes_field("text", stored=True)
    builder.add_bytes_field("layout", stored=True)
    builder.add_json_field("turns", tokenizer_name="words")
    # Facet values as printed (fast, for counting and exact selection) beside the forms a
    # query matches: whole values folded (`_key`) or words (`_words`).
    for name in ("lang", "archive", "type", "classification", "translator", "person", "speaker"):
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    builder.add_text_field("lang_key", tokenizer_name="keyword")
    builder.add_text_field("classification_key", tokenizer_name="keyword")
    for name in ("archive_words", "type_words", "translator_words", "person_words", "speaker_words"):
        builder.add_text_field(name, tokenizer_name="words")
    builder.add_text_field("person_id", tokenizer_name="raw", fast=True)
    builder.add_text_field("speaker_key", tokenizer_name="raw")
    builder.add_text_field("speaker_token", tokenizer_name="raw")
    for name in ("year", "earliest", "latest", "sort_date"):
        builder.add_integer_field(name, indexed=True, fast=True)
    return builder.build()


FACET_FIELDS = {
    "lang": "lang",
    "archive": "archive",
    "type": "type",
    "classification": "classification",
    "translator": "translator",
    "person": "person",
    "speaker": "speaker",
}


def day(iso: str | None) -> int | None:
    """1956-09-18 -> 19560918; None for a date that is not a full ISO day."""
    if not iso or len(iso) < 10 or iso[4] != "-" or iso[7] != "-":
        return None
    digits = iso[:4] + iso[5:7] + iso[8:10]
    return int(digits) if digits.isdigit() else None


@lru_cache(maxsize=4096)
def slug(name: str) -> str:
    """A speaker's key in the `turns` field: letters and digits, folded, joined by '-'."""
    from archivist.authority import normalise

    return "-".join(normalise(name).split()) or "unnamed"
