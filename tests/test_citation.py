"""Citation strings into their parts; archival references into repository, fond, opis, delo."""

from __future__ import annotations

import pytest

from archivist.citation import parse_citation, parse_reference, split_names


@pytest.mark.parametrize(
    "raw, repository, collection, series, file, pages",
    [
        ("AVPRF F. 0102, Op. 13, Delo 5", "AVPRF", "0102", "13", "5", None),
        ("RGANI, f. 5, op. 49, d. 131, ll. 193-194", "RGANI", "5", "49", "131", "193-194"),
        ("Chinese Communist Party Central Archives", "Chinese Communist Party Central Archives", None, None, None, None),
        ("Department of State, Central Files, 795.00/1–1255", "Department of State", "Central Files", None, "795.00/1–1255", None),
        ("Eisenhower Library, Whitman File, NSC Records", "Eisenhower Library", "Whitman File", "NSC Records", None, None),
        ("Department of State, PPS Files: Lot 66 D 70, Korea", "Department of State", "PPS Files: Lot 66 D 70", None, "Korea", None),
        ("AVP RF, f. 0102, op. 11, p. 65, d. 45, ll. 1-30", "AVP RF", "0102", "11", "45", "1-30"),
        ("GARF, fond 5446, opis 1, delo 123", "GARF", "5446", "1", "123", None),
        ("PRC FMA 109-01094-02, 1-10", "PRC FMA", None, None, "109-01094-02", "1-10"),
        ("Department of Defense Files", "Department of Defense Files", None, None, None, None),
    ],
)
def test_references(raw, repository, collection, series, file, pages):
    p = parse_reference(raw)
    assert (p.raw, p.repository, p.collection, p.series, p.file, p.pages) == (raw, repository, collection, series, file, pages)


def test_frus_citation_parts():
    parts, translators, _ = parse_citation(
        '"Memorandum From the Assistant Secretary of State for Far Eastern Affairs (Robertson) to the Secretary of '
        'State", January 12, 1955, Foreign Relations of the United States, 1955–1957, Korea, Volume XXIII, Part 2, '
        "Document 4. Source: Department of State, Central Files, 795.00/1–1255. Top Secret. Drafted by Robert J. G. "
        "McClurkin, initialed by Robertson. https://history.state.gov/historicaldocuments/frus1955-57v23p2/d4"
    )
    assert parts.title.endswith("(Robertson) to the Secretary of State")
    assert parts.date == "January 12, 1955"
    assert parts.archive == "Foreign Relations of the United States"
    assert parts.publication == "1955–1957, Korea, Volume XXIII, Part 2, Document 4"
    assert parts.source_note == (
        "Source: Department of State, Central Files, 795.00/1–1255. Top Secret. Drafted by Robert J. G. McClurkin, "
        "initialed by Robertson."
    )
    assert translators == []


@pytest.mark.parametrize(
    "clause, names",
    [
        ("Translated for NKIDP by Gary Goldberg.", ["Gary Goldberg"]),
        ("Translated by Sergey Radchenko and Jeffrey Wang.", ["Sergey Radchenko", "Jeffrey Wang"]),
        ("Translated from Russian by Svetlana Savranskaya for the National Security Archive.", ["Svetlana Savranskaya"]),
        ("Obtained and translated by Charles Kraus.", ["Charles Kraus"]),
        ("Translated by A. B. Smith, C. Jones, and E. F. Brown.", ["A. B. Smith", "C. Jones", "E. F. Brown"]),
    ],
)
def test_translator_clauses(clause, names):
    citation = f'"A Record", May 1, 1960, Wilson Center Digital Archive, RGANI. {clause} https://example.org/document/1'
    parts, translators, _ = parse_citation(citation)
    assert translators == names
    assert parts.translation == clause
    assert parts.reference == "RGANI"


def test_split_names_keeps_suffixes():
    assert split_names("Herbert Hoover, Jr. and John Foster Dulles") == ["Herbert Hoover, Jr.", "John Foster Dulles"]
