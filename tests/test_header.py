"""Header fields read from the record: dateline, place, time with UTC offset, classification,
drafter, signer, document type; the event date of a record of conversation; date mentions."""

from __future__ import annotations

import pytest

from archivist import pipeline
from archivist.header import classification_of, document_type_of, drafter_of
from archivist.sources import read_bytes, read_path

SEED_000 = "corpus/seeds/000_f5cd30417f890412.txt"
SEED_003 = "corpus/seeds/003_e4b9aa738285bd60.txt"


def test_seed_000_header(shared):
    d = pipeline.run(read_path(shared / SEED_000))
    assert d.classification == "Secret"  # the stamp "[handwritten entry SECRET Copy ...]"
    assert d.signer == "A. PUZANOV"
    assert d.document_type == "record of conversation"
    assert (d.date.edtf, d.event_date.edtf) == ("1957-11-13", "1957-11-12")
    assert d.event_date.original == "12 September [sic; November] 1957"
    assert any("has an editorial correction; using 1957-11-12 and keeping the original" in w for w in d.warnings)
    dates = {(a.original, a.value) for a in d.annotations if a.kind == "date"}
    assert ("12 September [sic; November] 1957", "1957-11-12") in dates
    assert ("August 1956", "1956-08") in dates
    assert ("last year", "1956") in dates
    assert ("1958", "1958") in dates
    for a in d.annotations:
        assert d.text[a.start:a.end] == a.original


def test_seed_003_header(shared):
    d = pipeline.run(read_path(shared / SEED_003))
    assert d.place == "Zhongnanhai"
    assert d.event_date.edtf == "1956-09-18"
    assert d.time == "18:00/21:10"
    assert d.datetime == "1956-09-18T18:00/1956-09-18T21:10"
    assert d.document_type == "record of conversation"
    assert d.classification is None
    dates = {(a.original, a.value) for a in d.annotations if a.kind == "date"}
    assert ("1956", "1956") in dates  # the bracketed "[1956]" after "August 30,"
    assert ("November 1953", "1953-11") in dates


@pytest.mark.parametrize(
    "note, expected",
    [
        ("Source: Department of State, Central Files, 795.00/2–755. Top Secret; Priority. Repeated to Tokyo.", "Top Secret"),
        ("Source: Department of State, S/S Files: Lot 66 D 204. No classification marking. Drafted in NA by Jones.", None),
        ("Source: Department of State, Central Files, 795B.5–MSP/3–3055. Confidential; Official–Informal.", "Confidential"),
        ("Source: Eisenhower Library, Dulles Papers, Strictly Confidential. Top Secret; Personal.", "Top Secret"),
        ("Source: Department of State, Central Files. Limited Official Use. Drafted by Smith.", "Limited Official Use"),
    ],
)
def test_classification_from_source_note(note, expected):
    assert classification_of(note, []) == expected


@pytest.mark.parametrize(
    "note, drafter",
    [
        ("Source: X. Secret. Drafted by Jones and Walter H. Drew of NA; cleared with FE.", "Jones and Walter H. Drew"),
        ("Source: X. Top Secret. Drafted by Robert J. G. McClurkin, initialed by Robertson.", "Robert J. G. McClurkin"),
        ("Source: X. No classification marking. Drafted in NA by Jones and sent to Seoul.", "Jones"),
        ("Source: X. Top Secret. Drafted by S. Everett Gleason on February 4.", "S. Everett Gleason"),
        ("Source: X. Secret. Drafted by Hemmendinger and Harry Schwartz of S/P; cleared by Murphy.", "Hemmendinger and Harry Schwartz"),
        ("Source: X. Secret.", None),
    ],
)
def test_drafter(note, drafter):
    assert drafter_of(note) == drafter


@pytest.mark.parametrize(
    "title, kind",
    [
        ("Memorandum of a Conversation, Department of State, Washington, April 7, 1955", "memorandum of conversation"),
        ("Telegram From the Embassy in Korea to the Department of State", "telegram"),
        ("Letter From the Secretary of Defense (Wilson) to the Secretary of State", "letter"),
        ("Despatch From the Embassy in Korea to the Department of State", "despatch"),
        ("Memorandum From John W. Hanes to the Secretary’s Special Assistant (O’Connor)", "memorandum"),
        ("Minutes of the 5th Plenum of the CC KWP", "minutes"),
        ("Report on the Counter-Subversive Capacity of the Republic of Korea", "report"),
    ],
)
def test_document_type(title, kind):
    assert document_type_of(title) == kind


def test_telegram_dateline_time_and_offset():
    data = (
        "Telegram From the Embassy in Japan to the Department of State\n\nJune 3, 1956\n\nCitation:\n\n"
        '"Telegram From the Embassy in Japan to the Department of State", June 3, 1956, Foreign Relations of the '
        "United States, 1955–1957, Japan, Document 9. Source: Department of State, Central Files, 794.00/6–356. "
        "Secret; Niact. https://history.state.gov/historicaldocuments/frus1955-57v23p1/d9\n\nContents:\n\n"
        "Transcript - English\n\nTokyo, June 3, 1956—noon.\n\n1234. Reference Deptel 2600.\n\nAllison\n"
    ).encode()
    d = pipeline.run(read_bytes("tokyo.txt", data))
    assert (d.place, d.dateline) == ("Tokyo", "Tokyo, June 3, 1956—noon.")
    assert d.datetime == "1956-06-03T12:00:00+09:00"
    assert d.classification == "Secret"
    assert d.signer == "Allison"
    assert d.document_type == "telegram"


@pytest.mark.parametrize(
    "note, expected",
    [
        ("Source: Department of State, Central Files, 795.00/2–755. Confidential—Security Information. Drafted by Smith.", "Confidential"),
        ("Source: Department of State, PPS Files: Lot 66 D 70. Top Secret—Eyes Only.", "Top Secret"),
    ],
)
def test_classification_with_a_dash(note, expected):
    assert classification_of(note, []) == expected


def test_drafted_and_approved_by():
    assert drafter_of("Source: X. Secret. Drafted and approved by Walter S. Robertson.") == "Walter S. Robertson"


@pytest.mark.parametrize(
    "line, place, dateline",
    [
        ("Moscow, undated.", "Moscow", "Moscow, undated."),
        ("[Washington,] April 7, 1955.", "Washington", "[Washington,] April 7, 1955."),
        ("Camp David, Maryland, September 26, 1959, 10:30 a.m.", "Camp David, Maryland", "Camp David, Maryland, September 26, 1959, 10:30 a.m."),
    ],
)
def test_other_datelines(line, place, dateline):
    data = (
        "A Memorandum\n\nMay 1, 1959\n\nCitation:\n\n\"A Memorandum\", May 1, 1959, Foreign Relations of the United "
        "States, 1958–1960, Volume X, Document 1. Source: Department of State, Central Files. Secret. "
        "https://history.state.gov/historicaldocuments/frus1958-60v10/d1\n\nContents:\n\nTranscript - English\n\n"
        f"{line}\n\nThe text of the memorandum.\n"
    ).encode()
    d = pipeline.run(read_bytes("m.txt", data))
    assert (d.place, d.dateline) == (place, dateline)
