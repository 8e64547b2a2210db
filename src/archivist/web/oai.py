"""OAI-PMH 2.0 at `/oai`: archives harvest each other's metadata with it.

Verbs: Identify, ListMetadataFormats, ListSets, ListIdentifiers, ListRecords, GetRecord, by
GET or by POST (form-encoded). Metadata formats: `oai_dc` (simple Dublin Core, which every
harvester reads) and `tei` (the record's whole TEI P5 file). Identifiers are
`oai:archivist:<record id>`; a record's datestamp is its change time in the store, to the
second, so `from`/`until` select what changed (granularity `YYYY-MM-DDThh:mm:ssZ`; a day alone
is allowed too). There are no deleted records.

Sets, hierarchical as the protocol allows:

- `archive` and `archive:<name>`: by digital archive (`archive:wilson-center-digital-archive`,
  `archive:foreign-relations-of-the-united-states`);
- `collection` and `collection:<name>`: by collection, a FRUS volume
  (`collection:frus1955-57v23p2`) or the repository that holds a Wilson original
  (`collection:avprf`).

Lists come in pages of `oai_page_size` (setting `ARCHIVIST_OAI_PAGE_SIZE`); each page but the
last ends with a resumption token carrying the request and where the page stopped (the last
id, as the store pages by id), so records added while a harvest runs never shift a page.
Errors are the protocol's own codes: badVerb, badArgument, badResumptionToken,
cannotDisseminateFormat, idDoesNotExist, noRecordsMatch.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from lxml import etree

from archivist.document import Document
from archivist.errors import NotFoundError
from archivist.export import dublin_core, tei
from archivist.export.tei import xml_text
from archivist.export.reference import Reference
from archivist.settings import Settings
from archivist.store.base import Stamp, Store

__all__ = ["FORMATS", "IDENTIFIER_PREFIX", "OAIError", "Repository", "oai_router"]

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
IDENTIFIER_PREFIX = "oai:archivist:"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
_EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


FORMATS = {
    "oai_dc": MetadataFormat("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", dublin_core.OAI_DC),
    "tei": MetadataFormat("tei", "https://tei-c.org/release/xml/tei/custom/schema/xsd/tei_all.xsd", tei.TEI),
}

_ARGUMENTS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}


class OAIError(Exception):
    """An OAI-PMH error: `code` is the protocol's, the message says what was wrong."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sets_of(document: Document) -> list[tuple[str, str]]:
    """(setSpec, setName) of each leaf set the record is in."""
    reference = Reference.of(document)
    found = []
    if reference.digital_archive:
        found.append((f"archive:{_slug(reference.digital_archive)}", reference.digital_archive))
    volume = re.match(r"^(frus[\w-]+?)-d\d+\w*$", document.id) if reference.frus else None
    if volume:
        name = reference.publication or volume.group(1)
        found.append((f"collection:{volume.group(1)}", name))
    elif document.provenance.repository:
        found.append((f"collection:{_slug(document.provenance.repository)}", document.provenance.repository))
    return found


def _in_set(leaves: list[tuple[str, str]], spec: str) -> bool:
    return any(leaf == spec or leaf.startswith(spec + ":") for leaf, _ in leaves)


def _datestamp(changed_at: str | None) -> str:
    """A store time (`2026-11-30T13:58:49.123Z`) to the protocol's second granularity."""
    if not changed_at:
        return _EPOCH
    return changed_at[:19] + "Z"


def _bound(value: str, name: str, *, upper: bool) -> tuple[str, str]:
    """(store time to compare with, granularity) of a `from`/`until` argument."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        granularity = "day"
        stamp = f"{value}T23:59:59.999Z" if upper else f"{value}T00:00:00.000Z"
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", value):
        granularity = "second"
        stamp = value[:-1] + (".999Z" if upper else ".000Z")
    else:
        raise OAIError("badArgument", f"{name}={value!r} is not a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDThh:mm:ssZ)")
    try:
        datetime.strptime(value[:10], "%Y-%m-%d")
    except ValueError:
        raise OAIError("badArgument", f"{name}={value!r} is not a real date") from None
    return stamp, granularity


@dataclass(frozen=True)
class _Query:
    """A list request, as a resumption token carries it."""

    verb: str
    prefix: str
    since: str | None
    until: str | None
    set: str | None
    after: str = ""
    cursor: int = 0

    def token(self) -> str:
        data = json.dumps([self.verb, self.prefix, self.since, self.until, self.set, self.after, self.cursor])
        return base64.urlsafe_b64encode(data.encode("utf-8")).decode("ascii").rstrip("=")

    @classmethod
    def from_token(cls, token: str, verb: str) -> _Query:
        try:
            padded = token + "=" * (-len(token) % 4)
            values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            query = cls(*values)
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            raise OAIError("badResumptionToken", f"the resumption token {token!r} is not one this repository gave") from None
        if query.verb != verb or query.prefix not in FORMATS:
            raise OAIError("badResumptionToken", f"the resumption token {token!r} belongs to another request")
        return query


class Repository:
    """Answers OAI-PMH requests over one store."""

    def __init__(self, store: Store, *, page_size: int | None = None, admin_email: str | None = None):
        settings = Settings()
        self.store = store
        self.page_size = max(1, int(page_size if page_size is not None else settings.oai_page_size))
        self.admin_email = admin_email if admin_email is not None else str(settings.oai_admin_email)
        # Each record's sets, kept up to date from the store's change feed, so a list by set
        # or a list of headers reads no record it does not give.
        self._sets: dict[str, list[tuple[str, str]]] = {}
        self._watermark = 0
        self._lock = threading.Lock()

    def sets(self) -> dict[str, list[tuple[str, str]]]:
        """(setSpec, setName) of each record's leaf sets, by record id."""
        with self._lock:
            while self.store.last_change() > self._watermark:
                changes = self.store.changes(after=self._watermark, limit=1000)
                if not changes:
                    break
                for change in changes:
                    self._sets[change.document.id] = sets_of(change.document)
                self._watermark = changes[-1].seq
            return self._sets

    # -- the response envelope ---------------------------------------------------------------

    def respond(self, arguments: Mapping[str, list[str]], base_url: str) -> bytes:
        """The OAI-PMH response document for a request's arguments (each name with every value
        given, so a repeated argument can be refused)."""
        root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
        root.set(f"{{{XSI}}}schemaLocation", OAI_SCHEMA)
        etree.SubElement(root, f"{{{OAI}}}responseDate").text = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        request = etree.SubElement(root, f"{{{OAI}}}request")
        request.text = base_url
        try:
            verb, values = self._check(arguments)
            for name, value in values.items():
                # A harvester's arguments are echoed back: what XML cannot hold is dropped.
                request.set(name, xml_text(value))
            request.set("verb", verb)
            getattr(self, f"_{verb}")(root, values, base_url)
        except OAIError as error:
            etree.SubElement(root, f"{{{OAI}}}error", code=error.code).text = xml_text(error.message)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def _check(self, arguments: Mapping[str, list[str]]) -> tuple[str, dict[str, str]]:
        verbs = arguments.get("verb", [])
        if len(verbs) != 1:
            raise OAIError("badVerb", "give exactly one verb" if verbs else "no verb given")
        verb = verbs[0]
        if verb not in _ARGUMENTS:
            raise OAIError("badVerb", f"{verb!r} is not an OAI-PMH verb; verbs: {', '.join(_ARGUMENTS)}")
        required, optional = _ARGUMENTS[verb]
        values: dict[str, str] = {}
        for name, given in arguments.items():
            if name == "verb":
                continue
            if name not in required | optional:
                raise OAIError("badArgument", f"{verb} takes no argument {name!r}")
            if len(given) != 1:
                raise OAIError("badArgument", f"argument {name!r} is given {len(given)} times")
            values[name] = given[0]
        if "resumptionToken" in values:
            if len(values) > 1:
                raise OAIError("badArgument", "resumptionToken is an exclusive argument: give it alone with the verb")
            return verb, values
        missing = sorted(required - values.keys())
        if missing:
            raise OAIError("badArgument", f"{verb} needs {', '.join(missing)}")
        return verb, values

    def _sub(self, parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{OAI}}}{name}", **attributes)
        if text is not None:
            element.text = text
        return element

    # -- verbs -------------------------------------------------------------------------------

    def _Identify(self, root: etree._Element, values: dict[str, str], base_url: str) -> None:
        identify = self._sub(root, "Identify")
        self._sub(identify, "repositoryName", "archivist")
        self._sub(identify, "baseURL", base_url)
        self._sub(identify, "protocolVersion", "2.0")
        self._sub(identify, "adminEmail", self.admin_email)
        earliest = min((s.changed_at for s in self._walk(None, None, "") if s.changed_at), default=None)
        self._sub(identify, "earliestDatestamp", _datestamp(earliest))
        self._sub(identify, "deletedRecord", "no")
        self._sub(identify, "granularity", GRANULARITY)

    def _ListMetadataFormats(self, root: etree._Element, values: dict[str, str], base_url: str) -> None:
        if "identifier" in values:
            self._document(values["identifier"])
        listed = self._sub(root, "ListMetadataFormats")
        for form in FORMATS.values():
            element = self._sub(listed, "metadataFormat")
            self._sub(element, "metadataPrefix", form.prefix)
            self._sub(element, "schema", form.schema)
            self._sub(element, "metadataNamespace", form.namespace)

    def _ListSets(self, root: etree._Element, values: dict[str, str], base_url: str) -> None:
        if "resumptionToken" in values:
            raise OAIError("badResumptionToken", "ListSets comes in one page; it gives no resumption tokens")
        found: dict[str, str] = {"archive": "By digital archive", "collection": "By collection"}
        for leaves in self.sets().values():
            for spec, name in leaves:
                found.setdefault(spec, name)
        listed = self._sub(root, "ListSets")
        for spec, name in sorted(found.items()):
            element = self._sub(listed, "set")
            self._sub(element, "setSpec", spec)
            self._sub(element, "setName", name)

    def _GetRecord(self, root: etree._Element, values: dict[str, str], base_url: str) -> None:
        prefix = self._format(values["metadataPrefix"])
        document = self._document(values["identifier"])
        self._record(self._sub(root, "GetRecord"), document, prefix)

    def _ListIdentifiers(self, root: etree._Element, values: dict[str, str], base_url: str) -> None:
        self._list(root, "ListIdentifiers", values)

    def _ListRecords(self, root: etree._Element, values: dict[str, str], base_url: str) -> None:
        self._list(root, "ListRecords", values)

    # -- lists -------------------------------------------------------------------------------

    def _list(self, root: etree._Element, verb: str, values: dict[str, str]) -> None:
        if "resumptionToken" in values:
            query = _Query.from_token(values["resumptionToken"], verb)
        else:
            prefix = self._format(values["metadataPrefix"])
            since = until = None
            if "from" in values:
                since, since_granularity = _bound(values["from"], "from", upper=False)
            if "until" in values:
                until, until_granularity = _bound(values["until"], "until", upper=True)
            if since and until:
                if since_granularity != until_granularity:
                    raise OAIError("badArgument", "from and until must have the same granularity")
                if since > until:
                    raise OAIError("badArgument", f"from={values['from']} is later than until={values['until']}")
            query = _Query(verb, prefix, since, until, values.get("set"))
        page: list[Stamp] = []
        last = query.after
        more = False
        sets = self.sets()
        for stamp in self._walk(query.since, query.until, query.after):
            if query.set and not _in_set(sets.get(stamp.id, []), query.set):
                last = stamp.id
                continue
            if len(page) == self.page_size:
                more = True
                break
            page.append(stamp)
            last = stamp.id
        if not page and query.cursor == 0:
            raise OAIError("noRecordsMatch", "no record matches these arguments")
        listed = self._sub(root, verb)
        for stamp in page:
            if verb == "ListIdentifiers":
                self._header(listed, stamp.id, stamp.changed_at)
            else:
                self._record(listed, self.store.get(stamp.id), query.prefix)
        if more:
            following = _Query(verb, query.prefix, query.since, query.until, query.set, last, query.cursor + len(page))
            self._sub(listed, "resumptionToken", following.token(), cursor=str(query.cursor))
        elif query.cursor:
            # The last page of a list that came in several says so with an empty token.
            self._sub(listed, "resumptionToken", cursor=str(query.cursor))

    def _walk(self, since: str | None, until: str | None, after: str) -> Iterator[Stamp]:
        while True:
            page = self.store.stamps(since=since, until=until, after=after, limit=max(self.page_size, 100))
            if not page:
                return
            yield from page
            after = page[-1].id

    # -- records -----------------------------------------------------------------------------

    def _format(self, prefix: str) -> str:
        if prefix not in FORMATS:
            raise OAIError("cannotDisseminateFormat", f"no metadata format {prefix!r}; formats: {', '.join(FORMATS)}")
        return prefix

    def _document(self, identifier: str) -> Document:
        if not identifier.startswith(IDENTIFIER_PREFIX):
            raise OAIError("idDoesNotExist", f"{identifier!r} is not an identifier of this repository ({IDENTIFIER_PREFIX}<id>)")
        try:
            return self.store.get(identifier[len(IDENTIFIER_PREFIX):])
        except NotFoundError:
            raise OAIError("idDoesNotExist", f"no record {identifier!r}") from None

    def _header(self, parent: etree._Element, record_id: str, changed_at: str | None, leaves: list[tuple[str, str]] | None = None) -> None:
        header = self._sub(parent, "header")
        self._sub(header, "identifier", IDENTIFIER_PREFIX + record_id)
        self._sub(header, "datestamp", _datestamp(changed_at))
        for spec, _ in leaves if leaves is not None else self.sets().get(record_id, []):
            self._sub(header, "setSpec", spec)

    def _record(self, parent: etree._Element, document: Document, prefix: str) -> None:
        record = self._sub(parent, "record")
        self._header(record, document.id, self.store.changed_at(document.id), sets_of(document))
        metadata = self._sub(record, "metadata")
        if prefix == "tei":
            metadata.append(tei.element(document))
        else:
            metadata.append(dublin_core.element(document))


def oai_router(store: Store) -> APIRouter:
    """A router serving `/oai` over `store`."""
    router = APIRouter()
    repository = Repository(store)

    async def answer(request: Request) -> Response:
        arguments: dict[str, list[str]] = {}
        for name, value in request.query_params.multi_items():
            arguments.setdefault(name, []).append(value)
        if request.method == "POST":
            # The protocol's POST is application/x-www-form-urlencoded, read here as such.
            form = (await request.body()).decode("utf-8", errors="replace")
            for name, value in parse_qsl(form, keep_blank_values=True):
                arguments.setdefault(name, []).append(value)
        base_url = str(request.url).split("?", 1)[0]
        # The store is read synchronously; keep it off the event loop.
        answer_body = await run_in_threadpool(repository.respond, arguments, base_url)
        return Response(answer_body, media_type="text/xml; charset=utf-8")

    router.add_api_route("/oai", answer, methods=["GET", "POST"], include_in_schema=False)
    return router
