"""People across the stored records: who is mentioned how often, and a person's page.

A person's page gathers what the records say of them: the spellings the records print (and
which records print each), the records that mention them in date order, the persons most often
mentioned in the same records, and the turns they speak in conversations and transcripts.

`relink(store)` links every record's person mentions again with the evidence of its whole
collection (the other records of the same FRUS volume or digital archive), in two passes over
the store so that memory does not grow with the number of records. Its halves, `Evidence` and
`relinked`, let `archivist enrich` run both passes on workers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from archivist.authority import Authority, default_authority
from archivist.document import Document
from archivist.entities import collection_of, find_mentions, full_name_ids, surname_links
from archivist.errors import NotFoundError
from archivist.places import place_mentions
from archivist.store.base import PersonCount, Store

__all__ = ["Evidence", "PersonPage", "SpokenTurn", "people", "person_page", "relink", "relinked"]


@dataclass(frozen=True)
class SpokenTurn:
    document_id: str
    start: int
    end: int
    kind: str  # "turn" (a labelled turn) or "reported" (reported speech)
    excerpt: str


@dataclass
class PersonPage:
    id: str
    name: str
    local: bool
    birth_year: int | None
    death_year: int | None
    variants: list[str]
    spellings: dict[str, list[str]] = field(default_factory=dict)
    documents: list[dict] = field(default_factory=list)
    co_mentioned: list[tuple[str, str, int]] = field(default_factory=list)
    turns: list[SpokenTurn] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "local": self.local,
            "birth_year": self.birth_year,
            "death_year": self.death_year,
            "variants": self.variants,
            "spellings": self.spellings,
            "documents": self.documents,
            "co_mentioned": [{"id": i, "name": n, "documents": c} for i, n, c in self.co_mentioned],
            "turns": [t.__dict__ for t in self.turns],
        }


def people(store: Store, prefix: str | None = None, limit: int = 100, offset: int = 0) -> list[PersonCount]:
    """Persons with mention counts, most mentioned first; `prefix` filters by name."""
    return store.persons(prefix=prefix, limit=limit, offset=offset)


def person_page(store: Store, authority_id: str, authority: Authority | None = None, co_limit: int = 20) -> PersonPage:
    """Everything the store's records say of one person; NotFoundError for an unknown id."""
    authority = authority or default_authority()
    rows = store.mentions_of(authority_id)
    person = authority.get(authority_id)
    if person is None and not rows:
        raise NotFoundError(f"no person with id {authority_id!r} in the authority or the records")
    name = person.name if person else (rows[0].canonical or rows[0].text)
    page = PersonPage(
        id=authority_id,
        name=name,
        local=person.local if person else authority_id.startswith("local:"),
        birth_year=person.birth_year if person else None,
        death_year=person.death_year if person else None,
        variants=list(person.variants) if person else [],
    )
    spellings: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for row in rows:
        spellings.setdefault(row.text, set()).add(row.document_id)
        counts[row.document_id] += 1
    page.spellings = {text: sorted(ids) for text, ids in sorted(spellings.items(), key=lambda kv: -len(kv[1]))}
    documents = []
    for document_id in counts:
        try:
            document = store.get(document_id)
        except NotFoundError:
            continue
        documents.append(document)
        page.documents.append(
            {"id": document.id, "date": document.date.edtf, "earliest": document.date.earliest, "title": document.title, "mentions": counts[document_id]}
        )
        page.turns.extend(_turns(document, authority_id))
    page.documents.sort(key=lambda d: (d["earliest"] is None, d["earliest"] or "", d["id"]))
    together: Counter[str] = Counter()
    names: dict[str, str] = {}
    for row in store.mentions_in(list(counts)):
        if row.kind == "person" and row.authority_id and row.authority_id != authority_id:
            names.setdefault(row.authority_id, row.canonical or row.text)
            together[(row.authority_id, row.document_id)] += 1
    per_person: Counter[str] = Counter(person_id for person_id, _ in together)
    page.co_mentioned = [(i, names[i], c) for i, c in per_person.most_common(co_limit)]
    return page


def _turns(document: Document, authority_id: str) -> list[SpokenTurn]:
    speakers = {p.name for p in document.participants if p.authority_id == authority_id}
    turns = []
    for block in document.blocks:
        if block.kind in ("turn", "reported") and block.speaker in speakers:
            excerpt = document.text[block.start:block.end]
            turns.append(SpokenTurn(document.id, block.start, block.end, block.kind, excerpt[:300]))
    return turns


@dataclass
class Evidence:
    """What the records of each collection say of persons, for linking surnames: the authority
    ids their full names name, and which person each surname key was linked to how often.
    Gathered record by record, and mergeable, so that parts of an archive can be read apart."""

    named: dict[str, set[str]] = field(default_factory=dict)
    surnames: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)

    def add(self, document: Document) -> None:
        collection = collection_of(document)
        self.named.setdefault(collection, set()).update(full_name_ids(document))
        for key, found in surname_links(document).items():
            self.surnames.setdefault(collection, {}).setdefault(key, Counter()).update(found)

    def merge(self, other: Evidence) -> None:
        for collection, ids in other.named.items():
            self.named.setdefault(collection, set()).update(ids)
        for collection, keys in other.surnames.items():
            mine = self.surnames.setdefault(collection, {})
            for key, found in keys.items():
                mine.setdefault(key, Counter()).update(found)


def relinked(document: Document, evidence: Evidence, authority: Authority) -> bool:
    """Link the record's person (and place) mentions again with its collection's evidence;
    whether they changed (the record is changed in place)."""
    collection = collection_of(document)
    settled = {key: c.most_common(1)[0][0] for key, c in evidence.surnames.get(collection, {}).items()}
    persons = find_mentions(document, authority, collection_full=evidence.named.get(collection, set()), collection_surnames=settled)
    kept = [m for m in document.mentions if m.kind not in ("person", "place")]
    places = place_mentions(document, [(m.start, m.end) for m in persons])
    mentions = sorted(kept + persons + places, key=lambda m: (m.start, m.end))
    different = [(m.start, m.end, m.kind, m.authority_id) for m in mentions] != [
        (m.start, m.end, m.kind, m.authority_id) for m in document.mentions
    ]
    if different:
        document.mentions = mentions
    return different


def relink(store: Store, authority: Authority | None = None, on_document: Callable[[str, bool], None] | None = None) -> int:
    """Link person mentions again with their collection's evidence; returns how many records
    changed. Each changed record is saved in its own transaction."""
    authority = authority or default_authority()
    evidence = Evidence()
    ids = list(store.ids())
    for document_id in ids:
        evidence.add(store.get(document_id))
    changed = 0
    for document_id in ids:
        document = store.get(document_id)
        different = relinked(document, evidence, authority)
        if different:
            store.save(document)
            changed += 1
        if on_document is not None:
            on_document(document_id, different)
    return changed
