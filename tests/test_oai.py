"""OAI-PMH harvested by sickle from a real `archivist serve` on 127.0.0.1: every record exactly
once across resumption pages, sets, `from`/`until` on the store's change times, and the
protocol's error codes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import BadArgument, BadResumptionToken, CannotDisseminateFormat, IdDoesNotExist, NoRecordsMatch

from archivist.export import tei
from archivist.store import open_store
from archivist.web.oai import IDENTIFIER_PREFIX
from shared_records import jing, shared_store

OAI_NS = {"oai": "http://www.openarchives.org/OAI/2.0/"}
PAGE_SIZE = 7


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def archive(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_store(shared, tmp_path_factory.mktemp("oai") / "archive.db")


@pytest.fixture(scope="module")
def base_url(archive: Path) -> Iterator[str]:
    port = _free_port()
    environment = dict(os.environ, ARCHIVIST_OAI_PAGE_SIZE=str(PAGE_SIZE))
    command = [sys.executable, "-m", "archivist.cli", "serve", "--db", str(archive), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                raise AssertionError(f"archivist serve exited: {server.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("archivist serve did not answer within 90 s")
            time.sleep(0.2)
        yield f"{url}/oai"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def sickle(base_url: str) -> Sickle:
    return Sickle(base_url)


def _error(base_url: str, **params: str) -> str:
    answer = httpx.get(base_url, params=params, timeout=30)
    assert answer.status_code == 200
    root = etree.fromstring(answer.content)
    errors = root.xpath("//oai:error/@code", namespaces=OAI_NS)
    assert len(errors) == 1, answer.text
    return errors[0]


def test_full_harvest_returns_every_record_exactly_once(sickle: Sickle, archive: Path) -> None:
    with open_store(archive) as store:
        expected = sorted(IDENTIFIER_PREFIX + i for i in store.ids())
    assert len(expected) == 48
    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    identifiers = [r.header.identifier for r in records]
    assert sorted(identifiers) == expected
    assert len(set(identifiers)) == len(identifiers)
    seed = next(r for r in records if r.header.identifier == IDENTIFIER_PREFIX + "wilson-117838")
    assert seed.metadata["title"] == ["Conversation records between Chairman Mao Zedong and the Soviet Communist Party Delegation, 18 September 1956"]
    assert seed.metadata["date"] == ["1956-09-18"]
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    assert sorted(h.identifier for h in headers) == expected


def test_pages_end_with_resumption_tokens(base_url: str) -> None:
    first = etree.fromstring(httpx.get(base_url, params={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}).content)
    assert len(first.xpath("//oai:header", namespaces=OAI_NS)) == PAGE_SIZE
    token = first.xpath("string(//oai:resumptionToken)", namespaces=OAI_NS)
    assert token
    second = etree.fromstring(httpx.get(base_url, params={"verb": "ListIdentifiers", "resumptionToken": token}).content)
    assert second.xpath("string(//oai:resumptionToken/@cursor)", namespaces=OAI_NS) == str(PAGE_SIZE)


def test_tei_records_are_valid_tei(shared: Path, sickle: Sickle, tmp_path: Path) -> None:
    records = list(sickle.ListRecords(metadataPrefix="tei", set="archive:wilson-center-digital-archive"))
    assert len(records) == 2
    files = []
    for number, record in enumerate(records):
        element = record.xml.find(".//{%s}TEI" % tei.TEI)
        assert element is not None
        path = tmp_path / f"{number}.xml"
        path.write_bytes(etree.tostring(element, xml_declaration=True, encoding="UTF-8"))
        files.append(path)
    result = jing(shared, files)
    assert result.returncode == 0, result.stdout[:2000]


def test_identify_formats_and_get_record(sickle: Sickle) -> None:
    identify = sickle.Identify()
    assert identify.protocolVersion == "2.0"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.deletedRecord == "no"
    assert {f.metadataPrefix for f in sickle.ListMetadataFormats()} == {"oai_dc", "tei"}
    record = sickle.GetRecord(identifier=IDENTIFIER_PREFIX + "frus1955-57v23p2-d8", metadataPrefix="oai_dc")
    assert record.metadata["title"] == ["Letter From President Eisenhower to President Rhee"]
    assert "collection:frus1955-57v23p2" in record.header.setSpecs


def test_sets_by_archive_and_collection(sickle: Sickle) -> None:
    specs = {s.setSpec for s in sickle.ListSets()}
    assert {
        "archive",
        "collection",
        "archive:wilson-center-digital-archive",
        "archive:foreign-relations-of-the-united-states",
        "collection:frus1955-57v23p2",
        "collection:avprf",
        "collection:chinese-communist-party-central-archives",
    } <= specs
    volume = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="collection:frus1955-57v23p2"))
    assert len(volume) == 46
    assert len(list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="collection"))) == 48
    assert [h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set="collection:avprf")] == [
        IDENTIFIER_PREFIX + "wilson-115932"
    ]


def test_from_and_until_select_by_change_time(sickle: Sickle, archive: Path) -> None:
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    with open_store(archive) as store:
        for header in headers:
            changed = store.changed_at(header.identifier[len(IDENTIFIER_PREFIX):])
            assert header.datestamp == changed[:19] + "Z"
    stamps = sorted({h.datestamp for h in headers})
    latest = stamps[-1]
    recent = list(sickle.ListIdentifiers(**{"metadataPrefix": "oai_dc", "from": latest}))
    assert sorted(h.identifier for h in recent) == sorted(h.identifier for h in headers if h.datestamp == latest)
    earliest = stamps[0]
    early = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", until=earliest))
    assert sorted(h.identifier for h in early) == sorted(h.identifier for h in headers if h.datestamp == earliest)
    day = latest[:10]
    assert len(list(sickle.ListIdentifiers(**{"metadataPrefix": "oai_dc", "from": day, "until": day}))) == sum(
        1 for h in headers if h.datestamp.startswith(day)
    )
    with pytest.raises(NoRecordsMatch):
        list(sickle.ListIdentifiers(**{"metadataPrefix": "oai_dc", "from": "2999-01-01"}))
    with pytest.raises(NoRecordsMatch):
        list(sickle.ListRecords(metadataPrefix="oai_dc", until="1999-12-31"))


def test_a_record_changed_later_is_harvested_from_its_new_time(sickle: Sickle, archive: Path) -> None:
    time.sleep(1.1)  # datestamps are to the second
    with open_store(archive) as store:
        document = store.get("wilson-117838")
        document.summary = (document.summary or "") + " "
        store.save(document)
        changed = store.changed_at("wilson-117838")[:19] + "Z"
    recent = list(sickle.ListIdentifiers(**{"metadataPrefix": "oai_dc", "from": changed}))
    assert [h.identifier for h in recent] == [IDENTIFIER_PREFIX + "wilson-117838"]


def test_error_codes(base_url: str, sickle: Sickle) -> None:
    assert _error(base_url) == "badVerb"
    assert _error(base_url, verb="Harvest") == "badVerb"
    assert _error(base_url, verb="ListRecords") == "badArgument"
    assert _error(base_url, verb="ListRecords", metadataPrefix="oai_dc", colour="blue") == "badArgument"
    assert _error(base_url, verb="ListRecords", metadataPrefix="oai_dc", **{"from": "last week"}) == "badArgument"
    assert _error(base_url, verb="ListRecords", metadataPrefix="oai_dc", **{"from": "2020-01-01", "until": "2020-01-01T00:00:00Z"}) == "badArgument"
    assert _error(base_url, verb="ListRecords", metadataPrefix="oai_dc", **{"from": "2021-01-01", "until": "2020-01-01"}) == "badArgument"
    assert _error(base_url, verb="GetRecord", identifier=IDENTIFIER_PREFIX + "wilson-117838") == "badArgument"
    assert _error(base_url, verb="ListRecords", metadataPrefix="marc21") == "cannotDisseminateFormat"
    assert _error(base_url, verb="GetRecord", identifier=IDENTIFIER_PREFIX + "wilson-117838", metadataPrefix="mods") == "cannotDisseminateFormat"
    assert _error(base_url, verb="GetRecord", identifier=IDENTIFIER_PREFIX + "nothing", metadataPrefix="oai_dc") == "idDoesNotExist"
    assert _error(base_url, verb="ListMetadataFormats", identifier="oai:elsewhere:1") == "idDoesNotExist"
    assert _error(base_url, verb="ListIdentifiers", metadataPrefix="oai_dc", set="archive:nowhere") == "noRecordsMatch"
    assert _error(base_url, verb="ListRecords", resumptionToken="not-a-token") == "badResumptionToken"
    assert _error(base_url, verb="ListRecords", resumptionToken="x", metadataPrefix="oai_dc") == "badArgument"
    assert _error(base_url, verb="GetRecord", identifier=IDENTIFIER_PREFIX + "a\x01b", metadataPrefix="oai_dc") == "idDoesNotExist"
    assert _error(base_url, verb="Get\x02Record") == "badVerb"
    repeated = httpx.get(f"{base_url}?verb=Identify&verb=Identify", timeout=30)
    assert b'code="badVerb"' in repeated.content
    # sickle raises the protocol's errors as its exceptions.
    with pytest.raises(BadArgument):
        list(sickle.ListRecords(metadataPrefix="oai_dc", until="soon"))
    with pytest.raises(CannotDisseminateFormat):
        list(sickle.ListRecords(metadataPrefix="marc21"))
    with pytest.raises(IdDoesNotExist):
        sickle.GetRecord(identifier=IDENTIFIER_PREFIX + "nothing", metadataPrefix="oai_dc")
    with pytest.raises(BadResumptionToken):
        list(sickle.ListRecords(resumptionToken="bm90IGEgdG9rZW4"))


def test_post_requests_are_answered(base_url: str) -> None:
    answer = httpx.post(base_url, data={"verb": "Identify"}, timeout=30)
    assert b"<repositoryName>archivist</repositoryName>" in answer.content
