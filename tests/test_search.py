"""Search over the tantivy index: the query language on real corpora and on records built here,
variant-aware matching, facets, snippets, paging, and an index that keeps up with the store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.collection import ingest
from archivist.document import Annotation, Block, DateValue, Document, Mention, Participant, Provenance, Source
from archivist.errors import QueryError
from archivist.search import SearchIndex, catch_up, index_folder, open_index, reindex, search
from archivist.search import tantivy_index
from archivist.store import SQLiteStore, open_store

SRC = Path(__file__).resolve().parents[1] / "src"
SEEDS = "corpus/seeds"
FRUS = "corpus/frus-korea-1955-57"


# -- records built here --------------------------------------------------------------------


def record(
    id: str,
    passages: list[tuple[str | None, str]],
    *,
    title: str = "A record",
    summary: str | None = None,
    date: tuple[str, str, str] | None = None,
    lang: str | None = "English",
    repository: str | None = None,
    archive: str | None = None,
    document_type: str | None = None,
    classification: str | None = None,
    translators: tuple[str, ...] = (),
    participants: tuple[Participant, ...] = (),
    repairs: tuple[tuple[str, str], ...] = (),
    mentions: tuple[tuple[str, str], ...] = (),
) -> Document:
    """A record whose body is `passages`, each (speaker or None, text). `repairs` are OCR
    repairs (printed, reading) of every occurrence; `mentions` link (text, authority id)."""
    header = f"{title}\n\n"
    text = header
    blocks = []
    for speaker, passage in passages:
        start = len(text)
        text += passage
        blocks.append(Block("turn" if speaker else "paragraph", start, len(text), speaker))
        text += "\n\n"
    annotations = []
    for printed, reading in repairs:
        at = text.find(printed)
        while at >= 0:
            annotations.append(Annotation("ocr", at, at + len(printed), printed, reading))
            at = text.find(printed, at + 1)
    found = []
    for name, authority_id in mentions:
        at = text.find(name)
        if at >= 0:
            found.append(Mention(at, at + len(name), name, "person", authority_id, name))
    return Document(
        id=id,
        text=text,
        source=Source.of(f"{id}.txt", text.encode("utf-8"), "wilson-text"),
        title=title,
        summary=summary,
        date=DateValue(date[0], date[1], date[2]) if date else DateValue(),
        original_language=lang,
        provenance=Provenance(archive=archive, repository=repository),
        document_type=document_type,
        classification=classification,
        translators=list(translators),
        body_start=len(header),
        blocks=blocks,
        annotations=annotations,
        mentions=found,
        participants=list(participants),
    )


MAO = Participant("Mao Zedong", "Chinese side", ["Chairman Mao", "Chairman"], "108483")
MIKOYAN = Participant("Anastas Mikoyan", "Soviet side", ["Mikoyan"], "109136")

RECORDS = [
    record(
        "talk",
        [
            (None, "Record of a conversation held in Beijing."),
            ("Mao Zedong", "Chairman: What should be done about the Korea problem?"),
            ("Anastas Mikoyan", "Mikoyan: The situation in Korea is bad, and Albania too."),
            ("Mao Zedong", "Chairman: We should talk about Albania."),
        ],
        title="Conversation between Mao Zedong and Mikoyan",
        date=("1956-09-18", "1956-09-18", "1956-09-18"),
        lang="Chinese",
        repository="CCP Central Archives",
        archive="Wilson Center Digital Archive",
        document_type="record of conversation",
        translators=("Sergey Radchenko", "Jeffrey Wang"),
        participants=(MAO, MIKOYAN),
    ),
    record(
        "mikoyan-only",
        [("Anastas Mikoyan", "Mikoyan: Korea, Korea and Korea again."), ("Mao Zedong", "Chairman: Indeed.")],
        title="Another conversation",
        date=("1956-09", "1956-09-01", "1956-09-30"),
        lang="Chinese",
        participants=(MAO, MIKOYAN),
    ),
    record(
        "damaged",
        [(None, "The conversation with Cde. Mao Zedong, said Kim II Sung, was very warm."),
         (None, "Kim II Sung then spoke of the economy and the five-year plan.")],
        title="Record of a Conversation with Kim II Sung",
        date=("1957-11-13", "1957-11-13", "1957-11-13"),
        lang="Russian",
        repository="AVPRF",
        archive="Wilson Center Digital Archive",
        translators=("Gary Goldberg",),
        repairs=(("II", "Il"),),
    ),
    record(
        "tse-tung",
        [(None, "A telegram on the views of Mao Tse-tung about the armistice negotiations."),
         (None, "The negotiators met again at Panmunjom; negotiating went on.")],
        title="Telegram From the Embassy in Seoul",
        summary="Views of the Chinese leadership",
        date=("1955-01-08", "1955-01-08", "1955-01-08"),
        mentions=(("Mao Tse-tung", "108483"),),
        repository="Department of State",
        archive="Foreign Relations of the United States",
        document_type="telegram",
        classification="Top Secret",
    ),
    record(
        "armistice-title",
        [(None, "Nothing about it in the text but a passing word: armistice.")],
        title="The Armistice Agreement",
        date=("1955/1957", "1955-01-01", "1957-12-31"),
        document_type="memorandum",
        classification="Secret",
    ),
    record(
        "undated",
        [(None, "An undated note on the armistice, and on Korea and Japan.")],
        title="Note",
        lang=None,
        mentions=(("Korea", "no-such-person"),),
    ),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("built") / "archive.db"
    with open_store(db) as store:
        for document in RECORDS:
            store.add(document)
    return db


@pytest.fixture()
def index(built: Path):
    with open_store(built) as store, open_index(store) as opened:
        yield opened


def ids(index: SearchIndex, query: str, **options) -> list[str]:
    return [hit.id for hit in index.search(query, limit=100, **options).hits]


# -- the query language on records built here ----------------------------------------------


def test_words_phrases_and_boolean_operators(index: SearchIndex) -> None:
    assert set(ids(index, "Korea")) == {"talk", "mikoyan-only", "undated"}
    assert set(ids(index, "Korea Albania")) == {"talk"}
    assert set(ids(index, "Albania OR Japan")) == {"talk", "undated"}
    assert set(ids(index, "Korea -Albania")) == {"mikoyan-only", "undated"}
    assert set(ids(index, "Korea NOT (Albania OR Japan)")) == {"mikoyan-only"}
    assert set(ids(index, '"Korea problem"')) == {"talk"}
    assert ids(index, '"problem Korea"') == []
    assert set(ids(index, "-Korea -armistice")) == {"damaged"}


def test_near_finds_words_apart_in_either_order(index: SearchIndex) -> None:
    assert ids(index, "NEAR(Korea bad, 2)") == ["talk"]
    assert ids(index, "NEAR(bad Korea, 2)") == ["talk"]
    assert ids(index, "NEAR(Korea Albania, 1)") == []


def test_prefix_expands_to_scored_words(index: SearchIndex) -> None:
    results = index.search("negotia*", limit=10)
    assert [h.id for h in results.hits] == ["tse-tung"]
    highlighted = {s.text[a:b].lower() for s in results.hits[0].snippets for a, b in s.highlights}
    assert highlighted == {"negotiations", "negotiators", "negotiating"}
    assert results.hits[0].score is not None and results.hits[0].score > 0


def test_prefix_standing_for_too_many_words_says_so(index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tantivy_index, "PREFIX_TERMS", 1)
    results = index.search("negotia*")
    assert any("negotia* begins 3 words; the 1 most frequent were searched" in note for note in results.notes)


def test_title_weighs_more_than_body(index: SearchIndex) -> None:
    order = ids(index, "armistice")
    assert order[0] == "armistice-title"
    assert set(order) == {"armistice-title", "tse-tung", "undated"}
    assert ids(index, "title:armistice") == ["armistice-title"]


def test_field_filters(index: SearchIndex) -> None:
    assert set(ids(index, "lang:chinese")) == {"talk", "mikoyan-only"}
    assert ids(index, "lang:Russian") == ["damaged"]
    assert set(ids(index, "archive:AVPRF")) == {"damaged"}
    assert set(ids(index, 'archive:"Wilson Center Digital Archive"')) == {"talk", "damaged"}
    assert ids(index, "type:telegram") == ["tse-tung"]
    assert ids(index, 'classification:"top secret"') == ["tse-tung"]
    # A classification is matched whole: Secret is not Top Secret.
    assert ids(index, "classification:Secret") == ["armistice-title"]
    assert set(ids(index, "translator:Goldberg")) == {"damaged"}
    assert set(ids(index, "translator:radchenko Korea")) == {"talk"}


def test_dates_overlap_at_every_precision(index: SearchIndex) -> None:
    assert set(ids(index, "year:1956")) == {"talk", "mikoyan-only", "armistice-title"}
    assert set(ids(index, "year:1955")) == {"tse-tung", "armistice-title"}
    # A record dated 1956-09 matches a range that overlaps it, not one that misses it.
    assert set(ids(index, "date:1956-08..1956-09-10")) == {"mikoyan-only", "armistice-title"}
    assert set(ids(index, "date:1956-09-18")) == {"talk", "mikoyan-only", "armistice-title"}
    assert ids(index, "date:1958..") == []
    assert set(ids(index, "date:..1955-06")) == {"tse-tung", "armistice-title"}
    assert "undated" not in ids(index, "date:1900..2100")


def test_speaker_narrows_to_that_persons_turns(index: SearchIndex) -> None:
    # Mikoyan says "Korea" in both records; Mao only in "talk".
    assert ids(index, "speaker:Mao Korea") == ["talk"]
    assert set(ids(index, "speaker:Mikoyan Korea")) == {"talk", "mikoyan-only"}
    assert set(ids(index, "speaker:Mao Albania")) == {"talk"}
    assert ids(index, "speaker:Mikoyan Indeed") == []
    # Every spelling of the person: the participant's aliases and the authority's variants.
    assert ids(index, 'speaker:"Mao Tse-tung" Korea') == ["talk"]
    assert ids(index, "speaker:108483 Korea") == ["talk"]
    assert set(ids(index, "(speaker:Mao OR speaker:Mikoyan) Albania")) == {"talk"}
    results = index.search("speaker:Mao Korea")
    snippets = results.hits[0].snippets
    assert snippets and all(s.speaker == "Mao Zedong" and s.kind == "turn" for s in snippets)
    assert all("Mikoyan:" not in s.text for s in snippets)


def test_speaker_alone_and_unknown_speaker(index: SearchIndex) -> None:
    assert set(ids(index, "speaker:Mikoyan")) == {"talk", "mikoyan-only"}
    results = index.search("speaker:Nobody Korea")
    assert results.total == 0
    assert any("Nobody" in note for note in results.notes)


def test_ocr_repairs_are_searched_and_said(index: SearchIndex) -> None:
    results = index.search("Kim Il Sung")
    assert [h.id for h in results.hits] == ["damaged"]
    hit = results.hits[0]
    assert any(m.via == "repair" and m.printed == "Kim II Sung" and m.matched == "Kim Il Sung" for m in hit.variants)
    matched = [m for s in hit.snippets for m in s.matched]
    assert 'Kim Il Sung (printed "Kim II Sung")' in matched
    # The snippet shows the text as printed, with the damaged name highlighted whole.
    snippet = hit.snippets[0]
    assert [snippet.text[a:b] for a, b in snippet.highlights] == ["Kim II Sung"]
    assert ids(index, '"Kim Il-sung"') == ["damaged"]
    assert ids(index, "title:Il") == ["damaged"]


def test_another_spelling_of_a_person_matches_and_is_said(index: SearchIndex) -> None:
    found = ids(index, "Mao Zedong")
    assert "tse-tung" in found and "talk" in found
    results = index.search('"Mao Zedong" armistice')
    assert [h.id for h in results.hits] == ["tse-tung"]
    (match,) = results.hits[0].variants
    assert (match.query, match.matched, match.via) == ("Mao Zedong", "Mao Tse-tung", "authority")
    assert ids(index, "Mao Tse-tung armistice") == ["tse-tung"]


def test_person_filter_uses_links_participants_and_spellings(index: SearchIndex) -> None:
    # Participants by name, and mentions linked to the authority under any spelling; "damaged"
    # prints Mao's name but no mention links it, so it is left to a free-text search.
    assert set(ids(index, "person:Mikoyan")) == {"talk", "mikoyan-only"}
    assert set(ids(index, 'person:"Mao Tse-tung"')) == {"talk", "mikoyan-only", "tse-tung"}
    assert set(ids(index, "person:108483")) == {"talk", "mikoyan-only", "tse-tung"}
    assert set(ids(index, 'person:"Mao Zedong"')) == {"talk", "mikoyan-only", "tse-tung"}
    assert ids(index, 'person:"Kim Il Sung"') == []
    assert ids(index, "person:no-such-person") == ["undated"]
    results = index.search('person:"Mao Zedong"')
    tse_tung = next(h for h in results.hits if h.id == "tse-tung")
    assert [(m.matched, m.via) for m in tse_tung.variants] == [("Mao Tse-tung", "authority")]


def test_facets_count_select_and_combine(index: SearchIndex) -> None:
    results = index.search("", facets=True, limit=0)
    assert results.total == len(RECORDS)
    facets = {name: {v.value: v.count for v in values} for name, values in results.facets.items()}
    assert facets["lang"] == {"Chinese": 2, "Russian": 1, "English": 2}
    assert facets["year"] == {"1955": 2, "1956": 2, "1957": 1}
    assert facets["decade"] == {"1950": 5}
    assert facets["archive"]["Wilson Center Digital Archive"] == 2
    assert facets["classification"] == {"Top Secret": 1, "Secret": 1}
    assert facets["speaker"] == {"Mao Zedong": 2, "Anastas Mikoyan": 2}
    assert facets["person"]["Mao Zedong"] == 3
    assert facets["translator"]["Gary Goldberg"] == 1
    assert facets["type"]["telegram"] == 1
    # Values of one facet are ORed, facets ANDed; a selection narrows a query too.
    assert set(ids(index, "", selected={"lang": ["Chinese", "Russian"]})) == {"talk", "mikoyan-only", "damaged"}
    assert ids(index, "", selected={"lang": ["Chinese", "Russian"], "year": ["1957"]}) == ["damaged"]
    assert ids(index, "Korea", selected={"speaker": ["Anastas Mikoyan"], "decade": ["1950s"]}) == ["talk", "mikoyan-only"] or set(
        ids(index, "Korea", selected={"speaker": ["Anastas Mikoyan"], "decade": ["1950s"]})
    ) == {"talk", "mikoyan-only"}
    narrowed = index.search("Korea", selected={"lang": ["Chinese"]}, facets=["lang", "speaker"])
    assert {v.value: v.count for v in narrowed.facets["lang"]} == {"Chinese": 2}
    assert set(narrowed.facets) == {"lang", "speaker"}


def test_browse_sorts_by_date_and_pages_keep_one_order(index: SearchIndex) -> None:
    every = ids(index, "", sort="date")
    # By earliest day: the 1955/1957 interval starts before the telegram of 1955-01-08.
    assert every == ["armistice-title", "tse-tung", "mikoyan-only", "talk", "damaged", "undated"]
    assert ids(index, "") == every  # a browse has no relevance: it is by date
    paged = [h.id for offset in range(0, 6, 2) for h in index.search("", sort="date", offset=offset, limit=2).hits]
    assert paged == every
    relevance = ids(index, "Korea OR armistice")
    paged = [h.id for offset in range(0, 6, 2) for h in index.search("Korea OR armistice", offset=offset, limit=2).hits]
    assert paged == relevance


def test_several_snippets_for_several_passages(index: SearchIndex) -> None:
    results = index.search("Korea OR Albania")
    talk = next(h for h in results.hits if h.id == "talk")
    assert len(talk.snippets) == 3
    assert [s.speaker for s in talk.snippets] == ["Mao Zedong", "Anastas Mikoyan", "Mao Zedong"]
    for snippet in talk.snippets:
        for start, end in snippet.highlights:
            assert snippet.text[start:end] in ("Korea", "Albania")
        assert "<mark>" in snippet.html()


def test_bad_queries_raise_query_error_never_an_engine_error(index: SearchIndex) -> None:
    for query in ['"Kim Il', "(Korea", "Korea)", "AND", "col:x OR {", "year:19x", "a~2"]:
        with pytest.raises(QueryError):
            index.search(query)
    for bad in [dict(sort="title"), dict(limit=1000), dict(offset=-1), dict(selected={"colour": ["red"]}),
                dict(selected={"year": ["nineteen"]})]:
        with pytest.raises(QueryError):
            index.search("Korea", **bad)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list('Kk orea"()-*:,AND OR NOT NEAR 5 speaker person year lang title')), max_size=30))
def test_any_query_is_answered_or_refused_cleanly(index: SearchIndex, query: str) -> None:
    try:
        results = index.search(query, facets=True)
    except QueryError as error:
        assert error.message
    else:
        assert results.total >= len(results.hits)


# -- the command line ----------------------------------------------------------------------


def test_cli_search_prints_a_page_json_and_facets(built: Path) -> None:
    from click.testing import CliRunner

    from archivist.cli import cli

    runner = CliRunner()
    shown = runner.invoke(cli, ["search", "speaker:Mao Korea", "--db", str(built)])
    assert shown.exit_code == 0, shown.output
    assert "1 records for speaker:Mao Korea" in shown.output
    assert "talk" in shown.output and "Mao Zedong" in shown.output
    as_json = runner.invoke(cli, ["search", "Korea", "--db", str(built), "--json", "--facets", "--limit", "2"])
    data = json.loads(as_json.output)
    assert data["total"] == 3 and len(data["hits"]) == 2 and "lang" in data["facets"]
    narrowed = runner.invoke(cli, ["search", "", "--db", str(built), "--json", "--select", "lang=Russian", "--sort", "date"])
    assert [h["id"] for h in json.loads(narrowed.output)["hits"]] == ["damaged"]
    bad = runner.invoke(cli, ["search", "col:x OR {", "--db", str(built)])
    assert bad.exit_code == 1
    assert "unknown field 'col:' at position 0" in bad.output
    wrong = runner.invoke(cli, ["search", "", "--db", str(built), "--select", "lang"])
    assert wrong.exit_code != 0 and "FACET=VALUE" in wrong.output


def test_cli_reindex_rebuilds(built: Path) -> None:
    from click.testing import CliRunner

    from archivist.cli import cli

    result = CliRunner().invoke(cli, ["reindex", "--db", str(built)])
    assert result.exit_code == 0, result.output
    assert f"indexed {len(RECORDS)} records" in result.output


# -- keeping up with the store -------------------------------------------------------------


def test_store_change_feed_numbers_commits(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        assert store.last_change() == 0
        for document in RECORDS[:3]:
            store.add(document)
        again = record("talk", [(None, "A new version of the talk.")])
        store.add(again)
        changes = store.changes()
        assert [c.document.id for c in changes] == ["mikoyan-only", "damaged", "talk"]
        assert [c.seq for c in changes] == sorted(c.seq for c in changes)
        assert store.last_change() == changes[-1].seq
        assert changes[-1].document.text == again.text
        assert store.changes(after=changes[-1].seq) == []
        assert [c.document.id for c in store.changes(limit=1)] == ["mikoyan-only"]


def test_index_catches_up_on_open_and_replaces_updated_records(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with open_store(db) as store:
        for document in RECORDS:
            store.add(document)
        # Nothing indexed yet: the store's commits came first, as when a kill stops an ingest
        # between the store's commit and the index's.
        assert not index_folder(store).exists()
        with open_index(store) as opened:
            assert opened.count() == len(RECORDS)
            assert opened.watermark == store.last_change()
            store.add(record("talk", [(None, "Nothing of note any more.")], title="Conversation"))
            assert catch_up(store) == 1
            opened_again = open_index(store)
            assert opened_again.count() == len(RECORDS)
            assert "talk" not in ids(opened_again, "Albania")
            assert ids(opened_again, "nothing of note") == ["talk"]
            opened_again.close()
        assert catch_up(store) == 0


def test_a_failed_catch_up_keeps_the_watermark_and_the_next_one_finishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "archive.db"
    with open_store(db) as store:
        for document in RECORDS:
            store.add(document)
        original = tantivy_index.TantivyIndex.document
        calls = {"n": 0}

        def failing(self, record):
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("disk full")
            return original(self, record)

        monkeypatch.setattr(tantivy_index.TantivyIndex, "document", failing)
        with pytest.raises(RuntimeError):
            open_index(store)
        monkeypatch.setattr(tantivy_index.TantivyIndex, "document", original)
        with open_index(store) as opened:
            assert opened.count() == len(RECORDS)
            assert opened.watermark == store.last_change()


KILLED_BETWEEN_COMMITS = """
import os, signal, sys
from archivist.search import tantivy_index
from archivist.store import open_store
from archivist.search import open_index
sys.path.insert(0, sys.argv[2])
from test_search import RECORDS
tantivy_index.COMMIT_EVERY = 2
def killed(self, watermark):
    # The index has committed; its watermark never gets written.
    os.kill(os.getpid(), signal.SIGKILL)
tantivy_index.TantivyIndex._write_state = killed
with open_store(sys.argv[1]) as store:
    for document in RECORDS:
        store.add(document)
    open_index(store)
"""


def test_a_kill_between_the_index_commit_and_its_watermark_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    process = subprocess.run(
        [sys.executable, "-c", KILLED_BETWEEN_COMMITS, str(db), str(Path(__file__).parent)],
        env=env, capture_output=True, timeout=300,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()
    with open_store(db) as store:
        assert store.count() == len(RECORDS)
        with open_index(store) as opened:
            assert opened.count() == len(RECORDS)
            assert opened.search("", limit=100).total == len(RECORDS)


def test_reindex_rebuilds_from_the_store(built: Path) -> None:
    with open_store(built) as store:
        assert reindex(store) == len(RECORDS)
        assert search(store, "speaker:Mao Korea").total == 1
        (index_folder(store) / "state.json").write_text("{not json", encoding="utf-8")
        with open_index(store) as opened:
            assert opened.count() == len(RECORDS)


# -- the real corpora ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("corpus") / "archive.db"
    paths = sorted((shared / SEEDS).glob("*.txt")) + sorted((shared / FRUS).glob("frus*.txt"))
    with open_store(db) as store:
        report = ingest(paths, store)
    assert report.ok, [(r.path, r.reason) for r in report.failed]
    return db


def test_year_and_classification_give_exactly_the_gold_records(corpus: Path, shared: Path) -> None:
    gold = set()
    for path in (shared / FRUS).glob("*.gold.json"):
        labels = json.loads(path.read_text(encoding="utf-8"))
        if (labels.get("date") or "").startswith("1955") and labels.get("classification") == "Top Secret":
            gold.add(labels["id"])
    assert len(gold) == 17
    with open_store(corpus) as store:
        results = search(store, 'year:1955 classification:"Top Secret"', limit=100)
    assert {h.id for h in results.hits} == gold
    assert results.total == len(gold)


def test_person_kim_il_sung_finds_both_seeds(corpus: Path) -> None:
    with open_store(corpus) as store:
        found = {h.id for h in search(store, 'person:"Kim Il Sung"', limit=100).hits}
        assert {"wilson-115932", "wilson-117838"} <= found
        # The free-text query finds the OCR-damaged spelling of seed 000 through its repairs.
        results = search(store, "Kim Il Sung", limit=100)
    hits = {h.id: h for h in results.hits}
    assert {"wilson-115932", "wilson-117838"} <= set(hits)
    assert any(m.printed == "Kim II Sung" and m.via == "repair" for m in hits["wilson-115932"].variants)


def test_speaker_mao_korea_on_seed_003_returns_maos_turns_only(corpus: Path) -> None:
    with open_store(corpus) as store:
        results = search(store, "speaker:Mao Korea", limit=100)
        document = store.get("wilson-117838")
    hit = next(h for h in results.hits if h.id == "wilson-117838")
    assert hit.snippets
    maos = {(b.start, b.end) for b in document.blocks if b.speaker == "Mao Zedong"}
    for snippet in hit.snippets:
        assert snippet.speaker == "Mao Zedong"
        assert any(start <= snippet.start and snippet.end <= end for start, end in maos)
        assert any(snippet.text[a:b].lower().startswith("korea") for a, b in snippet.highlights)
    # Mikoyan's words about Korea are not Mao's.
    mikoyan = search_snippets(corpus, "speaker:Mikoyan Korea", "wilson-117838")
    assert mikoyan and all(s.speaker == "Anastas Mikoyan" for s in mikoyan)
    assert not {(s.start, s.end) for s in mikoyan} & {(s.start, s.end) for s in hit.snippets}


def search_snippets(db: Path, query: str, id: str):
    with open_store(db) as store:
        for hit in search(store, query, limit=100).hits:
            if hit.id == id:
                return hit.snippets
    return []


def test_mao_tse_tung_finds_mao_zedong_in_the_seeds(corpus: Path) -> None:
    with open_store(corpus) as store:
        results = search(store, "Mao Tse-tung", limit=100)
    hits = {h.id: h for h in results.hits}
    assert {"wilson-115932", "wilson-117838"} <= set(hits)
    assert any(m.matched == "Mao Zedong" and m.via == "authority" for m in hits["wilson-117838"].variants)


def test_the_store_keeps_working_without_its_index_folder(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    with open_store(built) as store, SQLiteStore(copy) as target:
        for change in store.changes(limit=100):
            target.add(store.get(change.document.id))
    with open_store(copy) as store:
        assert search(store, "Korea").total == 3


def test_a_server_store_is_searched_through_its_change_feed(postgres_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVIST_INDEX_DIR", str(tmp_path / "index"))
    with open_store(postgres_database) as store:
        for document in RECORDS:
            store.add(document)
        assert index_folder(store) == tmp_path / "index"
        with open_index(store) as opened:
            assert set(ids(opened, "speaker:Mikoyan Korea")) == {"talk", "mikoyan-only"}
        store.add(record("late", [(None, "A late record on Korea.")]))
        assert catch_up(store) == 1
        with open_index(store) as opened:
            assert opened.count() == len(RECORDS) + 1
            assert "late" in ids(opened, "Korea")
        # Without the setting, a server store's index has a folder of its own in the user's cache.
        monkeypatch.delenv("ARCHIVIST_INDEX_DIR")
        monkeypatch.setenv("HOME", str(tmp_path))
        assert index_folder(store).is_relative_to(tmp_path / ".cache" / "archivist" / "index")
