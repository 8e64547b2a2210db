"""Spellings of names, for searches that find a person however the record writes them.

`Spellings` is a lookup table derived from the person authority (`archivist.authority`): every
full-name form of every person ("mao tse tung", "mao zedong", "kim il sung"), the loose keys on
which Wade-Giles and pinyin or two Korean romanisations fall together, and each person's
display name. Reading the authority takes seconds, so the table is kept as a small SQLite file
in the index folder, rebuilt when the authority changes; a search opens it in milliseconds.

`expand` rewrites a parsed query so that a run of words or a phrase that is a person's name
("Mao Tse-tung") also matches every other spelling of that person ("Mao Zedong"), as a
`Variants` node any engine can translate.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from archivist.errors import ArchivistError
from archivist.query import And, Node, Not, Or, Phrase, Term, Variants

__all__ = ["Person", "Spellings", "authority_fingerprint", "expand"]

#: Names longer than this many words are not looked up (no form in the authority is longer).
MAX_NAME_WORDS = 6
#: At most this many spellings stand for one person in a query.
MAX_SPELLINGS = 16

_FORMAT = 1
_MISSING = object()


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    preferred: str
    variants: tuple[str, ...]
    birth_year: int | None = None
    death_year: int | None = None


def authority_fingerprint() -> str:
    """Changes whenever an authority file does (the packaged one, or one the `authority`
    setting adds), so a stale table gets rebuilt."""
    digest = hashlib.sha256((resources.files("archivist") / "data" / "people.jsonl.gz").read_bytes())
    for path in _extra_files():
        try:
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        except OSError:
            digest.update(f"{path}:missing".encode())
    return f"{_FORMAT}:{digest.hexdigest()[:16]}"


def _extra_files() -> list[Path]:
    from archivist.settings import Settings

    configured = str(Settings().get("authority") or "")
    return [Path(p) for p in configured.split(os.pathsep) if p]


def _records() -> Iterator[dict[str, Any]]:
    """Every person record of the authority files, one at a time."""
    files = [resources.files("archivist") / "data" / "people.jsonl.gz", *_extra_files()]
    for source in files:
        with resources.as_file(source) as path:
            opener = gzip.open if str(path).endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        yield json.loads(line)


class Spellings:
    """The lookup table in `path` (built there from the authority if missing or stale)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        fingerprint = _fingerprint()
        if not _current(self.path, fingerprint):
            _install(self.path, fingerprint)
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        # The table never changes while open; indexing asks the same few names again and again.
        self._cache: dict[tuple[str, str], Any] = {}


    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _cached(self, kind: str, key: str, compute: Callable[[str], Any]) -> Any:
        found = self._cache.get((kind, key), _MISSING)
        if found is _MISSING:
            if len(self._cache) > 100_000:
                self._cache.clear()
            found = self._cache[(kind, key)] = compute(key)
        return found

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def persons(self, name: str) -> list[str]:
        """Ids of the persons `name` is a full name of: an authority id as it is, a form of a
        name in any case and punctuation, or (failing that) a loose romanisation key."""
        return list(self._cached("persons", name.strip(), self._persons))

    def _persons(self, name: str) -> list[str]:
        if self._rows("SELECT 1 FROM people WHERE id = ?", (name,)):
            return [name]
        key = _normalise(name)
        if not key:
            return []
        found = [r[0] for r in self._rows("SELECT id FROM forms WHERE form = ? ORDER BY id", (key,))]
        if found:
            return found
        keys = [k for k in _loose_keys(key) if k]
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        return [r[0] for r in self._rows(f"SELECT DISTINCT id FROM loose WHERE key IN ({marks}) ORDER BY id", tuple(keys))]

    def spellings(self, person_id: str) -> list[str]:
        """How the person may be printed: the authority's variants as written, then the
        normalised forms (given name first and last), at most MAX_SPELLINGS."""
        return list(self._cached("spellings", person_id, self._spellings))

    def _spellings(self, person_id: str) -> list[str]:
        rows = self._rows("SELECT variants FROM people WHERE id = ?", (person_id,))
        if not rows:
            return []
        # Written variants as they are, except those with a title or an inversion in them
        # ("Mao Tse-Tung, Chairman", "Mikoyan, Anastas I."): the forms have those the right way.
        written = [v for v in json.loads(rows[0][0]) if (len(v.split()) > 1 or "-" in v) and "," not in v]
        forms = [r[0] for r in self._rows("SELECT form FROM forms WHERE id = ? ORDER BY form", (person_id,))]
        seen: set[str] = set()
        result: list[str] = []
        for spelling in [*written, *forms]:
            # "Mao Tse-tung (Mao Zedong)" is two spellings, each listed on its own already.
            if "(" in spelling or "[" in spelling:
                continue
            key = _normalise(spelling)
            if key and key not in seen:
                seen.add(key)
                result.append(spelling)
        return result[:MAX_SPELLINGS]

    def person(self, person_id: str) -> Person | None:
        rows = self._rows(
            "SELECT id, name, preferred, variants, birth_year, death_year FROM people WHERE id = ?", (person_id,)
        )
        if not rows:
            return None
        id, name, preferred, variants, birth, death = rows[0]
        return Person(id, name, preferred, tuple(json.loads(variants)), birth, death)

    def label(self, person_id: str) -> str | None:
        """The person's name as read ("Syngman Rhee"), or None for an id the authority lacks."""
        return self._cached("label", person_id, self._label)

    def _label(self, person_id: str) -> str | None:
        rows = self._rows("SELECT name FROM people WHERE id = ?", (person_id,))
        return rows[0][0] if rows else None

    def named(self, text: str) -> set[str]:
        """Ids of the persons with every word of `text` in one of their name forms."""
        words = _normalise(text).split()
        if not words:
            return set()
        clauses = " AND ".join(["(' ' || form || ' ') LIKE ?"] * len(words))
        return {r[0] for r in self._rows(f"SELECT DISTINCT id FROM forms WHERE {clauses}", tuple(f"% {w} %" for w in words))}

    def find(self, text: str, limit: int = 20, offset: int = 0) -> tuple[int, list[Person]]:
        """Persons whose name forms contain every word of `text`, by name; and how many."""
        words = _normalise(text).split()
        if not words:
            total = self._rows("SELECT count(*) FROM people")[0][0]
            ids = [r[0] for r in self._rows("SELECT id FROM people ORDER BY name, id LIMIT ? OFFSET ?", (limit, offset))]
        else:
            clauses = " AND ".join(["(' ' || f.form || ' ') LIKE ?"] * len(words))
            args = tuple(f"% {w} %" for w in words)
            matched = (
                f"SELECT DISTINCT f.id FROM forms AS f WHERE {clauses}"
            )
            total = self._rows(f"SELECT count(*) FROM ({matched})", args)[0][0]
            ids = [
                r[0]
                for r in self._rows(
                    f"SELECT p.id FROM people AS p WHERE p.id IN ({matched}) ORDER BY p.name, p.id LIMIT ? OFFSET ?",
                    (*args, limit, offset),
                )
            ]
        return total, [p for p in (self.person(i) for i in ids) if p is not None]


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    return authority_fingerprint()


def _normalise(text: str) -> str:
    from archivist.authority import normalise

    return normalise(text)


def _loose_keys(key: str) -> list[str | None]:
    from archivist.romanisation import chinese_key, loose_key

    return [loose_key(key), chinese_key(key)]


def _current(path: Path, fingerprint: str) -> bool:
    if not path.exists():
        return False
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == fingerprint


def _install(path: Path, fingerprint: str) -> None:
    """Put a current table at `path`: a copy of the one built for this authority in the user's
    cache (`$XDG_CACHE_HOME/archivist`, built there first if needed), so the seconds it takes
    to read the authority are spent once a machine, not once an index."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "archivist"
    shared = cache / f"spellings-{fingerprint.replace(':', '-')}.sqlite"
    try:
        if not _current(shared, fingerprint):
            _build_apart(shared, fingerprint)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.copy")
        shutil.copyfile(shared, temporary)
        os.replace(temporary, path)
    except OSError:
        # No cache to write in (a read-only home): build it where it is needed.
        _build_apart(path, fingerprint)


def _build_apart(path: Path, fingerprint: str) -> None:
    """Build the table in a child process: reading the authority fills caches of name forms
    (about 100 MB) that would otherwise stay with an ingest or a server for good."""
    import subprocess
    import sys

    import archivist

    source = str(Path(archivist.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))}
    run = subprocess.run(
        [sys.executable, "-m", "archivist.search.variants", str(path), fingerprint],
        env=env, capture_output=True, text=True, check=False,
    )
    if run.returncode != 0:
        raise ArchivistError(f"could not build the name spellings table {path}: {run.stderr.strip()[-2000:]}")


def _build(path: Path, fingerprint: str) -> None:
    # Record by record, through the authority module's own name forms and romanisation keys:
    # the table holds what `Authority` would, without the 200 MB the whole Authority takes.
    from archivist.authority import Person as AuthorityPerson
    from archivist.authority import forms_of, parse_name
    from archivist.romanisation import chinese_key, loose_key

    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    db = sqlite3.connect(temporary)
    try:
        db.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE people (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, preferred TEXT NOT NULL,
                variants TEXT NOT NULL, birth_year INTEGER, death_year INTEGER
            );
            CREATE TABLE forms (form TEXT NOT NULL, id TEXT NOT NULL);
            CREATE TABLE loose (key TEXT NOT NULL, id TEXT NOT NULL);
            """
        )
        seen: set[str] = set()
        for record in _records():
            id = str(record["id"])
            variants = list(dict.fromkeys([record["preferred"], *record.get("variants", [])]))
            forms: set[str] = set()
            for variant in variants:
                for reading in parse_name(variant):
                    forms |= forms_of(reading)
            name = AuthorityPerson(id=id, preferred=record["preferred"], variants=variants).name
            if id in seen:
                # A later file's record for the same id replaces the earlier one, as in Authority.
                db.execute("DELETE FROM forms WHERE id = ?", (id,))
                db.execute("DELETE FROM loose WHERE id = ?", (id,))
            seen.add(id)
            db.execute(
                "INSERT OR REPLACE INTO people VALUES (?, ?, ?, ?, ?, ?)",
                (id, name, record["preferred"], json.dumps(variants, ensure_ascii=False),
                 record.get("birth_year"), record.get("death_year")),
            )
            db.executemany("INSERT INTO forms VALUES (?, ?)", ((form, id) for form in forms))
            keys = {key for form in forms for key in (loose_key(form), chinese_key(form)) if key}
            db.executemany("INSERT INTO loose VALUES (?, ?)", ((key, id) for key in keys))
        db.executescript(
            """
            CREATE INDEX forms_by_form ON forms (form);
            CREATE INDEX forms_by_id ON forms (id);
            CREATE INDEX loose_by_key ON loose (key);
            """
        )
        db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
        db.commit()
    finally:
        db.close()
    # Renamed into place whole, so a reader never opens a half-built table.
    os.replace(temporary, path)


# -- query expansion -----------------------------------------------------------------------


def expand(tree: Node, spellings: Spellings, analyze: Callable[[str], list[str]]) -> Node:
    """`tree` with every person's name in it (a run of words, or a phrase) also matching the
    person's other spellings. `analyze` splits text into the engine's tokens. Words inside
    NEAR and field filters are left as written: the filters resolve names themselves."""

    def visit(node: Node) -> Node:
        if isinstance(node, And):
            return And(tuple(_expand_runs([visit(i) for i in node.items], spellings, analyze)))
        if isinstance(node, Or):
            return Or(tuple(visit(i) for i in node.items))
        if isinstance(node, Not):
            return Not(visit(node.item), node.position)
        if isinstance(node, Phrase):
            found = _variants(node.text, node, spellings, analyze)
            return found or node
        if isinstance(node, Term) and not node.prefix and len(analyze(node.text)) > 1:
            found = _variants(node.text, node, spellings, analyze)
            return found or node
        return node

    return visit(tree)


def _expand_runs(items: list[Node], spellings: Spellings, analyze: Callable[[str], list[str]]) -> list[Node]:
    result: list[Node] = []
    index = 0
    while index < len(items):
        replaced = False
        # The longest run of plain words starting here that is someone's name.
        for length in range(min(MAX_NAME_WORDS, len(items) - index), 1, -1):
            run = items[index : index + length]
            if not all(isinstance(i, Term) and not i.prefix for i in run):
                continue
            text = " ".join(i.text for i in run)  # type: ignore[union-attr]
            found = _variants(text, And(tuple(run)), spellings, analyze)
            if found is not None:
                result.append(found)
                index += length
                replaced = True
                break
        if not replaced:
            result.append(items[index])
            index += 1
    return result


def _variants(text: str, original: Node, spellings: Spellings, analyze: Callable[[str], list[str]]) -> Variants | None:
    if len(text.split()) > MAX_NAME_WORDS:
        return None
    ids = spellings.persons(text) if len(analyze(text)) > 1 else []
    # A name shared by several persons expands to all their spellings: the query names them all.
    phrases: list[str] = []
    seen = {tuple(analyze(text))}
    for person_id in ids[:4]:
        for spelling in spellings.spellings(person_id):
            tokens = tuple(analyze(spelling))
            if len(tokens) > 1 and tokens not in seen:
                seen.add(tokens)
                phrases.append(spelling)
    if not phrases:
        return None
    labels = [spellings.label(i) or i for i in ids[:4]]
    return Variants(original, tuple(phrases), " / ".join(labels), ids[0] if len(ids) == 1 else None)


if __name__ == "__main__":
    import sys

    # `python -m archivist.search.variants TABLE FINGERPRINT`: what `Spellings` runs apart.
    _build(Path(sys.argv[1]), sys.argv[2])
