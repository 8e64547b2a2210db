"""The TEI reader on real FRUS TEI (the volume's slices in ../shared) and on archivist's own
TEI export: the same records, with the same metadata, as the text exports give."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from archivist import collection
from archivist.document import Document
from archivist.errors import SourceError
from archivist.export import render_many, tei
from archivist.sources import read_bytes, read_path, read_records
from archivist.store import open_store
from shared_records import FRUS, enrich, jing, shared_documents

VOLUME = "frus1955-57v23p2"
NUMBERS = range(2, 48)
#: The metadata the gold labels hold for each FRUS record, compared field by field.
GOLD_FIELDS = ("id", "title", "date", "datetime", "place", "dateline", "classification", "drafter", "signer", "footnotes", "url")


@lru_cache(maxsize=1)
def _volume_text(folder: str) -> str:
    """The slices joined: they are consecutive 16,000-character cuts of one volume file."""
    return "".join(path.read_text(encoding="utf-8") for path in sorted(Path(folder).glob("*.xml")))


def cut_document(volume: str, number: int) -> str:
    """Document `number`'s whole `div`, from its start tag to the `</div>` that closes it."""
    start = re.search(rf'<div\b[^>]*\bxml:id="d{number}"[^>]*>', volume)
    assert start is not None, f"document {number} is not in the slices"
    depth = 0
    for tag in re.finditer(r"<(/?)div\b[^>]*?(/?)>", volume[start.start():]):
        if tag.group(2):
            continue
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return volume[start.start() : start.start() + tag.end()]
    raise AssertionError(f"document {number} is cut off by the end of the slices")


def frus_file(shared: Path, numbers: range | list[int]) -> bytes:
    """A TEI file of the volume holding the given documents, as the Office of the Historian
    writes one: the volume's id on the root, its full title in the header."""
    volume = _volume_text(str(shared / FRUS / "tei-slices" / VOLUME))
    body = "\n".join(cut_document(volume, n) for n in numbers)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:frus="http://history.state.gov/frus/ns/1.0" '
        f'xml:id="{VOLUME}">\n<teiHeader><fileDesc><titleStmt>'
        '<title type="complete">Foreign Relations of the United States, 1955–1957, Korea, Volume XXIII, Part 2</title>'
        "</titleStmt><publicationStmt><publisher>Office of the Historian</publisher></publicationStmt>"
        "<sourceDesc><p>Born digital.</p></sourceDesc></fileDesc></teiHeader>\n"
        f"<text><body>\n{body}\n</body></text></TEI>\n"
    ).encode("utf-8")


@pytest.fixture(scope="module")
def from_tei(shared: Path) -> dict[str, Document]:
    documents = read_records(f"{VOLUME}.xml", frus_file(shared, NUMBERS))
    return {d.id: enrich(d) for d in documents}


@pytest.fixture(scope="module")
def from_text(shared: Path) -> dict[str, Document]:
    return {d.id: d for d in shared_documents(shared) if d.id.startswith(VOLUME)}


def _fields(document: Document) -> dict[str, object]:
    return {
        "id": document.id,
        "title": document.title,
        "date": document.date.edtf,
        "datetime": document.datetime,
        "place": document.place,
        "dateline": document.dateline,
        "classification": document.classification,
        "drafter": document.drafter,
        "signer": document.signer,
        "footnotes": [f.text for f in document.footnotes],
        "url": document.url,
    }


def test_the_slices_hold_every_record(shared: Path) -> None:
    volume = _volume_text(str(shared / FRUS / "tei-slices" / VOLUME))
    for number in NUMBERS:
        div = cut_document(volume, number)
        assert div.startswith("<div") and div.endswith("</div>")


def test_one_record_per_document_with_the_text_exports_ids(from_tei: dict[str, Document]) -> None:
    assert sorted(from_tei) == sorted(f"{VOLUME}-d{n}" for n in NUMBERS)
    assert all(d.source.format == "tei" for d in from_tei.values())


@pytest.mark.parametrize("number", NUMBERS)
def test_tei_metadata_matches_the_gold_labels(shared: Path, from_tei: dict[str, Document], number: int) -> None:
    gold = json.loads((shared / FRUS / f"{VOLUME}-d{number}.gold.json").read_text(encoding="utf-8"))
    got = _fields(from_tei[f"{VOLUME}-d{number}"])
    assert got == {name: gold[name] for name in GOLD_FIELDS}


def test_tei_and_text_exports_give_the_same_records(from_tei: dict[str, Document], from_text: dict[str, Document]) -> None:
    assert from_tei.keys() == from_text.keys()
    for record_id, text_record in from_text.items():
        tei_record = from_tei[record_id]
        assert _fields(tei_record) == _fields(text_record)
        assert tei_record.summary == text_record.summary
        assert tei_record.citation == text_record.citation
        assert tei_record.provenance == text_record.provenance
        assert tei_record.document_type == text_record.document_type


def test_plain_layout_records_have_the_same_text_and_the_gold_person_tags(shared: Path, from_tei: dict[str, Document]) -> None:
    plain = 0
    for number in NUMBERS:
        gold = json.loads((shared / FRUS / f"{VOLUME}-d{number}.gold.json").read_text(encoding="utf-8"))
        document = from_tei[f"{VOLUME}-d{number}"]
        tagged = [a for a in document.annotations if a.kind == "tagged_person"]
        assert [a.original for a in tagged] == [p["text"] for p in gold["persons"]]
        if gold["layout_variant"] != "plain":
            continue
        plain += 1
        text = (shared / FRUS / f"{VOLUME}-d{number}.txt").read_text(encoding="utf-8")
        assert document.text == text
        assert [(a.start, a.end) for a in tagged] == [(p["start"], p["end"]) for p in gold["persons"]]
    assert plain == 16
    rhee = next(a for a in from_tei[f"{VOLUME}-d8"].annotations if a.kind == "tagged_person" and a.original == "Rhee")
    assert rhee.value == "111321"  # the authority's Syngman Rhee, through its FRUS ids


def test_a_document_dated_by_a_range_only(shared: Path) -> None:
    note = enrich(read_records("v.xml", frus_file(shared, [1]))[0])
    assert note.id == f"{VOLUME}-d1" and note.title == "Editorial Note"
    assert note.date.edtf == "1955-01-07/1957-12-31"
    assert note.provenance.archive == "Foreign Relations of the United States"
    assert note.citation_parts.publication == "1955–1957, Korea, Volume XXIII, Part 2, Document 1"


def test_head_roles_become_fields(from_tei: dict[str, Document]) -> None:
    telegram = from_tei[f"{VOLUME}-d3"]
    assert telegram.fields["from"] == "Embassy in Korea"
    assert telegram.fields["to"] == "Department of State"
    letter = from_tei[f"{VOLUME}-d8"]
    assert letter.fields["from"] == "Eisenhower" and letter.fields["to"] == "Rhee"


def test_ingest_a_volume_file(shared: Path, tmp_path: Path) -> None:
    path = tmp_path / f"{VOLUME}.xml"
    path.write_bytes(frus_file(shared, [2, 3, 8]))
    with open_store(tmp_path / "archive.db") as store:
        report = collection.ingest([path], store)
        assert [r.action for r in report.results] == ["added"] * 3
        assert [r.id for r in report.results] == [f"{VOLUME}-d2", f"{VOLUME}-d3", f"{VOLUME}-d8"]
        # Every record keeps the file it came from, byte for byte.
        assert store.original(f"{VOLUME}-d3") == path.read_bytes()
        again = collection.ingest([path], store)
        assert [r.action for r in again.results] == ["unchanged"] * 3


def test_read_bytes_gives_the_first_record(shared: Path) -> None:
    assert read_bytes("v.xml", frus_file(shared, [5, 6])).id == f"{VOLUME}-d5"


def test_text_exports_are_not_read_as_tei(shared: Path) -> None:
    assert read_path(shared / FRUS / f"{VOLUME}-d2.txt").source.format == "wilson-text"


def test_broken_tei_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="not well-formed XML"):
        read_bytes("broken.xml", b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><div type="document">')
    with pytest.raises(SourceError, match="no div"):
        read_bytes("empty.xml", b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text></TEI>')


# -- our export, read back -------------------------------------------------------------------

ROUND_TRIP_FIELDS = (
    "id", "title", "date", "event_date", "datetime", "time", "citation", "citation_parts", "url", "provenance",
    "summary", "credits", "original_language", "contents_language", "contents_type", "translators",
    "contributors", "document_type", "classification", "place", "dateline", "drafter", "signer", "fields",
)


def test_our_tei_read_back_gives_the_same_record(shared: Path) -> None:
    for document in shared_documents(shared):
        back = enrich(read_records(f"{document.id}.xml", tei.render(document))[0])
        assert back.source.format == "tei"
        for name in ROUND_TRIP_FIELDS:
            assert getattr(back, name) == getattr(document, name), (document.id, name)
        assert [f.text for f in back.footnotes] == [f.text for f in document.footnotes], document.id
        # Participants are linked to the authority by the people stage, left out here.
        assert [(p.name, p.side, p.aliases) for p in back.participants] == [
            (p.name, p.side, p.aliases) for p in document.participants
        ], document.id


def test_a_corpus_of_our_tei_reads_as_every_record(shared: Path) -> None:
    documents = shared_documents(shared)[:5]
    back = read_records("corpus.xml", render_many("tei", documents))
    assert [d.id for d in back] == [d.id for d in documents]


def test_frus_records_imported_from_tei_export_valid_tei(shared: Path, from_tei: dict[str, Document], tmp_path: Path) -> None:
    files = []
    for document in list(from_tei.values())[:10]:
        path = tmp_path / f"{document.id}.xml"
        path.write_bytes(tei.render(document))
        files.append(path)
    result = jing(shared, files)
    assert result.returncode == 0, result.stdout[:3000]
