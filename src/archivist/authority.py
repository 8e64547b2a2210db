"""The person authority: who is who, under every spelling, and the keys to find them by.

The default authority is the Office of the Historian's people database shipped with the package
(`data/people.jsonl.gz`); more files of the same JSONL form can be loaded on top (`id`,
`preferred`, `variants`, optional `birth_year`, `death_year`, `volumes`, `frus_ids`, `titles`).

Names are indexed under keys that survive the ways archives spell them:
- `normalise`: case, accents, apostrophes, hyphens and periods dropped ("P’eng Teh-huai" ->
  "peng teh huai", "Kim Il-sung" -> "kim il sung", "R. B. Anderson" -> "r b anderson");
- forms built from "Surname, Given" records: "Given Surname", initials, with and without
  middle names and suffixes, and the titles inside a name ("Hull, General John E.") set apart;
- `romanisation.loose_key`: a coarse key on which Wade-Giles and pinyin, McCune-Reischauer and
  revised Korean romanisation, and common Russian transliterations fall together.

Persons not in any loaded file are added at run time as local records (`local:<key>`).
"""

from __future__ import annotations

import gzip
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from unidecode import unidecode

from archivist.romanisation import chinese_key, loose_key

__all__ = [
    "Authority",
    "Person",
    "TITLE_WORDS",
    "default_authority",
    "english_words",
    "forms_of",
    "common_given_name",
    "given_name_counts",
    "given_names",
    "given_surname_pairs",
    "is_english_word",
    "name_forms",
    "normalise",
    "normalise_name",
    "parse_name",
]

#: Words that are titles, ranks and honorifics, not names (lowercase, without periods).
TITLE_WORDS = frozenset(
    """
    mr mrs ms miss dr sir madam madame mme mlle lord lady dame rt hon honorable honourable
    general gen lieutenant lt major maj brigadier brig colonel col captain capt commander cdr
    admiral adm vice rear marshal field sergeant corporal private ensign commodore
    president premier prime minister chairman chairwoman secretary ambassador senator
    congressman representative governor judge justice consul minister counselor counsellor
    deputy under assistant acting vice-president director chief
    cde comrade tovarishch king queen prince princess emperor empress shah sheikh sultan emir
    father rev reverend bishop pope cardinal count countess baron baroness duke
    usn usa usaf usmc ret retired
    pres amb secy sec fonmin primin gov
    """.split()
)
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "2d", "2nd", "3d", "3rd"}
#: Familiar forms of English given names, as signatures and memoranda print them.
_FAMILIAR: dict[str, tuple[str, ...]] = {
    "bill": ("william",), "will": ("william",), "billy": ("william",), "bob": ("robert",), "rob": ("robert",),
    "bobby": ("robert",), "jim": ("james",), "jimmy": ("james",), "jack": ("john",), "johnny": ("john",),
    "dick": ("richard",), "tom": ("thomas",), "tommy": ("thomas",), "joe": ("joseph",), "ted": ("edward", "theodore"),
    "ed": ("edward", "edwin"), "eddie": ("edward",), "chuck": ("charles",), "charlie": ("charles",),
    "mike": ("michael",), "dave": ("david",), "dan": ("daniel",), "don": ("donald",), "harry": ("henry", "harold"),
    "hank": ("henry",), "larry": ("lawrence",), "ken": ("kenneth",), "ron": ("ronald",), "sam": ("samuel",),
    "steve": ("stephen", "steven"), "tony": ("anthony",), "walt": ("walter",), "fred": ("frederick",),
    "al": ("albert", "alfred", "allen"), "andy": ("andrew",), "pat": ("patrick",), "pete": ("peter",),
    "phil": ("philip", "phillip"), "ray": ("raymond",), "jerry": ("gerald", "jerome"), "gene": ("eugene",),
    "herb": ("herbert",), "doug": ("douglas",), "chris": ("christopher",), "matt": ("matthew",),
    "nick": ("nicholas",), "ben": ("benjamin",), "abe": ("abraham",), "ike": ("dwight",), "mac": ("malcolm",),
}
_EAST_ASIAN_SURNAMES = frozenset(
    """
    kim lee yi ri rhee pak park paik choe choi chung chong jung chang jang cho jo han hahn ham yun
    yoon shin sin song im lim yu yoo yang hong ko koh kang nam no noh oh o ryu whang hwang jeon
    chon chun jun ahn an pyun pyon sohn son suh so moon mun baek paek heo ho hyon hyun in kwon
    mao zhou chou liu deng teng peng wang li chen chiang jiang sun lin zhu chu zhang gao kao
    huang hu xu hsu guo kuo he ma luo lo song tang tan feng dong tung ye yeh wu zhao chao qian
    ch'ien chien shi shih kang lu lü ngo nguyen pham tran le ho vo dang bui phan hoang
    """.split()
)


_APOSTROPHES = re.compile(r"['’‘`ʻʼ]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=262144)
def normalise(text: str) -> str:
    """The lookup form of a name: ASCII, lower case, no punctuation, single spaces."""
    text = unidecode(text).lower()
    text = _APOSTROPHES.sub("", text)
    return _NOT_ALNUM.sub(" ", text).strip()


@dataclass(frozen=True)
class ParsedName:
    surname: str
    given: tuple[str, ...]
    suffix: str | None
    titles: tuple[str, ...]
    surname_first: bool


def _is_title(token: str) -> bool:
    return normalise(token) in TITLE_WORDS


def parse_name(text: str) -> list[ParsedName]:
    """Parse one variant ("Hull, General John E.", "Mao Tse-tung (Mao Zedong)", "Kim Il Sung",
    "Robert D. Murphy") into surname, given names, suffix and titles; a parenthesised
    alternative gives a second reading."""
    readings: list[ParsedName] = []
    alternates = [a.strip() for a in re.findall(r"\(([^()]*)\)", text) if _looks_like_name(a)]
    main = re.sub(r"\s*\([^()]*\)\s*", " ", text).strip().strip(",").strip()
    if "," in main:
        # "Matsumoto, Takizo (Frank)": one word in brackets is the name the person went by
        surname = main.split(",")[0].strip()
        alternates = [f"{surname}, {a}" if len(a.split()) == 1 else a for a in alternates]
    for candidate in [main, *alternates]:
        if len(re.findall(r"[A-Za-zÀ-ÿ]", candidate)) < 2:
            continue
        if "," not in candidate and _all_common_words(candidate):
            continue  # "Security Affairs" filed as a variant is an office, not a name
        parsed = _parse_one(candidate)
        if parsed is not None:
            readings.append(parsed)
    return readings


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words (a word list from PyPI; proper nouns there are capitalised)."""
    from english_words import get_english_words_set

    return frozenset(w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower())


def is_english_word(key: str) -> bool:
    """Whether `key` (lower case) is an English word, plurals included ("policies")."""
    words = english_words()
    if key in words:
        return True
    if key.endswith("ies") and key[:-3] + "y" in words:
        return True
    return (key.endswith("es") and key[:-2] in words) or (key.endswith("s") and key[:-1] in words)


def _all_common_words(text: str) -> bool:
    tokens = [normalise(t) for t in text.split()]
    return len(tokens) >= 2 and all(t in english_words() or (t.endswith("s") and t[:-1] in english_words()) for t in tokens if t)


def _looks_like_name(text: str) -> bool:
    """A parenthesis that holds another spelling ("Mao Zedong"), not a note ("Director of ...")."""
    words = text.replace(",", " ").split()
    return 1 <= len(words) <= 5 and all(w[:1].isupper() or normalise(w) in _SUFFIXES for w in words)


def _parse_one(text: str) -> ParsedName | None:
    titles: list[str] = []
    suffix = None
    if "," in text:
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            return None
        surname_tokens = parts[0].split()
        given: list[str] = []
        for part in parts[1:]:
            for token in part.split():
                key = normalise(token)
                if key in _SUFFIXES:
                    suffix = token
                elif key in TITLE_WORDS or not key:
                    titles.append(token)
                else:
                    given.append(token)
        surname_tokens = [t for t in surname_tokens if not _is_title(t)] or surname_tokens
        surname = " ".join(surname_tokens)
        # "Lee, Joong-chai" is printed "Lee Joong-chai": East Asian names keep surname first.
        asian = normalise(surname) in _EAST_ASIAN_SURNAMES and (len(given) == 1 and "-" in given[0] or len(given) == 2 and all(g[:1].isupper() and len(g) <= 5 for g in given))
        return ParsedName(surname, tuple(given), suffix, tuple(titles), asian)
    tokens = text.split()
    kept = []
    for token in tokens:
        key = normalise(token)
        if key in _SUFFIXES and kept:
            suffix = token
        elif key in TITLE_WORDS and len(tokens) > 1:
            titles.append(token)
        elif key:
            kept.append(token)
    if not kept:
        return None
    first = normalise(kept[0])
    asian = len(kept) >= 2 and (first in _EAST_ASIAN_SURNAMES or any("-" in t for t in kept[1:]))
    if asian:
        return ParsedName(kept[0], tuple(kept[1:]), suffix, tuple(titles), True)
    return ParsedName(kept[-1], tuple(kept[:-1]), suffix, tuple(titles), False)


def forms_of(parsed: ParsedName) -> set[str]:
    """Normalised full-name forms (two tokens or more) a text may print for this reading."""
    surname = normalise(parsed.surname)
    given = [normalise(g) for g in parsed.given if normalise(g)]
    forms: set[str] = set()
    if not surname:
        return forms
    if parsed.surname_first:
        if given:
            forms.add(f"{surname} {' '.join(given)}")
            forms.add(f"{' '.join(given)} {surname}")  # "Il Kwon Chung", Western order
        return forms
    if not given:
        return forms
    words = " ".join(given).split()
    initials = [w[0] for w in words]
    firsts = {words[0], initials[0]}
    for first in firsts:
        forms.add(f"{first} {surname}")
    forms.add(f"{' '.join(words)} {surname}")
    forms.add(f"{' '.join(initials)} {surname}")
    forms.add(f"{words[0]} {' '.join(initials[1:])} {surname}".replace("  ", " "))
    if len(words) >= 2 and len(words[1]) > 1:
        # Known by the middle name: "C. Tyler Wood", "Tyler Wood" for Wood, Clinton Tyler.
        forms.add(f"{words[1]} {surname}")
        forms.add(f"{initials[0]} {words[1]} {surname}")
    if parsed.suffix:
        suffix = normalise(parsed.suffix)
        forms |= {f"{form} {suffix}" for form in list(forms)}
    return forms


_VOLUME_YEARS = re.compile(r"^frus(\d{4})(?:-(\d{2,4}))?")


def _years_of(volumes: Iterable[str]) -> tuple[int | None, int | None]:
    first = last = None
    for volume in volumes:
        match = _VOLUME_YEARS.match(volume)
        if not match:
            continue
        start = int(match.group(1))
        end_text = match.group(2)
        end = start if not end_text else (int(end_text) if len(end_text) == 4 else start // 100 * 100 + int(end_text))
        first = start if first is None else min(first, start)
        last = end if last is None else max(last, end)
    return first, last


@dataclass
class Person:
    id: str
    preferred: str
    variants: list[str]
    birth_year: int | None = None
    death_year: int | None = None
    volumes: list[str] = field(default_factory=list)
    frus_ids: list[str] = field(default_factory=list)
    titles: set[str] = field(default_factory=set)
    surnames: set[str] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)
    first_year: int | None = None
    last_year: int | None = None
    local: bool = False

    @property
    def name(self) -> str:
        """The name as read: "Syngman Rhee" for "Rhee, Syngman"; "Kim Il Sung" as it is."""
        readings = parse_name(self.preferred)
        if not readings:
            return self.preferred
        reading = readings[0]
        if reading.surname_first or not reading.given:
            return " ".join([reading.surname, *reading.given]).strip()
        name = " ".join([*reading.given, reading.surname])
        return f"{name}, {reading.suffix}" if reading.suffix else name

    def alive_in(self, year: int) -> bool:
        """False only when birth or death years rule the person out of `year`."""
        if self.birth_year and year < self.birth_year + 15:
            return False
        return not (self.death_year and year > self.death_year + 1)

    def active_in(self, year: int, margin: int = 3) -> bool | None:
        """Whether the volumes that list the person cover `year`: None when none do."""
        if not self.alive_in(year):
            return False
        if self.first_year is None:
            return None
        return self.first_year - margin <= year <= (self.last_year or self.first_year) + margin


class Authority:
    """An index of persons by id, full-name form, surname and loose keys."""

    def __init__(self) -> None:
        self.persons: dict[str, Person] = {}
        self.by_form: dict[str, set[str]] = {}
        self.by_surname: dict[str, set[str]] = {}
        self.by_loose: dict[str, set[str]] = {}
        self.by_loose_surname: dict[str, set[str]] = {}
        self.by_frus_id: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.persons)

    def __iter__(self) -> Iterator[Person]:
        return iter(self.persons.values())

    def __contains__(self, id: str) -> bool:
        return id in self.persons

    def get(self, id: str) -> Person | None:
        return self.persons.get(id)

    def load(self, path: str | Path) -> Authority:
        """Add every person of a JSONL file (plain or .gz)."""
        path = Path(path)
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            self.load_records(json.loads(line) for line in handle if line.strip())
        return self

    def load_records(self, records: Iterable[dict]) -> None:
        for number, record in enumerate(records, start=1):
            if "id" not in record or "preferred" not in record:
                raise ValueError(f"authority record {number} needs an 'id' and a 'preferred' name")
            variants = list(dict.fromkeys([record["preferred"], *record.get("variants", [])]))
            person = Person(
                id=str(record["id"]),
                preferred=record["preferred"],
                variants=variants,
                birth_year=record.get("birth_year"),
                death_year=record.get("death_year"),
                volumes=list(record.get("volumes") or []),
                frus_ids=list(record.get("frus_ids") or []),
                titles={normalise(t) for t in record.get("titles") or []},
            )
            person.first_year, person.last_year = _years_of(person.volumes)
            self.add(person)

    def add(self, person: Person) -> Person:
        self.persons[person.id] = person
        for variant in person.variants:
            for reading in parse_name(variant):
                surname = normalise(reading.surname)
                if surname:
                    person.surnames.add(surname)
                person.titles |= {normalise(t) for t in reading.titles if normalise(t)}
                person.forms |= forms_of(reading)
        for surname in person.surnames:
            self.by_surname.setdefault(surname, set()).add(person.id)
            loose = loose_key(surname, single=True)
            if loose and len(surname) >= 6:
                self.by_loose_surname.setdefault(loose, set()).add(person.id)
            for token in surname.split():
                if token != surname and len(token) > 2:
                    self.by_surname.setdefault(token, set()).add(person.id)
        for form in person.forms:
            self.by_form.setdefault(form, set()).add(person.id)
            for key in (loose_key(form), chinese_key(form)):
                if key:
                    self.by_loose.setdefault(key, set()).add(person.id)
        for frus_id in person.frus_ids:
            self.by_frus_id[frus_id] = person.id
        return person

    def add_local(self, name: str) -> Person:
        """A local record for a person no loaded file knows, keyed by the normalised name."""
        key = normalise(name)
        id = f"local:{key.replace(' ', '-')}"
        if id in self.persons:
            return self.persons[id]
        return self.add(Person(id=id, preferred=name, variants=[name], local=True))

    def forms(self, key: str) -> set[str]:
        """Persons printed as this full name (normalised key), also across romanisations and
        with a familiar first name ("Bill Lacy" for William S. B. Lacy)."""
        found = set(self.by_form.get(key, ()))
        first, _, rest = key.partition(" ")
        if not found and rest and first in _FAMILIAR:
            for formal in _FAMILIAR[first]:
                found |= self.by_form.get(f"{formal} {rest}", set())
        if not found:
            for alternative in (loose_key(key), chinese_key(key)):
                if alternative:
                    found |= self.by_loose.get(alternative, set())
        return found

    def surname(self, key: str) -> set[str]:
        """Persons of this surname; a long surname also under another transliteration
        ("Khrushchov" for Khrushchev, "Mukhiddinov" for Mukhitdinov)."""
        found = set(self.by_surname.get(key, ()))
        if not found and len(key) >= 6:
            loose = loose_key(key, single=True)
            found = set(self.by_loose_surname.get(loose, ())) if loose else set()
        return found

    def has_surname(self, key: str) -> bool:
        return bool(self.surname(key))


@lru_cache(maxsize=4)
def _load_default(extra: tuple[str, ...]) -> Authority:
    authority = Authority()
    with resources.as_file(resources.files("archivist") / "data" / "people.jsonl.gz") as path:
        authority.load(path)
    for path in extra:
        authority.load(path)
    return authority


def default_authority(extra: Iterable[str | Path] | None = None) -> Authority:
    """The packaged authority, plus extra JSONL files (by default those of the `authority`
    setting), loaded once per process."""
    if extra is None:
        from archivist.settings import Settings

        configured = str(Settings().get("authority") or "")
        extra = [p for p in configured.split(os.pathsep) if p]
    return _load_default(tuple(str(p) for p in extra))


#: The structure stages compare names in this form too.
normalise_name = normalise


@lru_cache(maxsize=1)
def name_forms() -> frozenset[str]:
    """Every normalised full-name form of the default authority ("kim il sung", "syngman rhee")."""
    return frozenset(default_authority().by_form)


@lru_cache(maxsize=1)
def given_name_counts() -> dict[str, int]:
    """How many of the default authority's persons bear each first given name (normalised)."""
    counts: dict[str, int] = {}
    for person in default_authority():
        firsts = {
            normalise(reading.given[0])
            for variant in person.variants
            for reading in parse_name(variant)
            if reading.given and not reading.surname_first
        }
        for name in firsts - {""}:
            counts[name] = counts.get(name, 0) + 1
    return counts


def given_names() -> frozenset[str]:
    """Normalised first given names of the default authority's persons ("anastas", "robert")."""
    return _given_names()


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    return frozenset(given_name_counts())


def common_given_name(key: str) -> bool:
    """A first name borne by several persons: "Frank" and "Rose" are names before a surname,
    "Great" (in "Great Britain") is not, though some record may bear it."""
    return given_name_counts().get(key, 0) >= 3


@lru_cache(maxsize=1)
def given_surname_pairs() -> frozenset[tuple[str, str]]:
    """(first given name, surname) pairs of the default authority, normalised."""
    pairs = set()
    for person in default_authority():
        for variant in person.variants:
            for reading in parse_name(variant):
                if reading.given:
                    pairs.add((normalise(reading.given[0]), normalise(reading.surname)))
    return frozenset(pairs)
