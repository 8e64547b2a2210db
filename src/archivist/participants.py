"""Who took part in a conversation: the participants a record declares, and the names it
gives them.

Participants come from a `Participants:` header (sides as `Soviet side: ...` / `Chinese side:
...`, or a FRUS-style list separated by commas, semicolons or lines, with roles after a comma:
`Ambassador Yang, Korean Ambassador`) and from the title, which names the host of a conversation
(`Conversation records between Chairman Mao Zedong and the Soviet ... Delegation`) or the author
and his interlocutor (`From the Journal of A. M. Puzanov, Record of a Conversation with Kim II
Sung`).

A participant's `name` is the name without forms of address or offices, editorial completions
filled in (`[Anastas] Mikoyan` -> `Anastas Mikoyan`) and in the record's own best spelling
(OCR's `Kim II Sung` gives way to `Kim Il Sung` where the record also prints that). `aliases`
are the other ways the record writes them: as printed, the transcription in brackets (`Sachkov
[Saqiukefu]`), the form declared inline (`Chairman Mao (hereafter, Chairman)`), an office from
the list (`Korean Ambassador`); affiliations (`Legation of Switzerland`, `EUR`) are not names.

A `Roster` holds them while a record is read, with the speakers it names beyond them, and
resolves a printed name to one of them: by alias, declared alias, surname or office (`Peng` ->
Peng Dehuai, `The Ambassador` -> the participant whose office is an ambassador).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archivist.document import Document, Participant

__all__ = [
    "COURTESY",
    "GROUP_WORDS",
    "NAME_WORD",
    "OFFICES",
    "PARTICLES",
    "QUALIFIERS",
    "Roster",
    "best_spelling",
    "declared_alias",
    "is_participants_header",
    "participant_entries",
    "read_participants",
    "strip_forms",
    "unbracket",
]

#: Courtesy forms: never part of a name.
COURTESY = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "cde", "comrade", "tov", "sir", "mme", "madame", "herr",
    "count", "countess", "baron", "lord", "lady",
})
#: Offices and ranks: part of how a record names someone, not of the name itself.
OFFICES = frozenset({
    "chairman", "secretary", "ambassador", "admiral", "general", "president", "premier",
    "minister", "marshal", "colonel", "major", "captain", "lieutenant", "commander", "consul",
    "counselor", "counsellor", "senator", "governor", "professor", "chancellor", "king", "queen",
    "prince", "emperor", "director", "envoy", "mayor", "judge", "gen", "adm", "col", "lt",
    "capt", "maj", "prof", "secretary-general", "vice-premier", "vice-chairman", "interpreter",
    "officer", "adviser", "advisor", "chargé", "attaché",
})
#: Words that make an office another office: an Assistant Secretary is not "the Secretary".
QUALIFIERS = frozenset({
    "assistant", "deputy", "under", "vice", "acting", "executive", "special", "first", "second",
    "third", "prime", "foreign", "chief", "permanent", "political", "military",
})
#: Lower-case words inside names: "Henry de Torrente".
PARTICLES = frozenset({"de", "van", "von", "der", "den", "da", "di", "du", "la", "le", "bin", "al", "ibn", "y"})
#: Words that make a phrase a body of people or an office, not a person: "the Soviet ...
#: Delegation", "Legation of Switzerland", "Korean Affairs".
GROUP_WORDS = frozenset({
    "delegation", "party", "government", "embassy", "committee", "side", "representatives",
    "officials", "leaders", "members", "mission", "ministry", "department", "office", "bureau",
    "council", "commission", "comrades", "leadership", "affairs", "legation", "consulate",
    "section", "staff", "division", "desk", "command", "headquarters",
})

NAME_WORD = re.compile(r"^(?:[A-Z][\w'’\-]*\.?|(?:[A-Z]\.)+)$")
_BRACKET = re.compile(r"\[([^\]]*)\]")
_SIC = re.compile(r"\s*\[\s*sic\b[^\]]*\]", re.IGNORECASE)
_DECLARATION = re.compile(
    r"^\s*(?:hereafter|hereinafter|henceforth)(?:\s+(?:referred\s+to\s+as|called|as))?\s*[,:]?\s*"
    r"[\"“'‘]?(?P<alias>[^\"”'’]+?)[\"”'’]?\s*$",
    re.IGNORECASE,
)


def unbracket(printed: str) -> str:
    """`printed` with editorial marks resolved: "[sic]" marks the source's own error and belongs
    to no name, other brackets complete one ("[Anastas] Mikoyan" -> "Anastas Mikoyan")."""
    return " ".join(_BRACKET.sub(r"\1", _SIC.sub("", printed)).split())


def declared_alias(aside: str) -> str | None:
    """The alias an aside declares: "hereafter, Chairman" -> "Chairman"; None for other asides
    ("to Mukhitdinov")."""
    match = _DECLARATION.match(aside)
    return match.group("alias").strip() if match else None


def _fold(name: str) -> str:
    """A key that compares names across case, spacing, brackets and OCR's I/l/1 confusion."""
    plain = _BRACKET.sub(r"\1", name).replace("’", "'")
    plain = " ".join(re.sub(r"[.,]", " ", plain).split()).casefold()
    return plain.replace("l", "i").replace("1", "i")


def _words(name: str) -> list[str]:
    return _fold(name).split()


def strip_forms(words: list[str], *, offices: bool) -> tuple[list[str], list[str]]:
    """(titles, rest): leading courtesy forms (and, when asked, offices with their "of State"
    and the article) split off a name. A name that is all office ("The Secretary of State")
    comes back whole: the office is how the record names that person."""
    titles: list[str] = []
    rest = list(words)
    while rest:
        head = rest[0].lower().rstrip(".")
        if head in COURTESY or (offices and (head == "the" or head in OFFICES or head in QUALIFIERS)):
            titles.append(rest.pop(0))
            if offices and head in OFFICES and len(rest) >= 2 and rest[0].lower() == "of":
                titles.extend(rest[:2])
                rest = rest[2:]
            continue
        break
    if not rest:
        return [], list(words)
    return titles, rest


def _office_of(name: str) -> str | None:
    """The office a role-only name holds: "The Secretary" -> "secretary", else None."""
    words = [w.lower().rstrip(".") for w in name.split()]
    if not words or not all(w in OFFICES | QUALIFIERS | COURTESY | {"the", "of", "state"} for w in words):
        return None
    offices = [w for w in words if w in OFFICES]
    return offices[0] if offices else None


def _holds_office(phrase: str, office: str) -> bool:
    """Whether `phrase` ("Korean Ambassador", "Secretary Dulles", "Secretary of State") names the
    office itself, not a qualified one ("Assistant Secretary of State" is not "the Secretary")."""
    words = [w.lower().rstrip(".,") for w in phrase.split()]
    for i, word in enumerate(words):
        if word == office and (i == 0 or words[i - 1] not in QUALIFIERS):
            return True
    return False


def best_spelling(name: str, text: str) -> str:
    """The record's own best spelling of `name`: among the spellings the text prints that differ
    only by case and I/l/1 confusion, the one with no OCR-looking capital I inside a word
    ("Kim II Sung" -> "Kim Il Sung"), mixed case before capitals, then the most printed. A name
    that looks sound is kept as it is."""
    if _ocr_suspicion(name) == 0 and not name.isupper():
        return name
    pattern = "".join(
        "[IiLl1]" if ch in "IiLl1" else (r"\s+" if ch.isspace() else re.escape(ch)) for ch in name
    )
    found: dict[str, int] = {}
    for match in re.finditer(r"(?<!\w)" + pattern + r"(?!\w)", text, re.IGNORECASE):
        spelled = " ".join(match.group(0).split())
        found[spelled] = found.get(spelled, 0) + 1
    if not found:
        return name
    return min(found, key=lambda s: (_ocr_suspicion(s), s.isupper(), -found[s], s != name))


def _ocr_suspicion(spelling: str) -> int:
    score = 0
    for token in spelling.split():
        if token.isupper() and len(token) > 2:
            continue  # a name in capitals is a heading's style, not a misreading
        score += sum(1 for i, ch in enumerate(token) if i > 0 and ch == "I") + token.count("1")
    return score


@dataclass
class Roster:
    """The participants of one record and the speakers it names beyond them, with the aliases
    declared along the way. `find` and `speaker` turn a printed name into a canonical one."""

    participants: list[Participant] = field(default_factory=list)
    others: list[Participant] = field(default_factory=list)
    declared: dict[str, Participant] = field(default_factory=dict)

    def find(self, printed: str) -> Participant | None:
        """The participant (or speaker named earlier) `printed` refers to, if exactly one."""
        key = _fold(printed)
        if key in self.declared:
            return self.declared[key]
        found = self._match(printed, key, self.participants, strict=False)
        return found if found is not None else self._match(printed, key, self.others, strict=True)

    def _match(self, printed: str, key: str, people: list[Participant], *, strict: bool) -> Participant | None:
        """`strict` for speakers no list declared: there a surname alone does not join two
        people whose offices differ ("Secretary Dulles" is not "Mr. Allen Dulles")."""
        exact = [p for p in people if key in {_fold(n) for n in [p.name, *p.aliases]}]
        if len(exact) == 1:
            return exact[0]
        titles, rest = strip_forms(printed.split(), offices=True)
        office = _office_of(printed)
        if office is not None:
            holders = [
                p for p in people
                if any(_holds_office(n, office) for n in [p.name, *p.aliases])
            ]
            return holders[0] if len(holders) == 1 else None
        wanted = _words(" ".join(rest))
        if not wanted:
            return None
        candidates = [p for p in people if any(_contains(_words(n), wanted) for n in [p.name, *p.aliases])]
        offices = {t.lower().rstrip(".") for t in titles} & OFFICES
        if offices and (strict or len(candidates) > 1):
            holding = [
                p for p in candidates
                if any(_holds_office(n, office) for n in [p.name, *p.aliases] for office in offices)
            ]
            candidates = holding if strict else (holding or candidates)
        if strict and not offices:
            # "Mr. Dulles" after "Secretary Dulles": the same only if no office tells them apart
            candidates = [p for p in candidates if not _offices_in(p)] or candidates
        return candidates[0] if len(candidates) == 1 else None

    def speaker(self, printed: str, text: str) -> Participant:
        """Who a speaker printed as `printed` is: a participant, or else someone named as printed
        (courtesy forms dropped, in the record's best spelling) and remembered, so that later
        mentions of the same person resolve to the same name."""
        found = self.find(printed)
        if found is not None:
            return found
        _, rest = strip_forms(printed.split(), offices=False)
        name = best_spelling(" ".join(rest), text)
        other = Participant(name, aliases=[printed] if printed != name else [])
        self.others.append(other)
        return other

    def declare(self, alias: str, participant: Participant, printed: str | None = None) -> None:
        """Make `alias` name `participant` from here on ("Chairman Mao (hereafter, Chairman)":
        `printed` is "Chairman Mao", the alias "Chairman")."""
        if printed:
            _add_alias(participant, printed)
        self.declared[_fold(alias)] = participant
        _add_alias(participant, alias)


def _offices_in(participant: Participant) -> set[str]:
    return {
        w.lower().rstrip(".") for n in [participant.name, *participant.aliases] for w in n.split()
    } & OFFICES


def _contains(words: list[str], wanted: list[str]) -> bool:
    n = len(wanted)
    return any(words[i:i + n] == wanted for i in range(len(words) - n + 1))


def _add_alias(participant: Participant, alias: str) -> None:
    alias = " ".join(alias.split())
    if alias and alias != participant.name and alias not in participant.aliases:
        participant.aliases.append(alias)


_PARTICIPANTS_RE = re.compile(
    r"^\s*(?:\*\*)?(?:participants|persons present|present)(?:\s+in\s+the\s+conversation)?(?:\*\*)?\s*(?::|\n|$)\s*",
    re.IGNORECASE,
)
_SIDE_LINE = re.compile(r"^\s*(?P<side>[A-Z][\w.’'\- ]{0,40}?)\s+[Ss]ide\s*:")
_SIDE_MARK = re.compile(
    r"(?:^|(?<=[\n;]))\s*(?P<side>[A-Z][\w.’'\- ]{0,40}?)(?:\s+[Ss]ide)?\s*:\s*|"
    r"(?P<inline>[A-Z][\w.’'\- ]{0,40}?)\s+[Ss]ide\s*:\s*",
    re.MULTILINE,
)
_ENTRY_FIELD = re.compile(r"^\s*(?:subject|time|date|place|location|drafted by|agenda)\b", re.IGNORECASE)


def is_participants_header(text: str) -> bool:
    """Whether a block is (the start of) the participants list or one of its side lines."""
    return bool(_PARTICIPANTS_RE.match(text) or _SIDE_LINE.match(text))


def read_participants(document: Document) -> Roster:
    """The record's participants: its `Participants:` list, then the people its title names."""
    roster = Roster()
    for side, printed, roles in participant_entries(_participants_text(document)):
        _enlist(roster, document.text, side, printed, roles)
    _title_participants(roster, document)
    return roster


def _participants_text(document: Document) -> str:
    """The text of the participants list: the `Participants:` block and the side lines (or, after
    a bare `PARTICIPANTS` heading, the name lines) that follow it."""
    blocks = [b for b in document.blocks if b.kind in ("paragraph", "meta", "header", "heading")]
    for index, block in enumerate(blocks):
        text = document.text[block.start:block.end]
        match = _PARTICIPANTS_RE.match(text)
        if not match:
            continue
        parts = [text[match.end():]]
        heading_only = not parts[0].strip()
        for following in blocks[index + 1:]:
            more = document.text[following.start:following.end]
            if _SIDE_LINE.match(more) or (heading_only and _looks_like_name_lines(more)):
                parts.append(more)
                continue
            break
        return "\n".join(parts)
    return ""


def _looks_like_name_lines(text: str) -> bool:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return bool(lines) and all(
        len(line) <= 150 and not _ENTRY_FIELD.match(line) and ":" not in line
        and _looks_like_name(_split_commas(re.split(r";", line)[0])[0])
        for line in lines
    )


def _looks_like_name(segment: str) -> bool:
    """"Ambassador Yang", "The Secretary", "[Anastas] Mikoyan": capitalised words, an article
    or a particle; a sentence ("The Secretary said that ...") is no name."""
    words = _BRACKET.sub(r"\1", re.sub(r"\([^)]*\)", "", segment)).split()
    return bool(words) and words[0][0].isupper() and all(
        NAME_WORD.match(w) or w.lower() in PARTICLES | {"the", "of"} for w in words
    )


def participant_entries(listing: str) -> list[tuple[str | None, str, list[str]]]:
    """(side, printed name, roles) for each person in a participants list.

    Entries are separated by semicolons or lines, and by commas, where a comma may also bring a
    role of the person before it: in "Ambassador Yang, Korean Ambassador, Mr. Robertson" the
    middle part is a role because an office ends it, while a name comes after an office."""
    entries: list[tuple[str | None, str, list[str]]] = []
    side: str | None = None
    for side_text, chunk in _sides(listing):
        side = side_text if side_text is not None else side
        for entry in re.split(r"[;\n]", chunk):
            first = True
            for segment in _split_commas(entry):
                segment = segment.strip().rstrip(".").strip()
                if not segment:
                    continue
                if not first and entries and _is_role(segment):
                    entries[-1][2].append(segment)
                else:
                    entries.append((side, segment, []))
                first = False
    return entries


def _sides(listing: str) -> list[tuple[str | None, str]]:
    marks = list(_SIDE_MARK.finditer(listing))
    if not marks:
        return [(None, listing)]
    chunks: list[tuple[str | None, str]] = []
    if listing[: marks[0].start()].strip():
        chunks.append((None, listing[: marks[0].start()]))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(listing)
        side = (mark.group("side") or mark.group("inline")).strip()
        chunks.append((side, listing[mark.end():end]))
    return chunks


def _split_commas(entry: str) -> list[str]:
    # Commas inside brackets or parentheses ("(hereafter, Chairman)") do not separate entries.
    parts, depth, current = [], 0, []
    for ch in entry:
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        if ch == "," and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _is_role(segment: str) -> bool:
    words = _BRACKET.sub(r"\1", re.sub(r"\([^)]*\)", "", segment)).split()
    if not words:
        return True
    lowered = [w.lower().rstrip(".") for w in words]
    if lowered[0] == "the":
        return False  # "the Secretary": a person known by office
    if any(w[0].islower() and w.lower() not in PARTICLES for w in words):
        return True  # "Assistant Secretary of State for Far Eastern Affairs"
    if all(w.isupper() and len(w.rstrip(".")) <= 6 for w in words):
        return True  # an office symbol: "FE", "NA", "UNC"
    # "Korean Ambassador", "Department of State"
    return lowered[-1] in OFFICES or lowered[-1] in QUALIFIERS or bool(set(lowered) & GROUP_WORDS)


def _enlist(roster: Roster, text: str, side: str | None, printed: str, roles: list[str]) -> None:
    printed = " ".join(printed.split())
    declared = None
    aside = re.search(r"\(([^)]*)\)", printed)
    if aside:
        declared = declared_alias(aside.group(1))
        if declared is None:
            roles = [*roles, aside.group(1).strip()]
        printed = " ".join((printed[: aside.start()] + printed[aside.end():]).split())
    name, aliases = _name_and_aliases(printed, text)
    # Only the same name twice is the same person: two Kims in one list are two people.
    existing = [p for p in roster.participants if _fold(p.name) == _fold(name)]
    if existing:
        participant = existing[0]
    else:
        participant = Participant(name, side=_side_name(side))
        roster.participants.append(participant)
    # A role that names an office ("Korean Ambassador", "Minister") is how the record may call
    # the person; an affiliation ("Legation of Switzerland", "EUR") is not.
    for alias in [*aliases, *(r for r in roles if {w.lower().rstrip(".,") for w in r.split()} & OFFICES)]:
        _add_alias(participant, alias)
    if declared:
        roster.declare(declared, participant)


def _name_and_aliases(printed: str, text: str) -> tuple[str, list[str]]:
    """("Anastas Mikoyan", ["Mikoyan", "[Anastas] Mikoyan"]) for "[Anastas] Mikoyan";
    ("Sachkov", ["Saqiukefu"]) for "Sachkov [Saqiukefu]"; ("Yang", ["Ambassador Yang"])."""
    printed = _SIC.sub("", printed).strip()
    aliases: list[str] = []
    trailing = re.search(r"\s*\[([^\]]+)\]\s*$", printed)
    if trailing and trailing.start() > 0 and _is_transcription(printed[: trailing.start()], trailing.group(1), text):
        aliases.append(trailing.group(1).strip())
        printed = printed[: trailing.start()].strip()
    if _BRACKET.search(printed):
        as_printed = " ".join(_BRACKET.sub("", printed).split())
        aliases[:0] = [a for a in (as_printed, printed) if a]
        printed = " ".join(_BRACKET.sub(r"\1", printed).split())
    titles, rest = strip_forms(printed.split(), offices=True)
    name = " ".join(rest)
    if titles and name != printed:
        aliases.insert(0, printed)
    spelled = best_spelling(name, text)
    if spelled != name:
        aliases.append(name)
    return spelled, [a for a in dict.fromkeys(aliases) if a != spelled]


def _is_transcription(name: str, bracketed: str, text: str) -> bool:
    """Whether "Sachkov [Saqiukefu]" gives another spelling of the name (a transcription) rather
    than completing it ("Li [Lisan]"): a completion reads as one name that the record also
    prints whole, or starts with another letter."""
    joined = f"{name.strip()} {bracketed.strip()}"
    if re.search(r"(?<!\w)" + re.escape(joined) + r"(?!\w)", text):
        return False
    return bracketed.strip()[:1].lower() == name.strip().split()[-1][:1].lower()


def _side_name(side: str | None) -> str | None:
    if side is None:
        return None
    side = re.sub(r"\s+side$", "", side.strip(), flags=re.IGNORECASE)
    return side or None


_TITLE_BETWEEN = re.compile(
    r"\b(?:conversations?|talks?|meeting|discussion|records?|memorandum|minutes)\b.*?\bbetween\s+"
    r"(?P<a>.+?)\s+and\s+(?P<b>.+?)(?=,|;|\s+(?:on|in|at|about|concerning|regarding)\s|$)",
    re.IGNORECASE,
)
_TITLE_WITH = re.compile(
    r"\b(?:conversation|talk|meeting|interview)\s+with\s+(?P<b>.+?)(?=,|;|\s+(?:on|in|at|about|concerning|regarding)\s|$)",
    re.IGNORECASE,
)
_TITLE_AUTHOR = re.compile(r"\b(?:journal|diary|notes|notebook)\s+of\s+(?P<author>.+?)(?=,|;|$)", re.IGNORECASE)


def _title_participants(roster: Roster, document: Document) -> None:
    """The people a title names: the host and the guests of a conversation, the author of a
    journal. A group ("the Soviet ... Delegation") names no one but tells the host's side."""
    title = document.title or ""
    named: list[str] = []
    groups: list[str] = []
    author = _TITLE_AUTHOR.search(title)
    if author:
        named.append(author.group("author"))
    between = _TITLE_BETWEEN.search(title)
    parties = [between.group("a"), between.group("b")] if between else []
    if not between:
        with_ = _TITLE_WITH.search(title)
        parties = [with_.group("b")] if with_ else []
    for party in parties:
        (groups if _is_group(party) else named).append(party)
    sides = list(dict.fromkeys(p.side for p in roster.participants if p.side))
    group_sides = {s for g in groups for s in sides if re.search(rf"\b{re.escape(s)}\b", g, re.IGNORECASE)}
    for party in named:
        participant = _title_person(roster, document.text, party)
        if participant is None or participant.side is not None:
            continue
        others = [s for s in sides if s not in group_sides]
        if group_sides and len(sides) == 2 and len(others) == 1:
            participant.side = others[0]
            _move_to_side(roster, participant)


def _is_group(party: str) -> bool:
    words = {w.lower().strip(".,") for w in party.split()}
    return bool(words & GROUP_WORDS) and not words & OFFICES


def _title_person(roster: Roster, text: str, party: str) -> Participant | None:
    party = " ".join(party.split()).strip()
    role = None
    inner = re.search(r"\(([^)]+)\)\s*$", party)
    if inner:  # "the Korean Ambassador (Yang)": the name is in the parentheses
        role = re.sub(r"^the\s+", "", party[: inner.start()].strip(), flags=re.IGNORECASE)
        party = inner.group(1).strip()
    words = party.split()
    if not words or not all(NAME_WORD.match(w) or w.lower() in PARTICLES | {"the", "of"} for w in words):
        return None
    if words[0] == "the":
        party = "The " + " ".join(words[1:])
    name, aliases = _name_and_aliases(party, text)
    participant = roster.find(name)
    if participant is None or participant not in roster.participants:
        participant = Participant(name)
        roster.participants.append(participant)
    for alias in [*aliases, *([role] if role else [])]:
        _add_alias(participant, alias)
    return participant


def _move_to_side(roster: Roster, participant: Participant) -> None:
    """Put a host found in the title at the head of his side, where a list would print him."""
    people = roster.participants
    people.remove(participant)
    first = next((i for i, p in enumerate(people) if p.side == participant.side), len(people))
    people.insert(first, participant)
