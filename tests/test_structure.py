"""The structure of a record on real exports: the footnotes of every FRUS Korea record against
its gold, the blocks of both founding documents (headings, stamps, meta lines, stage directions,
page-break joins, signature, distribution list), their editorial brackets and OCR repairs, and
blocks that cover every body in order."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist import pipeline
from archivist.brackets import read_bracket, read_brackets
from archivist.document import Document, Source
from archivist.footnotes import find_notes, read_footnotes
from archivist.repairs import repair_names, repair_tex
from archivist.sources import read_path
from archivist.structure import BLOCK_KINDS, continues, read_blocks

SEED_000 = "corpus/seeds/000_f5cd30417f890412.txt"
SEED_003 = "corpus/seeds/003_e4b9aa738285bd60.txt"
FRUS = "corpus/frus-korea-1955-57"
STRUCTURE_STAGES = ("footnotes", "brackets", "repairs", "blocks")
FRUS_NUMBERS = range(2, 48)


def structured(path) -> Document:
    """A record read and run through the structure stages only, so that these tests judge
    structure whatever the later stages do."""
    chosen = [s for s in pipeline.stages() if s.name in STRUCTURE_STAGES]
    assert [s.name for s in chosen] and {s.name for s in chosen} == set(STRUCTURE_STAGES)
    return pipeline.run(read_path(path), chosen)


@pytest.fixture(scope="module")
def seed_000(shared) -> Document:
    return structured(shared / SEED_000)


@pytest.fixture(scope="module")
def seed_003(shared) -> Document:
    return structured(shared / SEED_003)


@pytest.fixture(scope="module")
def frus(shared) -> dict[int, tuple[Document, dict]]:
    records = {}
    for number in FRUS_NUMBERS:
        stem = shared / FRUS / f"frus1955-57v23p2-d{number}"
        gold = json.loads(stem.with_suffix(".gold.json").read_text(encoding="utf-8"))
        records[number] = (structured(stem.with_suffix(".txt")), gold)
    return records


def texts(document: Document, kind: str) -> list[str]:
    return [document.text[b.start : b.end] for b in document.blocks if b.kind == kind]


def annotations(document: Document, kind: str) -> list[tuple[str, str | None]]:
    return [(a.original, a.value) for a in document.annotations if a.kind == kind]


# --- footnotes ------------------------------------------------------------------------------


def test_frus_corpus_is_all_there(frus):
    assert len(frus) == 46


@pytest.mark.parametrize("number", FRUS_NUMBERS)
def test_frus_footnotes_equal_gold(frus, number):
    document, gold = frus[number]
    assert [f.number for f in document.footnotes] == gold["footnote_numbers"]
    assert [f.text for f in document.footnotes] == gold["footnotes"]


@pytest.mark.parametrize("number", FRUS_NUMBERS)
def test_frus_footnote_spans_and_markers(frus, number):
    document, _ = frus[number]
    for footnote in document.footnotes:
        assert document.text[footnote.start : footnote.end] == footnote.text
        assert document.text[: footnote.start].endswith(f"[{footnote.number}] ")
        # Every note of this volume has its marker printed, in the body or in the summary.
        assert footnote.ref_start is not None
        assert document.text[footnote.ref_start : footnote.ref_end] == f"[{footnote.number}]"
        assert footnote.ref_end <= footnote.start


def test_marker_in_the_summary_counts(frus):
    document, gold = frus[4]
    assert gold["summary"] == "Proposed Revision of NSC 170/1[2]"
    note = document.footnotes[0]
    assert note.number == "2"
    assert note.ref_start < document.body_start
    summary_at = document.text.index("Proposed Revision of NSC 170/1[2]")
    assert note.ref_start == summary_at + len("Proposed Revision of NSC 170/1")


def test_a_number_printed_twice_in_the_notes_keeps_both(frus):
    document, _ = frus[28]
    assert [f.number for f in document.footnotes] == ["2", "3", "4", "5", "5", "6"]
    fives = [f for f in document.footnotes if f.number == "5"]
    # The body prints a marker [5] for each of them, in order.
    assert None not in (fives[0].ref_start, fives[1].ref_start)
    assert fives[0].ref_start < fives[1].ref_start


def test_a_bracketed_number_without_a_note_is_no_marker(frus):
    document, _ = frus[40]  # "dated March 24 [23], 1955[2]": no note 23
    assert "23" not in [f.number for f in document.footnotes]
    assert ("[23]", "23") in annotations(document, "insertion")
    assert ("[2]", "2") in annotations(document, "footnote_ref")


def test_seed_003_footnotes_and_their_markers(seed_003):
    d = seed_003
    assert [(f.number, f.text) for f in d.footnotes] == [
        ("1", 'There is lack of clarity in this sentence, which also contains a reference to the "Party Press," '
         "but this seems to a typo or a fragment of a different sentence."),
        ("2", "Mukhitdinov died in 2008."),
    ]
    first, second = d.footnotes
    assert d.text[first.ref_start : first.ref_end] == "^[1]"
    assert d.text[: first.ref_start].endswith("one full, one candidate.")
    assert d.text[second.ref_start : second.ref_end] == "[\\[2\\]](#)"
    assert d.text[: second.ref_start].endswith("You could live to the 21st century.")
    for footnote in d.footnotes:
        assert d.text[footnote.start : footnote.end] == footnote.text
        assert footnote.number in d.text[footnote.ref_start : footnote.ref_end]


def test_seed_000_has_no_footnotes(seed_000):
    assert seed_000.footnotes == []


@pytest.mark.parametrize(
    "notes, markers",
    [
        ("Notes:\n\n[2] First note.\n[3] Second note.", "text[2] and more[3]."),
        ("## Notes:\n\n[^2]: First note.\n[^3]: Second note.", "text[^2] and more[^3]."),
        ("[2] First note.\n\n[3] Second note.", "text<sup>2</sup> and more<sup>3</sup>."),
        ("[2] First note.\n[3] Second note.", "text^[2] and more[\\[3\\]](#fn3)."),
    ],
)
def test_note_and_marker_styles(notes, markers):
    text = f"Title\n\nBody with {markers}\n\nA second paragraph [1956] with a year.\n\n{notes}\n"
    document = Document(id="t", text=text, source=Source.of("t.txt", text.encode(), "wilson-text"), body_start=7)
    found, refs = read_footnotes(document)
    assert [(f.number, f.text) for f in found] == [("2", "First note."), ("3", "Second note.")]
    assert all(f.ref_start is not None and f.ref_start < text.index("A second") for f in found)
    assert [a.value for a in refs] == ["2", "3"]


def test_a_closing_list_that_goes_on_with_prose_is_not_notes():
    text = "Body.\n\n[2] Not a note after all.\n\nMore running text.\n"
    assert find_notes(text, 0) is None


# --- blocks ---------------------------------------------------------------------------------


def test_seed_000_blocks(seed_000):
    d = seed_000
    kinds = [b.kind for b in d.blocks]
    assert kinds == ["header", "heading"] + ["paragraph"] * 18 + ["signature", "closer", "distribution"]
    assert texts(d, "header") == [
        "from the journal [handwritten entry SECRET Copy  $N^{\\circ}$  2 of A. M. PUZANOV in a faded stamp: "
        "13 November 1957 13855-gs  $N^{\\circ}$  1228/dv 13 November 1957]"
    ]
    assert texts(d, "heading") == ["RECORD OF A CONVERSATION with Cde. KIM IL SUNG"]
    assert texts(d, "signature") == ["# SOVIET AMBASSADOR IN THE DPRK [signature] (A. PUZANOV)"]
    assert texts(d, "closer") == ["#### 6-AP/vp"]
    distribution = texts(d, "distribution")[0]
    assert distribution.startswith("- 1 Cde. Gromyko\n- 2 Cde. Patolichev")
    assert distribution.endswith("- 6 to file\n- Nº 2172-dv\n- 13 November 1957")
    paragraphs = texts(d, "paragraph")
    assert paragraphs[0].startswith("On 12 September [sic; November] 1957 a conversation was held")
    assert paragraphs[-1].startswith("At the end of the conversation Cde. Kim II Sung provided information")


def test_seed_000_page_break_joins(seed_000):
    d = seed_000
    joined = [p for p in texts(d, "paragraph") if "\n\n" in p]
    assert len(joined) == 2
    assert joined[0].startswith("In reply to this comment by Cde. Mao Zedong")
    assert "All the Party and our\n\npeople also supported us in this matter." in joined[0]
    assert joined[0].endswith("people also supported us in this matter.")
    assert "they would\n\nlike to immediately return to the DPRK" in joined[1]
    seams = [a for a in d.annotations if a.kind == "page_break_join"]
    assert [(a.original, a.value) for a in seams] == [("\n\n", " "), ("\n\n", " ")]
    assert d.text[seams[0].start - len("and our") : seams[0].start] == "and our"
    assert d.text[seams[0].end :].startswith("people also supported us")
    paragraph = next(b for b in d.blocks if b.start < seams[0].start < b.end)
    assert paragraph.kind == "paragraph"


def test_seed_003_blocks(seed_003):
    d = seed_003
    assert d.blocks[0].kind == "heading"
    assert texts(d, "heading") == ["Record of Chairman Mao's conversation with a Soviet Communist Party Committee Delegation"]
    assert texts(d, "header") == ["(Not yet proof read)"]
    assert texts(d, "meta") == [
        "Time: September 18, 1956, 18:00 - 21:10",
        "Location: Zhongnanhai, Yi Nian Hall",
        "Participants: Soviet side: [Anastas] Mikoyan, [Nuritdin] Mukhitdinov, Boris Ponomarev, [Ivan] Kapitonov, "
        "[Pavel] Yudin, Sachkov [Saqiukefu]",
        "Chinese side: Liu Shaoqi, Zhou Enlai, Peng Dehuai, Deng Xiaoping, Wang Jiaxiang, Shi Zhe",
    ]
    stages = texts(d, "stage")
    assert len(stages) == 3
    assert stages[0].startswith("(At the beginning of the conversation, Chairman Mao asked Mikoyan")
    assert stages[0].endswith("to the Chinese comrades.)")
    assert stages[1].startswith("(Chairman Mao, Liu Shaoqi, and Zhou Enlai discussed for a while")
    assert stages[2] == "(The conversation returns to the original topic)."
    assert [b.kind for b in d.blocks[-2:]] == ["footnote", "footnote"]
    assert texts(d, "footnote") == [
        '[1] There is lack of clarity in this sentence, which also contains a reference to the "Party Press," '
        "but this seems to a typo or a fragment of a different sentence.",
        "[2] Mukhitdinov died in 2008.",
    ]
    paragraphs = texts(d, "paragraph")
    assert paragraphs[0] == "Chairman Mao (hereafter, Chairman): As you see, what should be done about the Korea problem?"
    assert paragraphs[-1] == "Chairman: Okay! Let us adjourn!"
    # Speaker turns are left as paragraphs for the speakers stage.
    assert sum(p.startswith("Mikoyan:") for p in paragraphs) > 50


def test_seed_003_page_break_joins(seed_003):
    d = seed_003
    seams = [a for a in d.annotations if a.kind == "page_break_join"]
    assert [d.text[a.start - 24 : a.start] for a in seams] == [
        "ng the August 30, [1956]",
        "but our embassy also has",
        " to help him. [We should",
        " Hungarian Party that if",
        "ot at fault, and that only"[-24:],
        "s even more important to",
        " will be hard for him to",
    ]
    assert [d.text[a.end : a.end + 16] for a in seams] == [
        "CC Plenum they r",
        "information whic",
        "tell him:] your ",
        "comrade Rakosi c",
        "the people oppos",
        "hear the views o",
        "refuse.\n\nChairma",
    ]
    for seam in seams:
        assert (seam.original, seam.value) == ("\n\n", " ")
        block = next(b for b in d.blocks if b.start < seam.start and seam.end < b.end)
        assert block.kind == "paragraph"
    # A joined paragraph is one block, so the turn it belongs to is one turn.
    joined = next(p for p in texts(d, "paragraph") if "hard for him to\n\nrefuse." in p)
    assert joined.startswith("Mikoyan: I think there is perhaps a possibility.")
    assert joined.endswith("refuse.")


@pytest.mark.parametrize(
    "previous, following, expected",
    [
        ("All the Party and our", "people also supported us.", True),
        ("During the August 30, [1956]", "CC Plenum they raised views.", True),
        ("He said it would be hard for him to", "refuse.", True),
        ("We told them about the", "Korean question.", True),
        ("That is settled.", "people came later.", False),
        ("Tension between China and [North] Korea", "Mikoyan: Actually, there has been a conflict.", False),
        ("a. Implement the Mutual Defense Treaty", "b. Invoke the Joint Policy Declaration.", False),
        ("as follows (paragraphs 1 and 2 deleted),", "“3. Stabilization of the rate.”", False),
        ("Recommendation", "That you sign the attached letter.", False),
    ],
)
def test_what_continues_a_sentence(previous, following, expected):
    assert continues(previous, following) is expected


def test_frus_blocks(frus):
    d3, _ = frus[3]
    assert texts(d3, "header") == ["Seoul, January 8, 1955—2 p.m."]
    assert texts(d3, "signature") == ["Briggs"]
    assert texts(d3, "heading") == ["Notes:"]
    assert [b.kind for b in d3.blocks].count("footnote") == 6
    d6, _ = frus[6]
    closing = [(b.kind, d6.text[b.start : b.end]) for b in d6.blocks if b.kind in ("signature", "closer")]
    assert closing == [
        ("closer", "For the Joint Chiefs of Staff:"),
        ("signature", "Arthur Radford[5]"),
        ("closer", "Chairman"),
        ("closer", "Joint Chiefs of Staff"),
    ]
    d33, _ = frus[33]
    assert [(b.kind, d33.text[b.start : b.end]) for b in d33.blocks if b.kind in ("signature", "closer")] == [
        ("closer", "Sincerely yours,"),
        ("signature", "Ellis"),
        ("closer", "E.O.B."),
    ]
    d35, _ = frus[35]
    assert texts(d35, "meta") == [
        "PARTICIPANTS",
        "Mr. Henry de Torrente, Minister, Legation of Switzerland",
        "Mr. Felix Schnyder, Counselor, Legation of Switzerland",
        "Mr. Robert Murphy, G",
        "Mr. Ward P. Allen, EUR",
        "Mr. William G. Jones, Officer in Charge, Korean Affairs, NA",
    ]
    d36, _ = frus[36]
    assert texts(d36, "signature") == ["John Foster Dulles[6]"]
    d37, _ = frus[37]
    assert texts(d37, "signature") == ["H"]
    d40, _ = frus[40]
    assert texts(d40, "signature") == ["Carl W. Strom"]
    assert "Chargé d’Affaires, a.i." in texts(d40, "closer")
    assert "Enclosure 1" in texts(d40, "heading")
    assert texts(d40, "header") == ["Seoul, April 30, 1955.", "No. 260"]
    d13, _ = frus[13]
    assert "[Here follows discussion of an unrelated subject.]" in texts(d13, "editorial")


def test_frus_signers_are_signature_blocks(frus):
    for number, (document, gold) in frus.items():
        signatures = [re.sub(r"\[\d+\]$", "", s) for s in texts(document, "signature")]
        if gold["signer"]:
            assert any(gold["signer"] in s for s in signatures), (number, gold["signer"], signatures)
        else:
            assert signatures == [], (number, signatures)


def all_documents(frus, seed_000, seed_003):
    return [seed_000, seed_003] + [document for document, _ in frus.values()]


def test_blocks_are_ordered_and_cover_the_body(frus, seed_000, seed_003):
    for document in all_documents(frus, seed_000, seed_003):
        text, start = document.text, document.body_start
        assert document.blocks, document.id
        previous_end = start
        covered = bytearray(len(text))
        for block in document.blocks:
            assert block.kind in BLOCK_KINDS, (document.id, block)
            assert previous_end <= block.start < block.end <= len(text), (document.id, block)
            assert not text[block.start].isspace() and not text[block.end - 1].isspace(), (document.id, block)
            covered[block.start : block.end] = b"\x01" * (block.end - block.start)
            previous_end = block.end
        outside = [i for i in range(start, len(text)) if not covered[i] and not text[i].isspace()]
        assert outside == [], (document.id, text[outside[0] : outside[0] + 40] if outside else "")


def check_blocks(document: Document) -> None:
    text = document.text
    blocks, seams = read_blocks(document)
    covered = bytearray(len(text))
    previous_end = document.body_start or 0
    for block in blocks:
        assert previous_end <= block.start < block.end
        assert not text[block.start].isspace() and not text[block.end - 1].isspace()
        covered[block.start : block.end] = b"\x01" * (block.end - block.start)
        previous_end = block.end
    assert all(covered[i] or text[i].isspace() for i in range(document.body_start or 0, len(text)))
    for seam in seams:
        assert text[seam.start : seam.end] == seam.original and not seam.original.strip()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab AB.,:;[]()#-*\n1^\\", max_size=40), max_size=12))
def test_blocks_cover_any_body(paragraphs):
    text = "Title\n\n" + "\n\n".join(paragraphs)
    document = Document(id="t", text=text, source=Source.of("t.txt", text.encode(), "wilson-text"), body_start=7)
    check_blocks(document)
    for annotation in read_brackets(document):
        assert text[annotation.start : annotation.end] == annotation.original
    found, refs = read_footnotes(document)
    for footnote in found:
        assert text[footnote.start : footnote.end] == footnote.text


def test_blocks_of_a_record_without_a_body_start_are_empty():
    text = "just text"
    document = Document(id="t", text=text, source=Source.of("t.txt", text.encode(), "wilson-text"))
    assert read_blocks(document) == ([], [])


# --- editorial brackets ---------------------------------------------------------------------


def test_seed_000_brackets(seed_000):
    d = seed_000
    assert annotations(d, "sic") == [("[sic; November]", "November")]
    assert annotations(d, "insertion") == [("[Mao]", "Mao"), ("[me]", "me")]
    assert annotations(d, "transliteration") == [("[s shirokim partiynym aktivom]", "s shirokim partiynym aktivom")]
    editorial = annotations(d, "editorial")
    assert [original[:30] for original, _ in editorial] == ["[handwritten entry SECRET Copy", "[signature]"]
    assert editorial[0][0].endswith("1228/dv 13 November 1957]")
    assert editorial[1] == ("[signature]", "signature")
    assert annotations(d, "name_completion") == []
    for annotation in d.annotations:
        assert d.text[annotation.start : annotation.end] == annotation.original


def test_seed_003_brackets(seed_003):
    d = seed_003
    assert annotations(d, "name_completion")[:4] == [
        ("[Anastas]", "Anastas Mikoyan"),
        ("[Nuritdin]", "Nuritdin Mukhitdinov"),
        ("[Ivan]", "Ivan Kapitonov"),
        ("[Pavel]", "Pavel Yudin"),
    ]
    completions = dict(annotations(d, "name_completion"))
    assert completions["[Lavrentii]"] == "Lavrentii Beria"
    assert completions["[Imre]"] == "Imre Nagy"
    assert completions["[Aleksei]"] == "Aleksei Rykov"  # printed "[Aleksei] Rykov's method"
    assert annotations(d, "transliteration") == [("[Saqiukefu]", "Saqiukefu")]
    insertions = annotations(d, "insertion")
    assert ("[North]", "North") in insertions
    assert insertions.count(("[North]", "North")) >= 10
    assert ("[1956]", "1956") in insertions
    assert ("[the escapees]", "the escapees") in insertions
    assert ("[escapees]", "escapees") in insertions
    assert ("[the question]", "the question") in insertions
    assert ("[good]", "good") in insertions
    assert ("[Chinese Communist]", "Chinese Communist") in insertions  # "[Chinese Communist] Party"
    assert ("[People's]", "People's") in insertions  # "[People's] Volunteer Army"
    assert ("[We should\n\ntell him:]", "We should tell him:") in insertions
    assert annotations(d, "editorial") == [("[contrary?]", "contrary?")]
    assert annotations(d, "sic") == [("[sic, should be 10th]", "10th"), ("[sic]", None)]
    # Footnote markers are not brackets.
    kinds = {a.kind for a in d.annotations if "2" in a.original and "\\" in a.original}
    assert kinds == {"footnote_ref"}
    for annotation in d.annotations:
        assert d.text[annotation.start : annotation.end] == annotation.original


@pytest.mark.parametrize(
    "inner, before, after, expected",
    [
        ("sic", "", "", ("sic", None)),
        ("sic; November", "On 12 September ", " 1957", ("sic", "November")),
        ("1 line of source text not declassified", "", "", ("editorial", "1 line of source text not declassified")),
        ("Here follows a table of contents.", "", "", ("editorial", "Here follows a table of contents.")),
        ("led?", "", "", ("editorial", "led?")),
        ("Robert", "comrade ", " Eikhe. He was", ("name_completion", "Robert Eikhe")),
        ("North", "ambassador in ", " Korea that", ("insertion", "North")),
        ("Saqiukefu", "Pavel Yudin, Sachkov ", "", ("transliteration", "Saqiukefu")),
        ("Kapitonov", "the Ambassador ", " said", ("insertion", "Kapitonov")),
        ("s shirokim partiynym aktivom", "Party activists ", ".", ("transliteration", "s shirokim partiynym aktivom")),
        ("the escapees", "those people ", " to crush", ("insertion", "the escapees")),
        ("товарищ", "", "", ("transliteration", "товарищ")),
        ("23", "dated March 24 ", ", 1955", ("insertion", "23")),
    ],
)
def test_reading_a_bracket(inner, before, after, expected):
    assert read_bracket(inner, before, after) == expected


# --- OCR repairs ----------------------------------------------------------------------------


def test_seed_000_ocr_repairs(seed_000):
    d = seed_000
    repairs = [a for a in d.annotations if a.kind == "ocr"]
    damaged = [m.start() for m in re.finditer(r"Kim II Sung", d.text)]
    assert len(damaged) == 13  # the title and summary in the header, the citation, and the body
    names = [a for a in repairs if a.original == "II"]
    assert [a.start for a in names] == [start + len("Kim ") for start in damaged]
    assert all((a.value, a.end - a.start) == ("Il", 2) for a in names)
    sound = [m.span() for m in re.finditer(r"Kim Il Sung|KIM IL SUNG", d.text)]
    assert len(sound) == 5
    assert not any(start <= a.start < end for a in repairs for start, end in sound)
    tex = [(a.original, a.value) for a in repairs if a.original.startswith("$")]
    assert tex == [("$N^{\\circ}$", "№"), ("$N^{\\circ}$", "№")]
    assert "Nº" in d.text and not any("º" in a.original for a in repairs)


def test_name_repairs_need_a_known_name():
    forms = frozenset({"kim il sung", "nam il"})
    text = "Kim II Sung met Nam II. Douglas MacArthur II and Pope Pius II stayed. Pak II-u left."
    repaired = [(text[a.start - 4 : a.start], a.original, a.value) for a in repair_names(text, forms)]
    assert repaired == [("Kim ", "II", "Il"), ("Nam ", "II", "Il")]
    # The document's own other spelling is evidence too.
    text = "Pak Il-u joined in 1928. Later Pak II-u was arrested."
    assert [(a.original, a.value) for a in repair_names(text, frozenset())] == [("II", "Il")]
    # A correct spelling is never "repaired" towards a damaged one printed elsewhere.
    text = "Kim Il Sung and Kim II Sung."
    assert [a.start for a in repair_names(text, frozenset())] == [text.index("II")]


def test_tex_residue():
    found, warnings = repair_tex("Copy $N^{\\circ}$ 2, 30$^{\\circ}$ north, $\\weird{x}$, paid $5 and $6.")
    assert [(a.original, a.value) for a in found] == [("$N^{\\circ}$", "№"), ("$^{\\circ}$", "°")]
    assert len(warnings) == 1 and "$\\weird{x}$" in warnings[0]
