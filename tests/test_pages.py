"""The reading room's pages on the records of ../shared: every page renders, links from home
reach every kind of page, the reader sets seed 003 as a dialogue with its notes linked both ways
and seed 000's OCR repairs with their readings, a hostile record is escaped everywhere, unknown
records and persons are 404 pages with a way back, and a bad query is a message on the page."""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from archivist.document import Block, DateValue, Document, Mention, Source
from archivist.export.csl_json import item as csl_item
from archivist.store import open_store
from archivist.web import create_app
from archivist.web.pages.dating import date_meaning, short_date
from archivist.web.pages.network import build_network
from archivist.web.pages.searching import SearchState
from tests.shared_records import shared_documents

SEED_003 = "wilson-117838"  # seeds/003_e4b9aa738285bd60.txt: Mao Zedong and the Soviet delegation
SEED_000 = "wilson-115932"  # seeds/000_f5cd30417f890412.txt: Puzanov's journal, "Kim II Sung"
FRUS_D2 = "frus1955-57v23p2-d2"
KIM_IL_SUNG = "107176"
HOSTILE_ID = "hostile-record"
HOSTILE_PERSON = "local:hostile-person"
SCRIPT = "<script>alert('archivist')</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
JAVASCRIPT_URL = "javascript:alert(document.cookie)"


def hostile_record(template: Document) -> Document:
    """A record whose every field a page prints carries markup or a script URL."""
    record = copy.deepcopy(template)
    record.id = HOSTILE_ID
    record.title = f"Minutes {SCRIPT} of a {IMAGE} meeting"
    record.summary = f"A summary with {SCRIPT} and {IMAGE}"
    record.url = JAVASCRIPT_URL
    record.citation_parts.url = JAVASCRIPT_URL
    record.translators = [IMAGE, "Gary Goldberg"]
    record.credits = SCRIPT
    record.provenance.repository = IMAGE
    record.classification = SCRIPT
    record.dateline = IMAGE
    for participant in record.participants:
        participant.name = f"{participant.name} {IMAGE}"
    for block in record.blocks:
        if block.speaker:
            block.speaker = f"{block.speaker} {IMAGE}"
    # The text itself: the hostile strings inside a speaker's turn, spans kept consistent by
    # appending them as a paragraph of its own at the end of the body.
    addition = f"\n\n{SCRIPT} {IMAGE} {JAVASCRIPT_URL}\n"
    start = len(record.text) + 2
    record.text += addition
    record.blocks.append(Block("paragraph", start, len(record.text) - 1))
    # A person of the record's own with a hostile name, mentioned in the hostile paragraph.
    record.mentions.append(Mention(start, start + len(SCRIPT), SCRIPT, "person", HOSTILE_PERSON, f"{SCRIPT} {IMAGE}", 1.0))
    record.source = Source.of("hostile.txt", record.text.encode("utf-8"), record.source.format)
    return record


@pytest.fixture(scope="module")
def archive(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("pages") / "archive.db"
    documents = shared_documents(shared)
    with open_store(db) as store:
        for document in documents:
            store.add(document)
        store.add(hostile_record(next(d for d in documents if d.id == SEED_003)))
    return db


@pytest.fixture(scope="module")
def client(archive: Path) -> Iterator[TestClient]:
    with TestClient(create_app(archive)) as opened:
        yield opened


def links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]


def ok(client: TestClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


# -- every page -------------------------------------------------------------------------------


def test_every_page_renders(client: TestClient, archive: Path) -> None:
    with open_store(archive) as store:
        ids = list(store.ids())
    for url in ["/", "/search", "/search?q=Korea", "/search?q=armistice&sort=date", "/people", "/people?prefix=K",
                "/browse", "/records", "/timeline", "/timeline?q=Korea", "/timeline?from=1955&to=1955", "/network",
                "/network?q=Korea", f"/network?centre={KIM_IL_SUNG}", f"/people/{KIM_IL_SUNG}"]:
        ok(client, url)
    for record_id in ids:
        page = ok(client, f"/documents/{record_id}")
        assert 'class="text-body"' in page
        ok(client, f"/documents/{record_id}?view=original")


def test_links_from_home_reach_every_kind_of_page(client: TestClient) -> None:
    kinds = {
        "search": re.compile(r"^/search"),
        "document": re.compile(r"^/documents/[^/?#]+"),
        "person": re.compile(r"^/people/[^/?#]+"),
        "people": re.compile(r"^/people(\?|$)"),
        "browse": re.compile(r"^/browse"),
        "records": re.compile(r"^/records"),
        "timeline": re.compile(r"^/timeline"),
        "network": re.compile(r"^/network"),
    }
    reached: dict[str, str] = {}
    seen = {"/"}
    frontier = ["/"]
    for _ in range(2):  # home, and the pages one click from it
        following = []
        for url in frontier:
            for href in links(ok(client, url)):
                if not href.startswith("/") or href.startswith(("/static", "/api", "/docs", "/oai")):
                    continue
                href = href.split("#")[0]
                for kind, pattern in kinds.items():
                    if pattern.match(href):
                        reached.setdefault(kind, href)
                if href not in seen:
                    seen.add(href)
                    following.append(href)
        frontier = following[:60]
    assert set(reached) == set(kinds), f"not reached from home: {set(kinds) - set(reached)}"
    for href in reached.values():
        ok(client, href)


# -- the reader -------------------------------------------------------------------------------


def test_seed_003_reads_as_a_dialogue(client: TestClient) -> None:
    page = ok(client, f"/documents/{SEED_003}")
    turns = re.findall(r'<div class="turn voice-(\d)" id="at-\d+">\s*<p class="who">(.*?)</p>', page, re.S)
    assert len(turns) > 150
    speakers = {re.sub(r"<[^>]+>", "", who).strip() for _, who in turns}
    assert any(s.startswith("Mao Zedong") and "Chinese side" in s for s in speakers)
    assert any(s.startswith("Anastas Mikoyan") and "Soviet side" in s for s in speakers)
    # One colour for each side, the same for every turn of that side.
    voices = {re.sub(r"<[^>]+>", "", who).split()[0]: voice for voice, who in turns}
    assert voices["Mao"] != voices["Anastas"]
    # The printed label stays, set apart from the speech; the speaker's name links to their page.
    assert '<b class="label">Mikoyan:</b>' in page or re.search(r'<b class="label"><a [^>]*>Mikoyan</a>:</b>', page)
    assert 'href="/people/109136"' in page
    # Stage directions, headings and the participants list are styled apart from the speech.
    assert '<p class="block-stage"' in page and "At the beginning of the conversation" in page
    assert '<h2 class="text-heading"' in page
    assert '<p class="block-meta"' in page


def test_footnotes_link_both_ways(client: TestClient) -> None:
    for record_id, numbers in ((SEED_003, ("1", "2")), (FRUS_D2, ("2", "3", "4", "5"))):
        page = ok(client, f"/documents/{record_id}")
        for number in numbers:
            assert re.search(rf'<a id="ref-{number}" href="#note-{number}"', page), (record_id, number)
            note = re.search(rf'<li id="note-{number}"[^>]*>(.*?)</li>', page, re.S)
            assert note, (record_id, number)
            assert f'href="#ref-{number}"' in note.group(1)
    # The marker's printed form is gone from the reading text: "^[1]" became a link.
    page = ok(client, f"/documents/{SEED_003}")
    assert "^[1]" not in page.split('id="record-text"')[1].split("<aside")[0]


def test_ocr_repairs_show_the_print_with_the_reading(client: TestClient) -> None:
    page = ok(client, f"/documents/{SEED_000}")
    repairs = re.findall(
        r'<span class="ed ed-ocr has-reading" tabindex="0"><span class="src">(.*?)</span>'
        r'<span class="rd" aria-hidden="true">(.*?)</span><span class="tip" role="tooltip">(.*?)</span></span>',
        page,
    )
    assert ("II", "Il", "OCR repair: printed “II”, reads “Il”") in repairs
    assert len([r for r in repairs if r[0] == "II"]) >= 10
    # The TeX residue in the archival stamp reads as the numero sign.
    assert any(r[1] == "№" for r in repairs)
    # The editorial correction of the date is shown as printed, with its reading.
    assert re.search(r'<span class="ed ed-sic" tabindex="0"><span class="src">\[sic; November\]</span>', page)
    # Inserted words and completed names keep their brackets, with the reading on hover.
    assert re.search(r'class="ed ed-insertion has-reading" tabindex="0"><span class="src">\[me\]</span><span class="rd" aria-hidden="true">me</span>', page)
    assert 'id="show-readings"' in page


def test_the_original_text_exactly(client: TestClient, archive: Path) -> None:
    with open_store(archive) as store:
        record = store.get(SEED_000)
    page = ok(client, f"/documents/{SEED_000}?view=original")
    shown = re.search(r'<pre class="original-text" tabindex="0">(.*?)</pre>', page, re.S)
    assert shown and html.unescape(shown.group(1)) == record.text


def test_search_words_are_marked_when_arriving_from_a_search(client: TestClient) -> None:
    results = ok(client, "/search?q=Kim+Il+Sung")
    assert f'href="/documents/{SEED_000}?q=Kim%20Il%20Sung"' in results
    page = ok(client, f"/documents/{SEED_000}?q=Kim+Il+Sung")
    marks = re.findall(r"<mark>(.*?)</mark>", page, re.S)
    printed = [re.sub(r"<[^>]+>", "", m) for m in marks]
    # Both the clean spelling and the OCR-damaged one, found through its reading.
    assert any("Kim Il Sung" in p for p in printed)
    assert any(p.startswith("Kim II") for p in printed)
    assert "<mark>" not in ok(client, f"/documents/{SEED_000}").split('id="record-text"')[1]


def test_metadata_citations_and_neighbours(client: TestClient, archive: Path) -> None:
    with open_store(archive) as store:
        record = store.get(SEED_000)
    page = ok(client, f"/documents/{SEED_000}")
    assert "EDTF <code>1957-11-13</code>: on 13 November 1957" in page
    assert "The event recorded took place on 12 November 1957" in page
    for label, value in (("Archive", "AVPRF"), ("Fond", "0102"), ("Opis (series)", "13"), ("Delo (file)", "5"),
                         ("Original language", "Russian"), ("Translated by", "Gary Goldberg"),
                         ("Classification", "Secret")):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page, label
    assert 'href="https://wilson-center-digital-archive.dvincitest.com/document/115932"' in page
    embedded = re.search(r'<script type="application/json" id="csl-json">(.*?)</script>', page, re.S)
    assert embedded and json.loads(embedded.group(1)) == json.loads(json.dumps(csl_item(record)))
    assert '<meta name="citation_title"' in page
    for name in ("Chicago", "CSL-JSON", "BibTeX", "RIS"):
        assert f"<summary>{name}</summary>" in page
    assert client.get(f"/api/documents/{SEED_000}/original").content == record.source.original
    assert 'rel="prev" href="/documents/' in page and "Earlier" in page


def test_date_meanings_are_spelled_out() -> None:
    assert date_meaning(DateValue("1957-11-12/1957-11-13", "1957-11-12", "1957-11-13")) == (
        "between 12 November 1957 and 13 November 1957"
    )
    assert date_meaning(DateValue("1956-09", "1956-09-01", "1956-09-30")) == (
        "some day in September 1956: between 1 September 1956 and 30 September 1956"
    )
    assert date_meaning(DateValue("1955~", "1955-01-01", "1955-12-31")).endswith(", approximate")
    assert date_meaning(DateValue()) is None
    assert short_date("1957-11-12/1957-11-13") == "12–13 Nov 1957"
    assert short_date(None) == "undated"


# -- search -----------------------------------------------------------------------------------


def test_facets_narrow_and_chips_remove(client: TestClient) -> None:
    page = ok(client, "/search?q=Korea")
    total = int(re.search(r"<strong>([\d,]+)</strong> records? match", page).group(1).replace(",", ""))
    facet = re.search(r'<h3 id="facet-lang">.*?<a id="facet-v[0-9a-f]+" href="([^"]+)"><span class="facet-value">([^<]+)</span> <span class="count"[^>]*>(\d+)</span>', page, re.S)
    assert facet
    href, value, count = html.unescape(facet.group(1)), facet.group(2), int(facet.group(3))
    narrowed = ok(client, href)
    shown = re.search(r"<strong>([\d,]+)</strong> records? match", narrowed) or re.search(r"<strong>([\d,]+)</strong> record", narrowed)
    assert int(shown.group(1).replace(",", "")) == count <= total
    chip = re.search(r'<li class="chip"><span><span class="chip-facet">Original language:</span> ([^<]+)</span><a href="([^"]+)"', narrowed)
    assert chip and chip.group(1) == value
    assert ok(client, html.unescape(chip.group(2))).count('class="hit"') == ok(client, "/search?q=Korea").count('class="hit"')
    # The URL holds the state: the same address gives the same page.
    assert SearchState.of(client.get(href).request.url.params).selected == {"lang": (value,)}


def test_sort_paging_and_fragments(client: TestClient) -> None:
    by_date = ok(client, "/search?sort=date")
    dates = re.findall(r'<span class="when">([^<]+)</span> · <span class="id">', by_date)
    assert len(dates) == 20
    assert '<a href="/search?sort=date&amp;offset=20" rel="next">' in by_date
    second = ok(client, "/search?sort=date&offset=20")
    assert re.search(r'<ol class="hits"[^>]* start="21">', second)
    # htmx asks for the part of a page that changes; the same template renders it alone.
    for url, target in (("/search?q=Korea", "search-results"), ("/people?prefix=K", "people-list"),
                        ("/timeline?from=1955&to=1955", "timeline-chart"), (f"/documents/{SEED_003}?view=original", "record-text")):
        fragment = client.get(url, headers={"HX-Request": "true", "HX-Target": target})
        assert fragment.status_code == 200, url
        assert re.match(rf'\s*<(div|section) [^>]*id="{target}"', fragment.text) and "<html" not in fragment.text, url


@pytest.mark.parametrize(("query", "words"), [('"Kim Il', "unbalanced quote"), ("Korea AND", "nothing on its right"), ("col:x", "unknown field")])
def test_a_bad_query_is_a_message_on_the_page(client: TestClient, query: str, words: str) -> None:
    response = client.get("/search", params={"q": query})
    assert response.status_code == 400
    assert 'class="problem" role="alert"' in response.text and words in response.text
    assert "Traceback" not in response.text
    assert client.get("/timeline", params={"q": query}).status_code == 400
    assert client.get("/network", params={"q": query}).status_code == 400


# -- people, timeline, network ---------------------------------------------------------------


def test_person_page_of_kim_il_sung(client: TestClient) -> None:
    page = ok(client, f"/people/{KIM_IL_SUNG}")
    assert '<h1 id="person-name">Kim Il Sung</h1>' in page
    spellings = re.findall(r'<span class="spelling">([^<]+)</span>', page)
    assert "Kim Il Sung" in spellings and "Kim II Sung" in spellings
    assert f'href="/documents/{SEED_003}"' in page and f'href="/documents/{SEED_000}"' in page
    assert "What Kim Il Sung says" in page and f"/documents/{SEED_000}#at-" in page
    assert 'href="/people/108483"' in page  # Mao Zedong, named with him
    assert '<svg class="strip"' in page


def test_people_browse_and_prefix(client: TestClient) -> None:
    page = ok(client, "/people?prefix=Kim")
    names = re.findall(r'<td><a href="/people/[^"]+">([^<]+)</a>', page)
    assert names and all(n.startswith("Kim") for n in names)
    assert "Kim Il Sung" in names
    browse = ok(client, "/browse")
    assert 'href="/search?year=1955&amp;sort=date"' in browse
    assert "/search?archive=AVPRF&amp;sort=date" in browse


def test_timeline_by_month_and_zoom(client: TestClient) -> None:
    page = ok(client, "/timeline")
    bars = re.findall(r'aria-label="([A-Z][a-z]+ \d{4}): (\d+) records?"', page)
    assert sum(int(n) for _, n in bars) == 49  # 46 FRUS records, two seeds and the hostile copy
    assert ("February 1955", "16") in bars or any(label == "February 1955" for label, _ in bars)
    zoomed = ok(client, "/timeline?from=1955&to=1955")
    assert "by month, 1955 to 1955" in zoomed
    korea = ok(client, "/timeline?q=Korea")
    assert "matching <q>Korea</q>" in korea


def test_network_is_readable_at_fifty(archive: Path) -> None:
    with open_store(archive) as store:
        network = build_network(store, list(store.ids()))
    assert len(network.nodes) == 50 and network.edges
    assert all(0 <= n.x <= network.width and 0 <= n.y <= network.height for n in network.nodes)
    # Labels sit clear of each other: few boxes overlap after spreading.
    boxes = []
    for node in network.nodes:
        width = len(node.label) * 7.0
        left = node.x + node.r + 4 if node.anchor == "start" else node.x - node.r - 4 - width
        boxes.append((left, node.y - 6, left + width, node.y + 6))
    overlaps = sum(
        1 for i, a in enumerate(boxes) for b in boxes[i + 1:]
        if min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
    )
    assert overlaps <= 2
    assert all(len(n.label) <= 24 for n in network.nodes)


# -- escaping and errors ----------------------------------------------------------------------


def test_a_hostile_record_is_escaped_everywhere(client: TestClient) -> None:
    for url in (f"/documents/{HOSTILE_ID}", f"/documents/{HOSTILE_ID}?view=original", "/", "/records",
                "/search?q=Minutes", "/search?q=meeting&sort=date", f"/people/{KIM_IL_SUNG}",
                f"/people/{HOSTILE_PERSON}", "/people?prefix=%3C", "/network", f"/network?centre={HOSTILE_PERSON}"):
        page = ok(client, url)
        assert SCRIPT not in page, url
        assert "<img" not in page, url
        assert "onerror=alert" not in page or "onerror=alert(1)&gt;" in page, url
        assert not re.search(r'(?:href|src|action)="\s*javascript:', page, re.I), url
    page = ok(client, f"/documents/{HOSTILE_ID}")
    assert "&lt;script&gt;alert(&#39;archivist&#39;)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert f'<span class="unlinked">{JAVASCRIPT_URL}</span>' in page
    # The embedded CSL-JSON cannot close its script element.
    embedded = re.search(r'<script type="application/json" id="csl-json">(.*?)</script>', page, re.S)
    assert embedded and "<" not in embedded.group(1)
    assert json.loads(embedded.group(1))["title"].startswith("Minutes <script>")


def test_unknown_records_and_persons_are_404_pages_with_a_way_back(client: TestClient) -> None:
    for url, words in (("/documents/no-such-record", "No such record"), ("/people/no-such-person", "No such person"),
                       ("/network?centre=no-such-person", "No such person"), ("/no/such/page", "No such page")):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"].startswith("text/html")
        assert words in response.text and 'href="/"' in response.text and 'href="/search"' in response.text
    api = client.get("/api/documents/no-such-record")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")
