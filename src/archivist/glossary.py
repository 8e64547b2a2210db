"""Abbreviations: the glossary that expands them, and their mentions in a record.

A glossary is built from three sources, the first that knows a term winning:
1. the record itself: "Neutral Nations Supervisory Commission (NNSC)" defines NNSC there;
2. term lists loaded by the user, in the form FRUS volumes ship (`{id: {term, expansion}}`, as in
   `../shared/corpus/frus-korea-1955-57/terms.json`) or JSONL of `{term, expansion}`;
3. the packaged list of Cold War abbreviations (`data/glossary.json`, the same form).

Each use of a known abbreviation becomes a mention: kind `org` when the expansion is a proper
name (KWP, CPSU, DPRK), kind `term` otherwise (DMZ, "circular airgram").
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

from archivist.document import Document, Mention
from archivist.pipeline import stage

__all__ = ["Glossary", "Term", "default_glossary", "defined_terms", "glossary_of"]


@dataclass(frozen=True)
class Term:
    term: str
    expansion: str
    source: str  # "record", a file name, or "archivist"

    @property
    def kind(self) -> str:
        return "org" if self.expansion[:1].isupper() else "term"


class Glossary:
    def __init__(self) -> None:
        self.terms: dict[str, Term] = {}

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, term: str) -> Term | None:
        return self.terms.get(term)

    def add(self, term: str, expansion: str, source: str) -> None:
        self.terms.setdefault(term, Term(term, expansion, source))

    def load(self, path: str | Path, source: str | None = None) -> Glossary:
        """A FRUS-style term list (`{id: {term, expansion}}`) or JSONL of `{term, expansion}`."""
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        name = source or path.name
        try:
            data = json.loads(text)
            records: Iterable[dict] = data.values() if isinstance(data, dict) else data
        except json.JSONDecodeError:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        for record in records:
            if record.get("term") and record.get("expansion"):
                self.add(record["term"], record["expansion"], name)
        return self


@lru_cache(maxsize=4)
def _default(extra: tuple[str, ...]) -> Glossary:
    glossary = Glossary()
    for path in extra:
        glossary.load(path)
    with resources.as_file(resources.files("archivist") / "data" / "glossary.json") as path:
        glossary.load(path, source="archivist")
    return glossary


def default_glossary(extra: Iterable[str | Path] | None = None) -> Glossary:
    """User term lists (by default those of the `glossary` setting) first, then the packaged
    list; loaded once per process."""
    if extra is None:
        from archivist.settings import Settings

        configured = str(Settings().get("glossary") or "")
        extra = [p for p in configured.split(os.pathsep) if p]
    return _default(tuple(str(p) for p in extra))


_DEFINITION = re.compile(
    r"(?P<expansion>(?:[A-Z][\w’'-]*[ \u00a0]+(?:(?:of|the|and|for|on|in|de|du)[ \u00a0]+)*){1,9}[A-Z][\w’'-]*)"
    r"[ \u00a0]*\((?P<term>[A-Z][A-Za-z/&]{1,9})\)"
)
_ABBREVIATION = re.compile(r"(?<![\w/])(?P<term>[A-Z][A-Z]*[a-z]?[A-Z]+|[A-Z]{2,})(?![\w/])")


def defined_terms(text: str) -> dict[str, str]:
    """Abbreviations a text defines: "Neutral Nations Supervisory Commission (NNSC)" -> NNSC."""
    found: dict[str, str] = {}
    for match in _DEFINITION.finditer(text):
        term = match.group("term")
        words = match.group("expansion").split()
        capitals = [w[0] for w in words if w[:1].isupper()]
        # Keep the shortest tail of the phrase whose initials spell the abbreviation.
        letters = [c for c in term if c.isupper()]
        for cut in range(len(words)):
            tail = words[cut:]
            initials = [w[0] for w in tail if w[:1].isupper()]
            if initials == letters:
                found.setdefault(term, " ".join(tail))
                break
        else:
            if len(capitals) == len(letters):
                found.setdefault(term, " ".join(words))
    return found


def abbreviation_mentions(document: Document, glossary: Glossary | None = None) -> list[Mention]:
    glossary = glossary or default_glossary()
    local = defined_terms(document.text)
    mentions = []
    for match in _ABBREVIATION.finditer(document.text):
        term = match.group("term")
        expansion = local.get(term)
        entry = glossary.get(term)
        if expansion is None and entry is None:
            continue
        if _in_capitals(document.text, match.start(), match.end()):
            continue  # a word of an all-capitals heading ("RECORD OF A CONVERSATION")
        expansion = expansion or entry.expansion
        kind = "org" if expansion[:1].isupper() else "term"
        mentions.append(Mention(match.start(), match.end(), term, kind, canonical=expansion))
    return mentions


def _in_capitals(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    words = re.findall(r"[A-Za-z]{3,}", line)
    return len(words) >= 4 and sum(w.isupper() for w in words) / len(words) > 0.8


def glossary_of(document: Document) -> list[Term]:
    """The abbreviations a record uses, with their expansions and where each came from."""
    glossary = default_glossary()
    local = defined_terms(document.text)
    seen: dict[str, Term] = {}
    for mention in document.mentions:
        if mention.kind in ("org", "term") and mention.text not in seen:
            source = "record" if mention.text in local else (glossary.get(mention.text).source if glossary.get(mention.text) else "record")
            seen[mention.text] = Term(mention.text, mention.canonical or "", source)
    return sorted(seen.values(), key=lambda t: t.term)


@stage("organisations", requires=("text",), assigns=("mentions.org", "mentions.term"))
def annotate_abbreviations(document: Document) -> Document:
    """Abbreviations (KWP, CPSU, NNSC) as org and term mentions with their expansions."""
    kept = [m for m in document.mentions if m.kind not in ("org", "term")]
    document.mentions = sorted(kept + abbreviation_mentions(document), key=lambda m: (m.start, m.end))
    return document
