"""Speaker turns: who holds each stretch of speech in a record.

Over the `paragraph` blocks the structure stage found, this stage sets the kind and speaker:

- `turn`: direct speech opened by a speaker label (`Mikoyan: ...`, `Mr. Robertson: ...`,
  `Chairman [sic]: ...`, `Chairman Mao (hereafter, Chairman): ...`);
- `reported`: a paragraph of reported speech whose opening sentence names its speaker with a
  verb of speech (`Cde. Mao Zedong said that ...`, `The conversation ..., said Kim II Sung, was
  very warm`, `The Secretary said ...`);
- a `paragraph` that carries on a speaker's words (the next paragraph of a long turn, the rest
  of a turn cut by a page break) keeps its kind and gets the `speaker`.

`speaker` is the canonical name of the participant the label or subject resolves to (see
`archivist.participants`). A speaker who is no participant is kept as printed, without forms of
address (`Cde. Mao Zedong` -> `Mao Zedong`, `Mr. Murphy` -> `Murphy`; offices stay: `Admiral
Radford`), in the record's best spelling, and later mentions of the same person resolve to it.
The stage also sets `Document.participants`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archivist.document import Document
from archivist.participants import (
    COURTESY,
    GROUP_WORDS,
    NAME_WORD,
    OFFICES,
    PARTICLES,
    QUALIFIERS,
    Roster,
    declared_alias,
    is_participants_header,
    read_participants,
    strip_forms,
    unbracket,
)
from archivist.pipeline import stage

__all__ = ["FIELD_LABELS", "SpeakerLabel", "assign_speakers", "reported_speaker", "speaker_label"]

#: Subjects that name no one: reported speech needs an explicit speaker.
_PRONOUNS = frozenset({
    "he", "she", "they", "we", "i", "it", "you", "this", "that", "these", "those", "there", "who",
    "which", "one", "everyone", "nobody", "someone", "all", "both", "each", "some", "many", "others",
})
#: Capitalised words that open a sentence without being anyone's name.
_OPENERS = frozenset({
    "in", "on", "at", "further", "next", "then", "later", "finally", "again", "also", "however",
    "therefore", "thus", "meanwhile", "speaking", "continuing", "and", "but", "so", "first",
    "secondly", "lastly", "moreover", "as", "for", "to", "with", "by", "from", "after", "before",
})
#: Words that open a clause that is not the sentence's main one: "When Mr. Murphy said this, ...".
_SUBORDINATORS = frozenset({
    "when", "after", "before", "although", "though", "while", "since", "because", "if", "as",
    "whereas", "once", "until", "unless", "whether",
})
#: Labels of header fields and sections, never speakers (`Time:`, `Subject:`, `Discussion:`).
FIELD_LABELS = frozenset({
    "time", "date", "place", "location", "participants", "present", "persons present", "subject",
    "to", "from", "cc", "re", "ref", "note", "notes", "source", "citation", "summary", "credits",
    "contents", "original language", "enclosure", "attachment", "agenda", "discussion",
    "recommendation", "recommendations", "problem", "background", "comment", "comments",
    "conclusion", "conclusions", "decision", "action", "question", "questions", "answer",
    "addendum", "annex", "appendix", "memorandum", "translator's note", "editor's note",
    "distribution", "copies", "secret", "top secret", "confidential", "priority", "urgent",
})
#: Words of a subject that speaks for an institution: "State says", "Embassy Seoul requested".
_INSTITUTION_WORDS = GROUP_WORDS | {"state", "defense", "army", "navy", "treasury"}
# Verbs (and set phrases) of speech that make a paragraph reported speech. "agreed" stays out:
# "Cde. Chivu Stoica agreed to visit the DPRK" reports a decision, not words.
_SPEECH_VERBS = (
    "said", "says", "replied", "replies", "stated", "states", "noted", "suggested", "suggests",
    "proposed", "proposes", "informed", "informs", "stressed", "stresses", "reported", "declared",
    "asked", "asks", "answered", "answers", "emphasized", "emphasised", "remarked", "observed",
    "added", "adds", "explained", "pointed out", "responded", "commented", "inquired", "enquired",
    "rejoined", "interjected", "told", "mentioned", "indicated", "urged", "insisted", "recalled",
    "warned", "assured", "expressed", "objected", "announced", "affirmed", "confirmed",
    "conceded", "maintained", "argued", "requested", "repeated", "went on", "continued",
    "provided information", "gave information",
)
_VERB_RE = re.compile(r"\b(?:" + "|".join(sorted(_SPEECH_VERBS, key=len, reverse=True)) + r")\b")
#: Words between a speaker and the verb: "Cde. Mao Zedong then proposed", "especially stressed".
_ADVERBS = frozenset({"then", "also", "again", "further", "next", "first", "finally", "still", "once", "more"})

_INITIAL = re.compile(r"^(?:[A-Z]\.)+$")
# A speaker label at the start of a block: up to ~4 words, an optional (aside), then a colon.
_LABEL_RE = re.compile(
    r"^(?:\*\*)?(?P<label>\[?[^\W\d_][^:()\n]{0,60}?)\s*(?:\((?P<aside>[^()\n]{1,80})\))?\s*(?:\*\*)?:(?:\*\*)?(?=\s|$)"
)
_FOOTNOTE_START = re.compile(r"^\[\\?\[?\d+\\?\]?\]")
_TRAILING_MARK = re.compile(r"(?:\[\\\[\d+\\\]\]\(#[^)]*\)|\[[^\[\]]*\]|\([^()]*\)|[\"”’'*])$")
#: Words whose period ends no sentence: "Cde. Kim", "Op. 13".
_ABBREVIATIONS = frozenset({
    "cde", "mr", "mrs", "ms", "dr", "st", "gen", "adm", "col", "lt", "no", "nos", "vol", "p", "pp",
    "tov", "capt", "maj", "prof", "e.g", "i.e", "etc", "cf", "op", "f",
})


@dataclass(frozen=True)
class SpeakerLabel:
    """A speaker label as printed at the start of a block (`Chairman Mao (hereafter,
    Chairman):`): `printed` with editorial `[sic]` dropped and completions filled in, the alias
    it declares if any, and where the speech after it starts (an offset into the block)."""

    printed: str
    declared: str | None
    end: int


def speaker_label(block_text: str) -> SpeakerLabel | None:
    """The speaker label that opens `block_text`, or None when it opens with ordinary prose
    ("I said: we asked you ...", "Lenin was still alive at the time. ... He said: ...")."""
    match = _LABEL_RE.match(block_text)
    if not match:
        return None
    printed = unbracket(match.group("label"))
    words = printed.split()
    if not 1 <= len(words) <= 4 or any(ch.isdigit() for ch in printed):
        return None
    if not words[0][0].isupper() or words[-1].lower() == "side":
        return None
    if any(not (w[0].isupper() or w.lower() in PARTICLES) for w in words):
        return None
    if printed.lower().rstrip(".") in FIELD_LABELS or words[0].lower() in ("dear", "my"):
        return None  # a header field, or a letter's salutation ("Dear Mr. Secretary:")
    aside = match.group("aside")
    return SpeakerLabel(printed, declared_alias(aside) if aside else None, match.end())


def reported_speaker(paragraph: str) -> str | None:
    """The speaker a paragraph of reported speech names in its opening sentence, as printed
    ("Cde. Kim II Sung" in "In response to this Cde. Kim II Sung said ..."), or None when the
    opening sentence reports no one's words or gives only a pronoun."""
    sentence = _first_sentence(paragraph)
    tokens = [(m.group(0), m.start()) for m in re.finditer(r"\S+", sentence)]
    for verb in _VERB_RE.finditer(sentence):
        index = next((i for i, (_, start) in enumerate(tokens) if start == verb.start()), None)
        if index is None:
            continue
        subject = _subject_before(tokens, index) or _subject_after(tokens, index, verb.group(0))
        if subject is None:
            continue
        words, first = subject
        prefix = sentence[:first].split()
        if prefix and prefix[0].lower() in _SUBORDINATORS and "," not in " ".join(prefix):
            continue  # "When Mr. Murphy said this, ..." is not the main clause
        return " ".join(words)
    return None


def _first_sentence(paragraph: str) -> str:
    for match in re.finditer(r"[.!?][\"”’)]*(?:\[\d+\])?\s+(?=[\"“(]?[A-Z])", paragraph):
        word = re.search(r"(\S+)$", paragraph[: match.start() + 1])
        printed = word.group(1) if word else ""
        bare = printed.rstrip(".").lower()
        if paragraph[match.start()] == "." and (bare in _ABBREVIATIONS or len(bare) == 1 or _INITIAL.match(printed)):
            continue  # "Cde.", "N. S.", "U.S." end no sentence
        return paragraph[: match.start() + 1]
    return paragraph


def _subject_before(tokens: list[tuple[str, int]], index: int) -> tuple[list[str], int] | None:
    j = index - 1
    while j >= 0 and (tokens[j][0].lower() in _ADVERBS or re.fullmatch(r"[a-z]+ly", tokens[j][0])):
        j -= 1
    collected: list[tuple[str, int]] = []
    while j >= 0:
        word = tokens[j][0]
        # "Secretary of State Dulles": "of" belongs to the office before it
        office_of = word == "of" and j > 0 and tokens[j - 1][0].lower() in OFFICES
        if not (NAME_WORD.match(word) or word == "the" or office_of):
            break
        collected.insert(0, tokens[j])
        j -= 1
    return _valid_subject(collected)


def _subject_after(tokens: list[tuple[str, int]], index: int, verb: str) -> tuple[list[str], int] | None:
    """", said Kim II Sung, was ...": a speaker named after the verb, between commas."""
    if index == 0 or not tokens[index - 1][0].endswith((",", ",”", ",\"")):
        return None
    j = index + len(verb.split())
    collected: list[tuple[str, int]] = []
    while j < len(tokens) and len(collected) < 6:
        word = tokens[j][0]
        bare = word.rstrip(",.;:")
        if not NAME_WORD.match(bare):
            return None
        collected.append((bare, tokens[j][1]))
        if word != bare:
            break
        j += 1
    else:
        return None
    return _valid_subject(collected)


def _valid_subject(collected: list[tuple[str, int]]) -> tuple[list[str], int] | None:
    # A courtesy form inside the run starts the name: "... with Cde. N. S. Khrushchev Cde. Kim".
    for i in range(len(collected) - 1, 0, -1):
        if collected[i][0].lower().rstrip(".") in COURTESY:
            collected = collected[i:]
            break
    while collected and collected[0][0].lower().rstrip(".") in _OPENERS | _SUBORDINATORS:
        collected = collected[1:]
    if not collected or len(collected) > 6:
        return None
    words = [w for w, _ in collected]
    lowered = [w.lower().rstrip(".") for w in words]
    if any(w in _PRONOUNS for w in lowered) or (words[-1].endswith(".") and not _INITIAL.match(words[-1])):
        return None
    if any(len(w) > 2 and w.isupper() for w in words) or any(w.endswith(("'s", "’s")) for w in words):
        return None  # an acronym ("The DPRK") is an institution; "Rhee's" is no subject
    titled = strip_forms(words, offices=True)[1]
    if {w.lower() for w in titled} & _INSTITUTION_WORDS:
        return None  # "State says", "Embassy Seoul requested": an institution speaks
    if lowered[0] == "the" and not all(w in OFFICES | QUALIFIERS for w in lowered[1:]):
        return None
    if lowered[-1] in COURTESY or lowered == ["the"]:
        return None
    return words, collected[0][1]


def _kind_by_text(text: str) -> str | None:
    """What a `paragraph` block is when the structure stage has not said: a stage direction,
    a footnote, an editorial note, a heading, a list; None for prose."""
    stripped = text.strip()
    if stripped.startswith("(") and stripped.rstrip(".").endswith(")"):
        return "stage"
    if _FOOTNOTE_START.match(stripped):
        return "footnote"
    if stripped.startswith("[") and stripped.rstrip(".").endswith("]"):
        return "stage"
    if stripped.startswith("#"):
        return "heading"
    if re.match(r"^[-*•]\s", stripped):
        return "distribution"
    return None


def _sentence_end(text: str) -> str:
    """`text` without what may follow a sentence's last word: footnote markers, an editorial
    insertion, a closing quote, a parenthesised stage direction."""
    end = text.rstrip()
    while True:
        trimmed = _TRAILING_MARK.sub("", end).rstrip()
        if trimmed == end:
            return end
        end = trimmed


def _ends_open(text: str) -> bool:
    """Whether a block stops mid-sentence or on a colon: the speech goes on in the next one
    (a page break cut it, or it announces what follows)."""
    end = _sentence_end(text)
    return bool(end) and (end[-1] not in ".!?…" or end.endswith(":"))


def _ends_sentence(text: str) -> bool:
    end = _sentence_end(text)
    return bool(end) and end[-1] in ".!?…"


_CANDIDATES = ("paragraph", "turn", "reported")


def assign_speakers(document: Document, roster: Roster) -> None:
    """Mark turns and reported speech on `document.blocks` and set each block's speaker."""
    text = document.text
    current: str | None = None  # who holds the floor, for paragraphs that carry on a turn
    after: str | None = None  # "turn" or "reported": what set `current`
    previous_open = False
    for block in document.blocks:
        if block.kind not in _CANDIDATES:
            current = after = None
            previous_open = False
            continue
        block_text = text[block.start:block.end]
        block.kind, block.speaker = "paragraph", None
        if _kind_by_text(block_text) is not None or is_participants_header(block_text):
            current = after = None
            previous_open = False
            continue
        label = speaker_label(block_text)
        if label is not None:
            block.kind, block.speaker = "turn", _label_speaker(roster, label, text)
            current, after = block.speaker, "turn"
        elif current is not None and previous_open:
            block.speaker = current  # the rest of a turn cut by a page break
        elif (printed := reported_speaker(block_text)) is not None:
            block.kind, block.speaker = "reported", roster.speaker(printed, text).name
            current, after = block.speaker, "reported"
        elif current is not None and after == "turn" and _ends_sentence(block_text):
            block.speaker = current  # a further paragraph of the same turn
        else:
            current = after = None
        previous_open = block.speaker is not None and _ends_open(block_text)


def _label_speaker(roster: Roster, label: SpeakerLabel, text: str) -> str:
    participant = roster.speaker(label.printed, text)
    if label.declared:
        # "Chairman Mao (hereafter, Chairman):" names this turn and every later "Chairman:".
        roster.declare(label.declared, participant, label.printed)
    return participant.name


@stage("speakers", requires=("blocks", "title"), assigns=("participants", "blocks.speaker"))
def speakers(document: Document) -> Document:
    """Read the participants and mark speaker turns and reported speech."""
    roster = read_participants(document)
    document.participants = roster.participants
    assign_speakers(document, roster)
    return document
