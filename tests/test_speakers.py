"""Participants and speaker turns on the founding documents, FRUS memoranda of conversation
and small made-up records: who was present, on which side, under which names, and who holds
every turn."""

from __future__ import annotations

import pytest

from archivist import pipeline
from archivist.document import Block
from archivist.participants import best_spelling, participant_entries
from archivist.sources import read_bytes, read_path
from archivist.speakers import reported_speaker, speaker_label
from archivist.speakers import speakers as mark_speakers

SEED_000 = "corpus/seeds/000_f5cd30417f890412.txt"
SEED_003 = "corpus/seeds/003_e4b9aa738285bd60.txt"
FRUS = "corpus/frus-korea-1955-57/frus1955-57v23p2-"

MAO, MIKOYAN, PONOMAREV = "Mao Zedong", "Anastas Mikoyan", "Boris Ponomarev"
ZHOU, PENG, MUKHITDINOV, YUDIN = "Zhou Enlai", "Peng Dehuai", "Nuritdin Mukhitdinov", "Pavel Yudin"
KIM = "Kim Il Sung"


def read(shared, relative):
    return pipeline.run(read_path(shared / relative))


def block_text(document, block):
    return document.text[block.start:block.end]


def first_words(text, n=4):
    return " ".join(text.split()[:n])


def people(document):
    return [(p.name, p.side, p.aliases) for p in document.participants]


def block_at(document, phrase):
    """The block that holds `phrase`: one block, or two where a page break cut a paragraph."""
    offset = document.text.index(phrase)
    return next(b for b in document.blocks if b.start <= offset < b.end)


# ---------------------------------------------------------------------------------------------
# Seed 003: a meeting transcript


def test_seed_003_participants_with_sides_completions_transcription_and_host(shared):
    d = read(shared, SEED_003)
    assert people(d) == [
        ("Anastas Mikoyan", "Soviet", ["Mikoyan", "[Anastas] Mikoyan"]),
        ("Nuritdin Mukhitdinov", "Soviet", ["Mukhitdinov", "[Nuritdin] Mukhitdinov"]),
        ("Boris Ponomarev", "Soviet", []),
        ("Ivan Kapitonov", "Soviet", ["Kapitonov", "[Ivan] Kapitonov"]),
        ("Pavel Yudin", "Soviet", ["Yudin", "[Pavel] Yudin"]),
        ("Sachkov", "Soviet", ["Saqiukefu"]),
        # the host, from the title; his side is the one the Soviet delegation is not on
        ("Mao Zedong", "Chinese", ["Chairman Mao Zedong", "Chairman Mao", "Chairman"]),
        ("Liu Shaoqi", "Chinese", []),
        ("Zhou Enlai", "Chinese", ["Zhou"]),
        ("Peng Dehuai", "Chinese", ["Peng"]),
        ("Deng Xiaoping", "Chinese", []),
        ("Wang Jiaxiang", "Chinese", []),
        ("Shi Zhe", "Chinese", []),
    ]


#: Every turn of seed 003 in order, read off the document: (speaker, the first words spoken).
SEED_003_TURNS = [
    (MAO, 'As you see, what'),
    (MIKOYAN, 'All right! Let us'),
    (MAO, 'Have you studied this'),
    (MIKOYAN, 'We have not studied'),
    (PONOMAREV, 'At the time Kim'),
    (MAO, 'Indeed, I do remember'),
    (MIKOYAN, 'Although Kim Il Sung'),
    (MAO, 'By now already four'),
    (MIKOYAN, 'We did not know'),
    (MAO, 'Indeed, this is dangerous!'),
    (MIKOYAN, 'We feel uneasy about'),
    (MAO, 'Kim Il Sung is'),
    (MIKOYAN, 'I heard that he'),
    (MAO, 'How can this even'),
    (MIKOYAN, 'They said that there'),
    (MAO, 'I heard that they'),
    (MIKOYAN, 'I heard that during'),
    (MAO, 'Indeed! This is not'),
    (PENG, 'Comrade Pak Il-u joined'),
    (MIKOYAN, 'What shall we do'),
    (MAO, 'During the war, there'),
    (MIKOYAN, 'As far as we'),
    (PENG, 'The head of the'),
    (MIKOYAN, 'This is not an'),
    (MAO, 'I am afraid what'),
    (MIKOYAN, 'The Korean party has'),
    (MAO, 'If they were sent'),
    (MIKOYAN, 'Indeed, Pak Heon-yeong is'),
    (ZHOU, 'Unlikely. The last time'),
    (MIKOYAN, 'After our KGB advisor'),
    (MAO, 'It seems now they'),
    (MIKOYAN, 'What do you mean'),
    (MAO, 'The Korean party CC.'),
    (MIKOYAN, 'Your view is correct.'),
    (MAO, 'The 20th Soviet Party'),
    (MIKOYAN, 'Indeed, Kim Il Sung'),
    (MAO, 'The Central Committee plenum'),
    (MIKOYAN, 'According to the CC'),
    (MAO, 'Indeed, I have read'),
    (MIKOYAN, 'The Soviet comrades believe'),
    (MAO, 'As I see it,'),
    (MIKOYAN, 'Actually the shortcomings were'),
    (MAO, 'I approve of the'),
    (MIKOYAN, 'We will go [to'),
    (MAO, 'In this regard, comrade'),
    (MIKOYAN, 'It is not good'),
    (MIKOYAN, 'I suggest that tonight'),
    (MAO, 'What if Kim Il'),
    (MIKOYAN, 'If he is sick,'),
    (MAO, 'Currently Kim Il Sung'),
    (MIKOYAN, 'He is dissatisfied that'),
    (MAO, 'Kim Il Sung knew'),
    (MIKOYAN, 'Yes, therefore, he decided'),
    (MAO, 'When you go [to'),
    (MIKOYAN, 'Last time, it was'),
    (MAO, 'I say, we need'),
    (MIKOYAN, 'Indeed, no one among'),
    (MAO, 'We need to tell'),
    (MIKOYAN, 'My opinion is that'),
    (MAO, 'Indeed, we should persuade'),
    (MIKOYAN, 'Indeed, this is a'),
    (MAO, 'We must also prepare'),
    (MIKOYAN, 'Do you reckon he'),
    (MAO, 'It is difficult to'),
    (MIKOYAN, "It probably won't come"),
    (MAO, 'Rakosi was a good'),
    (MIKOYAN, 'Comrade Rakosi was also'),
    (MAO, "Good. Let's drink a"),
    (MIKOYAN, 'Hungary used to have'),
    (MAO, 'All of these methods'),
    (MIKOYAN, 'I saw Nagy in'),
    (MAO, 'What do you think'),
    (MIKOYAN, 'Kim Il Sung is'),
    (MAO, '(Pointing to the First'),
    (MIKOYAN, 'He is only 38'),
    (MAO, 'You could live to'),
    (MUKHITDINOV, 'In a Communist society,'),
    (MIKOYAN, 'He was just elected'),
    (MAO, 'This is a just'),
    (MIKOYAN, 'This is by an'),
    (YUDIN, "The UN doesn't know."),
    (MIKOYAN, 'They obtained 500,000 ha'),
    (MUKHITDINOV, 'When we begin cultivating'),
    (MIKOYAN, "The Soviet Union's grain"),
    (MAO, 'How far are you'),
    (MUKHITDINOV, 'We do not have'),
    (MAO, 'Oh! We are neighbors.'),
    (MUKHITDINOV, 'Development of these wastelands'),
    (MIKOYAN, 'He is very ambitious.'),
    (MAO, "Good! Let's talk about"),
    (MIKOYAN, 'They want to demonstrate'),
    (MAO, 'Maybe Kim Il Sung'),
    (MIKOYAN, 'Nam Il participated in'),
    (MAO, 'In the last few'),
    (MIKOYAN, 'Comrade Kim Tu-bong is'),
    (MAO, 'He is a scholar.'),
    (MIKOYAN, 'His orientation is also'),
    (MAO, 'When you go this'),
    (MIKOYAN, 'To convince them to'),
    (MAO, 'One should not do'),
    (MIKOYAN, 'The Democratic Party are'),
    (MAO, 'So I told them,'),
    (MIKOYAN, 'After a class is'),
    (MAO, 'We say that the'),
    (MIKOYAN, 'So you are called'),
    (MAO, 'We tell people from'),
    (MIKOYAN, 'What you are doing'),
    (MAO, 'All of their criticism'),
    (MIKOYAN, 'Long Live or not,'),
    (MAO, 'We are not afraid'),
    (MIKOYAN, 'I heard at the'),
    (MAO, 'What attitude should we'),
    (MIKOYAN, 'Were they elected at'),
    (MAO, 'Yes. They were elected'),
    (MIKOYAN, 'Yes. It does no'),
    (MAO, "This hasn't the slightest"),
    (MIKOYAN, 'What you have said'),
    (MAO, 'One needs some rightists'),
    (MIKOYAN, 'The party can make'),
    (MAO, 'Yes. This experience of'),
    (MIKOYAN, 'The Soviet opposition factions'),
    (MAO, 'This is because [he]'),
    (MIKOYAN, 'Before the 19th Congress,'),
    (MAO, 'Did your Politburo comrades'),
    (MIKOYAN, 'None of the Politburo'),
    (MAO, 'Extracting confession for punishment'),
    (MIKOYAN, 'This is a method'),
    (MAO, 'We also have this'),
    (MIKOYAN, 'After the 19th CPSU'),
    (MAO, 'When there is only'),
    (MIKOYAN, 'We now insist on'),
    (MAO, 'To understand something requires'),
    (MIKOYAN, 'Some people do not'),
    (MAO, "If someone couldn't understand"),
    (MIKOYAN, 'As long as there'),
    (MAO, 'However, one cannot spread'),
    (MAO, 'We also did not'),
    (MIKOYAN, 'Today his problem is'),
    (MAO, 'He is still useful.'),
    (MIKOYAN, 'A strong party allows.'),
    (MAO, 'The democratic parties are'),
    (MIKOYAN, 'The advantage is being'),
    (ZHOU, 'It is not called'),
    (MIKOYAN, 'Now socialist parties have'),
    (MAO, 'This is very difficult'),
    (MIKOYAN, 'One can say, in'),
    (MAO, 'This question can be'),
    (MIKOYAN, 'In Europe only the'),
    (MAO, 'One can see whether'),
    (MIKOYAN, 'When European socialist parties'),
    (MAO, 'Were they happy?'),
    (MIKOYAN, 'They did not announce'),
    (MAO, "Among Asia's socialist parties,"),
    (MIKOYAN, 'I have been in'),
    (MAO, "Let's still talk about"),
    (MIKOYAN, 'I think there is'),
    (MAO, 'It would be best'),
    (MIKOYAN, 'First, we will invite'),
    (MAO, 'How many days to'),
    (MIKOYAN, "Two days won't do?"),
    (MAO, 'As I see it,'),
    (PENG, 'I think it will'),
    (MIKOYAN, 'Recently comrade Khrushchev also'),
    (MAO, 'You have to talk'),
    (PENG, 'The South Korean faction'),
    (MIKOYAN, 'One has to convince'),
    (MAO, 'Let us not talk'),
    (MIKOYAN, 'We will temporarily leave'),
    (MAO, 'This time we are'),
    (MIKOYAN, 'I also do not'),
    (MAO, "They don't listen to"),
    (MIKOYAN, 'I really do not'),
    (MAO, 'He is afraid that'),
    (MIKOYAN, 'This time we will'),
    (MAO, 'To be honest, if'),
    (MIKOYAN, 'It seems forcing those'),
    (MAO, 'It is okay if'),
    (MIKOYAN, '[They can] live abroad'),
    (MAO, 'This way, they will'),
    (MIKOYAN, 'We are socialist countries,'),
    (MAO, 'There is currently a'),
    (MIKOYAN, 'Actually, there already has'),
    (MAO, 'They will say, now'),
    (MIKOYAN, 'I can tell him'),
    (MAO, "If Kim Il Sung's"),
    (MIKOYAN, 'This is mainly an'),
    (MAO, 'We need to persuade'),
    (MIKOYAN, 'That is very correct.'),
    (MAO, 'If we do not'),
    (MIKOYAN, 'Comrade Mao Zedong! We'),
    (MAO, '[I] suggest that the'),
    (MIKOYAN, 'We will converse with'),
    (MAO, 'We intend to invite'),
    (MIKOYAN, 'We intend to be'),
    (MAO, 'We will invite Choe'),
    (MIKOYAN, 'I will be waiting'),
    (MAO, 'Okay! Let us adjourn!'),
]


def test_seed_003_every_turn_in_order(shared):
    d = read(shared, SEED_003)
    turns = [
        (b.speaker, first_words(block_text(d, b).split(":", 1)[1]))
        for b in d.blocks
        if b.kind == "turn"
    ]
    assert len(SEED_003_TURNS) == 197
    assert turns == SEED_003_TURNS


def test_seed_003_only_labelled_paragraphs_are_turns(shared):
    d = read(shared, SEED_003)
    for block in d.blocks:
        text = block_text(d, block)
        assert block.kind != "reported", text[:60]
        if block.kind == "turn":
            assert speaker_label(text) is not None, text[:60]
    kinds = {first_words(block_text(d, b), 3): b.kind for b in d.blocks}
    for opening in ("Time: September 18,", "Participants: Soviet side:", "Chinese side: Liu",
                    "(At the beginning", "(The conversation returns", "[1] There is", "[2] Mukhitdinov died"):
        assert kinds[opening] != "turn", opening


def test_seed_003_paragraphs_that_carry_on_a_turn_keep_its_speaker(shared):
    d = read(shared, SEED_003)
    # a further paragraph of Mikoyan's turn: its "He said: one should ..." starts no turn
    lenin = block_at(d, "Lenin was still alive at the time.")
    assert (lenin.kind, lenin.speaker) == ("paragraph", MIKOYAN)
    # the rest of a turn cut by a page break, joined to it or a block of its own
    for phrase, speaker in (
        ("hear the views of the opposition.", MAO),
        ("information which says he is resting", MIKOYAN),
        ("CC Plenum they raised views", MAO),
        ("tell him:] your method is incorrect", MIKOYAN),
    ):
        block = block_at(d, phrase)
        assert block.speaker == speaker, phrase
        assert block.kind in ("turn", "paragraph"), phrase
    stage = block_at(d, "(The conversation returns to the original topic)")
    assert stage.speaker is None


def test_seed_003_turns_are_the_same_when_page_breaks_split_blocks(shared):
    # Until page-break splits are joined, each run of lines is a block of its own: the turns
    # must not change, and the stray halves carry the speaker of the turn they continue.
    d = read(shared, SEED_003)
    split: list[Block] = []
    for block in d.blocks:
        text = block_text(d, block)
        start = block.start
        for part in text.split("\n\n"):
            offset = d.text.index(part, start)
            if part.strip():
                split.append(Block("paragraph", offset, offset + len(part)))
            start = offset + len(part)
    d.blocks = split
    mark_speakers(d)
    turns = [(b.speaker, first_words(block_text(d, b).split(":", 1)[1])) for b in d.blocks if b.kind == "turn"]
    assert turns == SEED_003_TURNS
    assert block_at(d, "hear the views of the opposition.").speaker == MAO
    assert block_at(d, "[1] There is lack of clarity").speaker is None


# ---------------------------------------------------------------------------------------------
# Seed 000: a record of conversation in reported speech


def test_seed_000_participants_from_the_title(shared):
    d = read(shared, SEED_000)
    # the journal's author and his interlocutor, whose OCR-damaged name the record also prints whole
    assert people(d) == [("A. M. Puzanov", None, []), (KIM, None, ["Kim II Sung"])]


SEED_000_REPORTED = [
    (KIM, "The conversation with Cde. Mao Zedong, said Kim II Sung"),
    (MAO, "Cde. Mao Zedong said that Cde."),
    (KIM, "In response to this Cde. Kim"),
    (KIM, "Further in the conversation with"),
    (KIM, "Kim Il Sung informed Cde."),
    (MAO, "Cde. Mao Zedong said that,"),
    (KIM, "In reply to this comment"),
    (MAO, "Cde. Mao Zedong then proposed"),
    (MAO, "Cde. Mao Zedong suggested that"),
    (KIM, "Cde. Kim Il Sung replied"),
    (KIM, "Speaking of the upcoming conversation"),
    (KIM, "Cde. Kim Il Sung also"),
    (KIM, "Next in the conversation Cde."),
    (KIM, "At the end of the"),
]


def test_seed_000_reported_speech_and_its_speakers(shared):
    d = read(shared, SEED_000)
    reported = [(b.speaker, block_text(d, b)) for b in d.blocks if b.kind == "reported"]
    assert len(reported) == len(SEED_000_REPORTED)
    for (speaker, text), (expected, opening) in zip(reported, SEED_000_REPORTED):
        assert (speaker, text.startswith(opening)) == (expected, True), text[:60]
    assert not [b for b in d.blocks if b.kind == "turn"]


def test_seed_000_paragraphs_without_an_explicit_speaker(shared):
    d = read(shared, SEED_000)
    for phrase in (
        "On 12 September [sic; November] 1957 a conversation was held",  # "he told" is no subject
        "The second issue is the creation of reserves",
        "The DPRK delegation also had a conversation",  # "Cde. Chivu Stoica agreed to visit"
        "RECORD OF A CONVERSATION with Cde. KIM IL SUNG",
    ):
        block = block_at(d, phrase)
        assert (block.kind not in ("turn", "reported"), block.speaker) == (True, None), phrase
    # speech that goes on past the paragraph: after a page break, after a colon
    for phrase in ("people also supported us in this matter", "First, we want to ask the CPSU CC",
                   "like to immediately return to the DPRK"):
        assert block_at(d, phrase).speaker == KIM, phrase


# ---------------------------------------------------------------------------------------------
# FRUS memoranda of conversation


def test_frus_participants_list_drops_affiliations(shared):
    d = read(shared, FRUS + "d35.txt")
    assert people(d) == [
        ("Henry de Torrente", None, ["Mr. Henry de Torrente", "Minister"]),
        ("Felix Schnyder", None, ["Mr. Felix Schnyder", "Counselor"]),
        ("Robert Murphy", None, ["Mr. Robert Murphy"]),
        ("Ward P. Allen", None, ["Mr. Ward P. Allen"]),
        ("William G. Jones", None, ["Mr. William G. Jones", "Officer in Charge"]),
    ]
    minister = block_at(d, "Minister de Torrente then suggested")
    assert (minister.kind, minister.speaker) == ("reported", "Henry de Torrente")


def test_frus_list_of_one_name_a_block_and_a_subordinate_clause(shared):
    d = read(shared, FRUS + "d34.txt")
    assert [p.name for p in d.participants] == ["Douglas", "W.P. Allen", "W.G. Jones"]
    # "Although Count Douglas said ..., we expressed ...": the main clause's speaker is "we"
    assert block_at(d, "Although Count Douglas said").kind == "paragraph"
    stated = block_at(d, "Count Douglas stated that a copy")
    assert (stated.kind, stated.speaker) == ("reported", "Douglas")


def test_frus_title_names_the_conversation_partners(shared):
    d = read(shared, FRUS + "d2.txt")
    assert people(d) == [("The Secretary of State", None, []), ("Yang", None, ["Korean Ambassador"])]
    speakers = [(b.speaker, first_words(block_text(d, b), 2)) for b in d.blocks if b.kind == "reported"]
    assert speakers == [
        ("The Secretary of State", "The Secretary"),
        ("Yang", "Ambassador Yang"),
        ("Jones", "On the"),
        ("Yang", "Ambassador Yang"),
    ]


def test_frus_letters_have_no_turns(shared):
    d = read(shared, FRUS + "d5.txt")  # "Dear Mr. Secretary:" is a salutation
    assert not [b for b in d.blocks if b.kind == "turn" or b.speaker]


def test_frus_speakers_without_a_list_keep_their_own_names(shared):
    d = read(shared, FRUS + "d30.txt")
    speakers = {b.speaker for b in d.blocks if b.kind == "reported"}
    # "Secretary Dulles" and "Mr. Allen Dulles" share a surname, not a person
    assert {"Secretary Dulles", "Allen Dulles", "Admiral Radford", "Cutler", "The President"} == speakers


# ---------------------------------------------------------------------------------------------
# Made-up memoranda: every list layout, labels and reported speech side by side


def memcon(*body: str, title: str = "Memorandum of a Conversation, Department of State, Washington") -> bytes:
    citation = (
        f'"{title}", January 7, 1955, Foreign Relations of the United States, 1955–1957, Korea, Volume '
        "XXIII, Part 2, Document 99. Source: Department of State, Central Files. Confidential. "
        "https://history.state.gov/historicaldocuments/frus1955-57v23p2/d99"
    )
    parts = ["January 7, 1955", title, "Citation:", citation, "Original Language:", "English",
             "Contents:", "Transcript - English", "Washington, January 7, 1955", *body]
    return "\n\n".join(parts).encode("utf-8")


def run(data: bytes):
    return pipeline.run(read_bytes("memcon.txt", data))


def speech(document):
    return [(b.kind, b.speaker, first_words(block_text(document, b), 3)) for b in document.blocks if b.speaker]


def test_memcon_semicolon_list_labels_and_reported_speech():
    d = run(memcon(
        "SUBJECT",
        "Korean Rehabilitation",
        "Participants: The Secretary; Ambassador Yang, Korean Ambassador; "
        "Mr. Robertson, Assistant Secretary of State for Far Eastern Affairs",
        "The Secretary said that relations between the two countries had improved.",
        "Ambassador Yang replied that his Government was worried about the delays.",
        "Mr. Robertson: We are doing what we can. I said: we will keep our promises.",
        "I said: this is no new turn, only more of Mr. Robertson's.",
        "The Ambassador: I shall tell President Rhee so.",
        "The Secretary: Please do.",
        "There followed a discussion of the NNSC, which is not recorded here",
    ))
    assert people(d) == [
        ("The Secretary", None, []),
        ("Yang", None, ["Ambassador Yang", "Korean Ambassador"]),
        ("Robertson", None, ["Mr. Robertson", "Assistant Secretary of State for Far Eastern Affairs"]),
    ]
    assert speech(d) == [
        ("reported", "The Secretary", "The Secretary said"),
        ("reported", "Yang", "Ambassador Yang replied"),
        ("turn", "Robertson", "Mr. Robertson: We"),
        ("paragraph", "Robertson", "I said: this"),
        # "The Ambassador" is the one participant who holds that office ("Korean Ambassador")
        ("turn", "Yang", "The Ambassador: I"),
        ("turn", "The Secretary", "The Secretary: Please"),
    ]


def test_memcon_heading_list_one_person_a_line():
    d = run(memcon(
        "PARTICIPANTS",
        "Secretary Dulles\nAmbassador Yang, Korean Ambassador\nMr. Robertson, FE\nMr. Jones, NA",
        "The Secretary said that the President would receive the Ambassador.",
        "Mr. Robertson: The Assistant Secretary's view is the same.",
    ))
    assert people(d) == [
        ("Dulles", None, ["Secretary Dulles"]),
        ("Yang", None, ["Ambassador Yang", "Korean Ambassador"]),
        ("Robertson", None, ["Mr. Robertson"]),
        ("Jones", None, ["Mr. Jones"]),
    ]
    # "The Secretary" is Dulles: the list names him by that office and no one else holds it
    assert speech(d) == [
        ("reported", "Dulles", "The Secretary said"),
        ("turn", "Robertson", "Mr. Robertson: The"),
    ]


def test_memcon_comma_list_tells_roles_from_names():
    d = run(memcon(
        "Participants: Secretary Dulles, Ambassador Yang, Korean Ambassador, Mr. Robertson, "
        "Assistant Secretary of State, Mr. Jones, NA",
        "Mr. Robertson: Welcome.",
    ))
    assert [(p.name, p.aliases) for p in d.participants] == [
        ("Dulles", ["Secretary Dulles"]),
        ("Yang", ["Ambassador Yang", "Korean Ambassador"]),
        ("Robertson", ["Mr. Robertson", "Assistant Secretary of State"]),
        ("Jones", ["Mr. Jones"]),
    ]


def test_memcon_sides_and_alias_declarations():
    d = run(memcon(
        "Participants: American side: Mr. Robertson (hereinafter Robertson), Mr. Jones; "
        "Korean side: President Syngman Rhee, Foreign Minister Pyun Yung-tai",
        "President Syngman Rhee (hereafter referred to as \"the President\"): We shall not wait.",
        "Robertson: Nor shall we.",
        "The President: Good.",
        "Pyun: I agree with the President.",
        "Ambassador Briggs: I shall report this to Washington.",
    ))
    assert people(d) == [
        ("Robertson", "American", ["Mr. Robertson"]),
        ("Jones", "American", ["Mr. Jones"]),
        ("Syngman Rhee", "Korean", ["President Syngman Rhee", "the President"]),
        ("Pyun Yung-tai", "Korean", ["Foreign Minister Pyun Yung-tai"]),
    ]
    assert [(b.kind, b.speaker) for b in d.blocks if b.speaker] == [
        ("turn", "Syngman Rhee"),
        ("turn", "Robertson"),
        ("turn", "Syngman Rhee"),
        ("turn", "Pyun Yung-tai"),
        ("turn", "Ambassador Briggs"),  # no participant: kept as printed
    ]


def test_transcript_host_from_the_title_gets_the_other_side():
    d = run(memcon(
        "Participants: Soviet side: N. S. Khrushchev, A. A. Gromyko",
        "Chinese side: Liu Shaoqi, Zhou Enlai",
        "Mao Zedong: Welcome, comrades.",
        "Khrushchev: Thank you.",
        title="Record of Conversation between Mao Zedong and the Soviet Government Delegation",
    ))
    assert people(d) == [
        ("N. S. Khrushchev", "Soviet", []),
        ("A. A. Gromyko", "Soviet", []),
        ("Mao Zedong", "Chinese", []),
        ("Liu Shaoqi", "Chinese", []),
        ("Zhou Enlai", "Chinese", []),
    ]
    assert [b.speaker for b in d.blocks if b.kind == "turn"] == ["Mao Zedong", "N. S. Khrushchev"]


# ---------------------------------------------------------------------------------------------
# The parts on their own


@pytest.mark.parametrize("text", [
    "I said: we asked you to talk with us because we want to understand some circumstances.",
    "Lenin was still alive at the time. The Bolshevik representatives did not. He said: one should.",
    "Time: September 18, 1956, 18:00 - 21:10",
    "Chinese side: Liu Shaoqi, Zhou Enlai",
    "Dear Mr. Secretary: I refer to your letter.",
    "tell him:] your method is incorrect",
    "The Party secretary of our Embassy: a long clause: and more",
    "Note: NSC 5514, as adopted, approved by the President.",
])
def test_prose_with_a_colon_is_no_speaker_label(text):
    assert speaker_label(text) is None


@pytest.mark.parametrize(("text", "printed", "declared"), [
    ("Mikoyan: All right!", "Mikoyan", None),
    ("Chairman [sic]: We also did not force him.", "Chairman", None),
    ("Chairman (to Mukhitdinov): You could live to the 21st century.", "Chairman", None),
    ("Chairman Mao (hereafter, Chairman): As you see", "Chairman Mao", "Chairman"),
    ("Zhou Enlai (hereinafter Zhou): Unlikely.", "Zhou Enlai", "Zhou"),
    ('Syngman Rhee (hereafter referred to as "Rhee"): No.', "Syngman Rhee", "Rhee"),
    ("[Anastas] Mikoyan: Yes.", "Anastas Mikoyan", None),
    ("**Mr. Robertson:** Welcome.", "Mr. Robertson", None),
])
def test_speaker_labels(text, printed, declared):
    label = speaker_label(text)
    assert (label.printed, label.declared) == (printed, declared)


@pytest.mark.parametrize(("paragraph", "speaker"), [
    ("Cde. Mao Zedong said that the visit went well.", "Cde. Mao Zedong"),
    ("The conversation with Cde. Mao Zedong, said Kim II Sung, was very warm.", "Kim II Sung"),
    ("In reply to this comment by Cde. Mao Zedong Cde. Kim II Sung said that all was well.", "Cde. Kim II Sung"),
    ("Secretary of State Dulles then said that he agreed.", "Secretary of State Dulles"),
    ("When Mr. Murphy said this, Admiral Radford replied that he disagreed.", "Admiral Radford"),
    ("He said that he was fine.", None),  # a pronoun is no explicit speaker
    ("When Mr. Murphy said this, we agreed.", None),
    ("State says it is politically undesirable.", None),  # an institution, not a speaker
    ("President Rhee's letter said nothing new.", None),
    ("The DPRK delegation also had a conversation and Cde. Chivu Stoica agreed to visit.", None),
    ("There was some discussion. General Ridgway noted wryly that he recalled it.", None),
])
def test_reported_speaker(paragraph, speaker):
    assert reported_speaker(paragraph) == speaker


def test_best_spelling_prefers_a_clean_spelling_the_record_prints():
    text = "Kim II Sung said. KIM IL SUNG. Kim Il Sung replied. Kim II Sung again."
    assert best_spelling("Kim II Sung", text) == "Kim Il Sung"
    assert best_spelling("Kim II Sung", "Kim II Sung only") == "Kim II Sung"
    assert best_spelling("Douglas MacArthur II", "Douglas MacArthur II") == "Douglas MacArthur II"
    assert best_spelling("Peng Dehuai", text) == "Peng Dehuai"


def test_participant_entries_split_names_from_roles():
    assert participant_entries("Ambassador Yang, Korean Ambassador, Mr. Robertson, FE") == [
        (None, "Ambassador Yang", ["Korean Ambassador"]),
        (None, "Mr. Robertson", ["FE"]),
    ]


def test_the_stage_is_registered_after_blocks():
    names = [s.name for s in pipeline.stages()]
    speakers = next(s for s in pipeline.stages() if s.name == "speakers")
    assert names.index("speakers") > names.index("blocks")
    assert speakers.assigns == ("participants", "blocks.speaker")
