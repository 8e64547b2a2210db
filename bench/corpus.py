"""A synthetic corpus for the search benchmark, made from the real material in ../shared.

    python bench/corpus.py var/bench/synthetic.db --docs 100000

Every record is recombined from real parts: paragraphs of the FRUS Korea records and the two
founding documents, titles of real records, persons of the authority file (with their ids, as
the people stage links them), the period's dates, languages, repositories and markings. A third
of the records are conversations whose paragraphs are speaker turns; some carry an OCR-damaged
"Kim II Sung" with its repair annotated, as the structure stage would; lengths follow a
log-normal distribution around the real records' (median about 3 KB, long tail).

Records are generated one at a time from a seeded random generator (the same `--seed` gives the
same corpus) and written straight into a store with `Store.add`, so memory stays flat whatever
the size. `RARE_WORD` is put into one record in 50,000 for the benchmark's rare-word query.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from archivist.document import Annotation, Block, DateValue, Document, Mention, Participant, Provenance, Source  # noqa: E402

__all__ = ["Material", "RARE_WORD", "SHARED", "documents", "load_material", "main"]

SHARED = ROOT.parent / "shared"
RARE_WORD = "Ulaanbaatar"
#: One record in this many carries RARE_WORD.
RARE_EVERY = 50_000

LANGUAGES = [("English", 45), ("Russian", 22), ("Chinese", 15), ("Korean", 6), ("German", 4), ("Hungarian", 3),
             ("Polish", 2), ("Czech", 2), ("Vietnamese", 1)]
REPOSITORIES = [
    ("Department of State", "Foreign Relations of the United States", 30),
    ("National Archives", "Foreign Relations of the United States", 8),
    ("Eisenhower Library", "Foreign Relations of the United States", 6),
    ("AVPRF", "Wilson Center Digital Archive", 18),
    ("RGANI", "Wilson Center Digital Archive", 10),
    ("CCP Central Archives", "Wilson Center Digital Archive", 12),
    ("Chinese Foreign Ministry Archive", "Wilson Center Digital Archive", 8),
    ("Hungarian National Archives", "Wilson Center Digital Archive", 4),
    ("Stasi Records Agency", "Wilson Center Digital Archive", 4),
]
TYPES = [("memorandum", 30), ("telegram", 25), ("record of conversation", 20), ("letter", 10), ("report", 8),
         ("minutes", 5), ("cable", 2)]
CLASSIFICATIONS = [(None, 40), ("Secret", 25), ("Top Secret", 15), ("Confidential", 15), ("Official Use Only", 5)]
TRANSLATORS = ["Gary Goldberg", "Sergey Radchenko", "Jeffrey Wang", "David Wolff", "Vladislav Zubok",
               "Christopher Kim", "Kathryn Weathersby", "Balázs Szalontai", "Zhang Qian", "Mark Kramer"]
#: Persons who speak in the conversations, with their authority ids.
SPEAKERS = [
    ("Mao Zedong", "108483"), ("Anastas Mikoyan", "109136"), ("Kim Il Sung", "107176"),
    ("Zhou Enlai", "115035"), ("Peng Dehuai", "110530"), ("Syngman Rhee", "111321"),
]


@dataclass
class Material:
    sentences: list[str]
    titles: list[str]
    persons: list[tuple[str, str]]  # (name as printed, authority id)
    speakers: list[tuple[str, str]]


def load_material(shared: Path = SHARED) -> Material:
    """Paragraphs, titles and persons from the shared corpus and authority."""
    sentences: list[str] = []
    titles: list[str] = []
    files = sorted((shared / "corpus" / "seeds").glob("*.txt")) + sorted((shared / "corpus" / "frus-korea-1955-57").glob("frus*.txt"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        gold = path.with_suffix(".gold.json")
        if gold.exists():
            titles.append(json.loads(gold.read_text(encoding="utf-8"))["title"])
        for block in re.split(r"\n\s*\n", text):
            block = " ".join(block.split())
            # Running text only: no headings, citation lines or one-line labels.
            if len(block) >= 80 and not block.startswith(("#", '"', "[", "*")) and "http" not in block:
                # Sentences, recombined into new paragraphs: far more variety than the few
                # hundred paragraphs themselves.
                sentences.extend(s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", block) if len(s) > 20)
    titles += [
        "Conversation records between Chairman Mao Zedong and the Soviet Communist Party Delegation",
        "From the Journal of A. M. Puzanov, Record of a Conversation with Kim Il Sung",
        "Memorandum of Conversation between Anastas Mikoyan and Zhou Enlai",
        "Telegram from the Soviet Embassy in Pyongyang to the Ministry of Foreign Affairs",
    ]
    wanted = {"frus1955-57v23p2", "frus1952-54v15p1", "frus1958-60v18", "frus1955-57v03"}
    persons: list[tuple[str, str]] = []
    with (shared / "authority" / "people.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if wanted & set(record.get("volumes") or []):
                persons.append((_as_read(record["preferred"]), record["id"]))
    persons += [(name, id) for name, id in SPEAKERS]
    return Material(sentences, titles, persons, list(SPEAKERS))


def _as_read(name: str) -> str:
    """"Rhee, Syngman" -> "Syngman Rhee"."""
    name = re.sub(r"\s*\(.*?\)", "", name)
    if "," in name:
        surname, _, given = name.partition(",")
        return f"{given.strip()} {surname.strip()}".strip()
    return name


def _weighted(rng: random.Random, items: list[tuple]) -> tuple:
    total = sum(item[-1] for item in items)
    pick = rng.uniform(0, total)
    for item in items:
        pick -= item[-1]
        if pick <= 0:
            return item
    return items[-1]


def _date(rng: random.Random) -> DateValue:
    # Days from 1945 to 1991; a sixth known to the month only, a twentieth to a span of years.
    day = rng.randrange(0, 46 * 365)
    year = 1945 + day // 365
    month = 1 + (day % 365) // 31 % 12
    dom = 1 + day % 28
    kind = rng.random()
    if kind < 0.05:
        end = min(year + rng.randrange(1, 3), 1991)
        return DateValue(f"{year}/{end}", f"{year}-01-01", f"{end}-12-31")
    if kind < 0.2:
        last = 28 if month == 2 else (30 if month in (4, 6, 9, 11) else 31)
        return DateValue(f"{year}-{month:02d}", f"{year}-{month:02d}-01", f"{year}-{month:02d}-{last}")
    iso = f"{year}-{month:02d}-{dom:02d}"
    return DateValue(iso, iso, iso)


def documents(count: int, material: Material, seed: int = 1956) -> Iterator[Document]:
    """`count` records, one at a time."""
    rng = random.Random(seed)
    names = re.compile("|".join(re.escape(n) for n, _ in sorted(material.persons, key=lambda p: -len(p[0])) if len(n) > 4))
    ids = dict(material.persons)
    for number in range(count):
        yield _document(number, rng, material, names, ids)


def _document(number: int, rng: random.Random, material: Material, names: re.Pattern, ids: dict[str, str]) -> Document:
    id = f"synthetic-{number:07d}"
    title = rng.choice(material.titles)
    date = _date(rng)
    language = _weighted(rng, LANGUAGES)[0]
    repository, archive, _ = _weighted(rng, REPOSITORIES)
    conversation = rng.random() < 0.33
    # Log-normal length: median about 2.7 KB, mean about 3.6 KB.
    target = min(max(int(math.exp(rng.gauss(math.log(2700), 0.6))), 300), 40_000)
    header = f"{title}\n\n"
    text = header
    blocks: list[Block] = []
    participants: list[Participant] = []
    speakers: list[tuple[str, str]] = []
    if conversation:
        speakers = rng.sample(material.speakers, 2)
        participants = [Participant(name, None, [name.split()[-1]], pid) for name, pid in speakers]
    while len(text) - len(header) < target:
        paragraph = " ".join(rng.choice(material.sentences) for _ in range(rng.randint(1, 6)))
        start = len(text)
        if conversation:
            name, _ = speakers[len(blocks) % 2]
            text += f"{name.split()[-1]}: {paragraph}"
            blocks.append(Block("turn", start, len(text), name))
        else:
            text += paragraph
            blocks.append(Block("paragraph", start, len(text)))
        text += "\n\n"
    if number % RARE_EVERY == 7:
        start = len(text)
        text += f"The delegation travelled on to {RARE_WORD}.\n\n"
        blocks.append(Block("paragraph", start, len(text) - 2))
    annotations: list[Annotation] = []
    if rng.random() < 0.02:
        # OCR read the "l" of "Kim Il Sung" as "I"; the structure stage annotates the repair.
        text = text.replace("Kim Il Sung", "Kim II Sung")
        at = text.find("Kim II Sung")
        while at >= 0:
            annotations.append(Annotation("ocr", at + 4, at + 6, "II", "Il"))
            at = text.find("Kim II Sung", at + 1)
    mentions = [
        Mention(m.start(), m.end(), m.group(), "person", ids[m.group()], m.group())
        for m in names.finditer(text, len(header))
    ]
    classification = _weighted(rng, CLASSIFICATIONS)[0]
    data = text.encode("utf-8")
    return Document(
        id=id,
        text=text,
        source=Source.of(f"{id}.txt", data, "wilson-text"),
        title=title,
        date=date,
        provenance=Provenance(archive=archive, repository=repository),
        original_language=language,
        translators=rng.sample(TRANSLATORS, rng.choice((0, 1, 1, 2))) if language != "English" else [],
        document_type=_weighted(rng, TYPES)[0],
        classification=classification,
        body_start=len(header),
        blocks=blocks,
        annotations=annotations,
        mentions=mentions,
        participants=participants,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic corpus into an archivist store.")
    parser.add_argument("db", help="the store to write (a SQLite file)")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1956)
    args = parser.parse_args(argv)
    from archivist.store import open_store

    material = load_material()
    started = time.perf_counter()
    with open_store(args.db) as store:
        for document in documents(args.docs, material, args.seed):
            store.add(document)
    print(f"{args.docs:,} records in {time.perf_counter() - started:.1f} s into {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
