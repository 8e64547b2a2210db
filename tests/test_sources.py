"""The readers on real exports: both founding documents field by field, every FRUS Korea
record in all three layouts against its gold labels, and the layout variations the readers
must take in their stride (labels reordered, missing, on one line, old Wilson citations)."""

from __future__ import annotations

import json

import pytest

from archivist import pipeline
from archivist.errors import TruncatedRecordError, UnknownFormatError
from archivist.sources import read_bytes, read_path

SEED_000 = "corpus/seeds/000_f5cd30417f890412.txt"
SEED_003 = "corpus/seeds/003_e4b9aa738285bd60.txt"
FRUS = "corpus/frus-korea-1955-57"


def read(shared, relative):
    return pipeline.run(read_path(shared / relative))


def test_seed_000_every_field(shared):
    d = read(shared, SEED_000)
    assert d.source.format == "wilson-markdown"
    assert d.id == "wilson-115932"
    assert d.title == "From the Journal of A. M. Puzanov, Record of a Conversation with Kim II Sung"
    assert (d.date.edtf, d.date.earliest, d.date.latest, d.date.original) == (
        "1957-11-13", "1957-11-13", "1957-11-13", "November 13, 1957",
    )
    assert d.citation == (
        '"From the Journal of A. M. Puzanov, Record of a Conversation with Kim II Sung", November 13, 1957, '
        "Wilson Center Digital Archive, AVPRF F. 0102, Op. 13, Delo 5. Translated for NKIDP by Gary Goldberg. "
        "https://wilson-center-digital-archive.dvincitest.com/document/115932"
    )
    assert d.url == "https://wilson-center-digital-archive.dvincitest.com/document/115932"
    assert d.citation_parts.title == d.title
    assert d.citation_parts.date == "November 13, 1957"
    assert d.citation_parts.archive == "Wilson Center Digital Archive"
    assert d.citation_parts.translation == "Translated for NKIDP by Gary Goldberg."
    p = d.provenance
    assert (p.raw, p.archive, p.repository, p.collection, p.series, p.file, p.pages) == (
        "AVPRF F. 0102, Op. 13, Delo 5", "Wilson Center Digital Archive", "AVPRF", "0102", "13", "5", None,
    )
    assert d.summary == (
        "Kim II Sung describes a recent meeting with Mao Zedong, Peng Dehuai's \"interference in the internal "
        "affairs\" of the KWP, and his invitation for Mao to visit the DPRK, among other topics."
    )
    assert d.credits == "This document was made possible with support from ROK Ministry of Unification"
    assert d.original_language == "Russian"
    assert (d.contents_type, d.contents_language) == ("Translation", "English")
    assert d.translators == ["Gary Goldberg"]
    assert d.text[d.body_start:].startswith("from the journal [handwritten entry SECRET")
    assert d.warnings == [
        "000_f5cd30417f890412.txt, line 29: date '12 September [sic; November] 1957' has an editorial correction; "
        "using 1957-11-12 and keeping the original."
    ]


def test_seed_003_every_field(shared):
    d = read(shared, SEED_003)
    assert d.source.format == "wilson-text"
    assert d.id == "wilson-117838"
    assert d.title == (
        "Conversation records between Chairman Mao Zedong and the Soviet Communist Party Delegation, 18 September 1956"
    )
    assert (d.date.edtf, d.date.earliest, d.date.latest) == ("1956-09-18", "1956-09-18", "1956-09-18")
    assert d.url == "https://digitalarchive.umd.edu/document/117838"  # the <...> brackets dropped
    assert d.citation_parts.date == "September 18, 1956"
    assert d.translators == ["Sergey Radchenko", "Jeffrey Wang"]
    assert d.original_language == "Chinese"
    assert (d.contents_type, d.contents_language) == ("Translation", "English")
    assert d.credits == "This document was made possible with support from Henry Luce Foundation"
    assert d.summary.startswith("Mao Zedong and the Soviet Community Party Delegation exchanged views")
    p = d.provenance
    assert (p.raw, p.archive, p.repository, p.collection, p.series, p.file) == (
        "Chinese Communist Party Central Archives", "Wilson Center Digital Archive",
        "Chinese Communist Party Central Archives", None, None, None,
    )
    assert d.text[d.body_start:].startswith("Record of Chairman Mao's conversation")


def test_text_is_the_file_decoded_and_spans_index_it(shared):
    for relative in (SEED_000, SEED_003):
        d = read(shared, relative)
        assert d.text == (shared / relative).read_text(encoding="utf-8")
        assert d.source.original == (shared / relative).read_bytes()
        for block in d.blocks:
            assert d.text[block.start:block.end].strip() == d.text[block.start:block.end]
            assert block.end > block.start


def frus_cases(shared_dir):
    return sorted(shared_dir.joinpath(FRUS).glob("*.gold.json"))


def test_all_frus_records_match_gold(shared):
    golds = frus_cases(shared)
    assert len(golds) == 46
    layouts = set()
    for gold_path in golds:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        d = pipeline.run(read_path(gold_path.with_name(gold["id"] + ".txt")))
        layouts.add((gold["layout_variant"], d.source.format))
        assert d.id == gold["id"]
        assert d.title == gold["title"], gold["id"]
        assert d.date.edtf == gold["date"], gold["id"]
        assert d.url == gold["url"], gold["id"]
        assert d.summary == gold["summary"], gold["id"]
        assert d.citation_parts.title == gold["title"], gold["id"]
        assert d.citation_parts.url == gold["url"], gold["id"]
        assert d.citation_parts.source_note == gold["source_note"], gold["id"]
        assert d.citation_parts.archive == "Foreign Relations of the United States"
        assert d.provenance.raw and gold["source_note"].startswith("Source: " + d.provenance.raw)
        assert d.original_language == "English"
        assert (d.contents_type, d.contents_language) == ("Transcript", "English")
    assert layouts == {("plain", "wilson-text"), ("compact", "wilson-text"), ("markdown", "wilson-markdown")}


def _export(**parts):
    """A Wilson-style export assembled from parts, in the order given."""
    return "\n\n".join(parts.values()).encode("utf-8")


CITATION = (
    '"Record of Conversation between N. S. Khrushchev and Mao Zedong," October 02, 1959, History and Public Policy '
    "Program Digital Archive, Archive of the President of the Russian Federation (APRF), f. 52, op. 1, d. 499, "
    "ll. 1-33, copy in Volkogonov Collection. Translated by Vladislav M. Zubok. "
    "http://digitalarchive.wilsoncenter.org/document/112088"
)


def test_old_wilson_citation_labels_out_of_order_and_missing():
    data = _export(
        title="Record of Conversation between N. S. Khrushchev and Mao Zedong",
        date="October 02, 1959",
        summary_label="Summary:",
        summary="Khrushchev and Mao argue about Taiwan.",
        lang="Original Language: Russian",
        citation_label="Citation:",
        citation=CITATION,
        body="Khrushchev: Our delegation greets you.",
    )
    d = pipeline.run(read_bytes("khrushchev-mao.txt", data))
    assert d.id == "wilson-112088"
    assert d.title == "Record of Conversation between N. S. Khrushchev and Mao Zedong"
    assert d.date.edtf == "1959-10-02"
    assert d.citation_parts.title == d.title  # the comma inside the quotes is the old style
    assert d.citation_parts.archive == "History and Public Policy Program Digital Archive"
    assert d.translators == ["Vladislav M. Zubok"]
    p = d.provenance
    assert (p.repository, p.collection, p.series, p.file) == (
        "Archive of the President of the Russian Federation (APRF)", "52", "1", "499",
    )
    assert p.pages == "1-33"
    assert d.original_language == "Russian"
    assert d.contents_type is None
    assert d.text[d.body_start:] == "Khrushchev: Our delegation greets you."


def test_title_missing_from_header_comes_from_citation():
    data = _export(date="October 2, 1959", citation_label="Citation:", citation=CITATION, body="Text of the record.")
    d = pipeline.run(read_bytes("x.txt", data))
    assert d.title == "Record of Conversation between N. S. Khrushchev and Mao Zedong"
    assert d.date.edtf == "1959-10-02"


def test_markdown_fused_date_and_title_with_bold_labels():
    data = _export(
        head="### 13.XI.57 Record of a Conversation with Kim Il Sung",
        citation_label="## **Citation:**",
        citation='"Record of a Conversation with Kim Il Sung", November 13, 1957, Wilson Center Digital Archive, '
        "RGANI, f. 5, op. 28, d. 410, ll. 193-194. Obtained and translated by James Person. "
        "<https://digitalarchive.wilsoncenter.org/document/120000>",
        contents_label="#### **Contents:**",
        contents="* Translation - English",
        body="Kim Il Sung said that the harvest was good.",
    )
    d = pipeline.run(read_bytes("x.md", data))
    assert d.source.format == "wilson-markdown"
    assert d.date.edtf == "1957-11-13"  # a two-digit year of the 1900s
    assert d.title == "Record of a Conversation with Kim Il Sung"
    assert d.translators == ["James Person"]
    assert (d.provenance.repository, d.provenance.pages) == ("RGANI", "193-194")
    assert d.contents_language == "English"
    assert d.url == "https://digitalarchive.wilsoncenter.org/document/120000"


def test_not_an_export_and_truncated_exports_are_named(shared):
    with pytest.raises(UnknownFormatError, match="notes.txt"):
        read_bytes("notes.txt", b"Shopping list\n\nmilk, eggs, a history of the Korean War\n")
    seed = (shared / SEED_003).read_bytes()
    with pytest.raises(TruncatedRecordError, match="cut.txt"):
        read_bytes("cut.txt", seed[:60])
    header_only = seed[: seed.index(b"Summary:")]
    with pytest.raises(TruncatedRecordError, match="no body"):
        read_bytes("header.txt", header_only)


def test_contents_listing_a_scan_and_a_transcript_beside_the_translation():
    data = _export(
        title="Telegram from Pyongyang",
        date="March 2, 1956",
        citation_label="Citation:",
        citation='"Telegram from Pyongyang", March 2, 1956, Wilson Center Digital Archive, AVPRF f. 0102, op. 12, '
        "d. 5. Translated by Gary Goldberg. https://digitalarchive.wilsoncenter.org/document/114000",
        contents_label="Contents:",
        contents="Original Scan\nTranscript - Russian",
        translation="Translation - English",
        body="The ambassador reported on the harvest.",
    )
    d = pipeline.run(read_bytes("scan.txt", data))
    assert (d.contents_type, d.contents_language) == ("Translation", "English")
    assert d.text[d.body_start:] == "The ambassador reported on the harvest."
