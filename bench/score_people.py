"""Score person mentions against the FRUS gold, as the corpus README defines it.

Usage: python bench/score_people.py [CORPUS_DIR] [--keep-volume-links] [--show N]

- linked F1 (the headline): a gold span is found when a predicted person mention overlaps it
  and carries the right authority id (the authority record whose `frus_ids` holds
  `<volume>#<corresp>`, or the gold's `resolved_id`). A prediction is wrong when it overlaps a
  gold span with a wrong or missing id, or links to a person on the volume's list where the gold
  has no span. Spans flagged `suspect_source_tag` are left out on both sides; a prediction over
  a span the gold lists as an untagged person is neither right nor wrong.
- mention F1 (overlap only) and resolution accuracy (matched mentions linked right).
- the persons found that the gold does not tag, with a sample.

By default the volume's own links are removed from the authority before linking (its persons
keep the other volumes that list them), as for records of a volume the authority does not know;
`--keep-volume-links` scores with them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from archivist import pipeline
from archivist.authority import Authority, Person, default_authority
from archivist.entities import link_collection
from archivist.sources import read_path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "frus-korea-1955-57"


def authority_without(volume: str) -> Authority:
    """The default authority with one volume's links taken out."""
    base = default_authority()
    stripped = Authority()
    for person in base:
        if person.local:
            continue  # local records made by earlier work in this process are not the file's
        stripped.add(
            Person(
                id=person.id,
                preferred=person.preferred,
                variants=list(person.variants),
                birth_year=person.birth_year,
                death_year=person.death_year,
                volumes=[v for v in person.volumes if v != volume],
                frus_ids=[f for f in person.frus_ids if not f.startswith(volume + "#")],
                titles=set(person.titles),
            )
        )
    for person in stripped:
        from archivist.authority import _years_of

        person.first_year, person.last_year = _years_of(person.volumes)
    return stripped


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score(corpus: Path, keep_volume_links: bool = False) -> dict:
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.gold.json"))]
    volume = golds[0]["volume"]
    persons_list = json.loads((corpus / "persons.json").read_text(encoding="utf-8"))
    full = default_authority()
    gold_id = {f"{volume}#{p_id}": full.by_frus_id.get(f"{volume}#{p_id}") for p_id in persons_list}
    listed = {i for i in gold_id.values() if i}
    authority = full if keep_volume_links else authority_without(volume)

    documents = {}
    for gold in golds:
        documents[gold["id"]] = pipeline.run(read_path(corpus / (gold["id"] + ".txt")))
    link_collection(documents.values(), authority)

    tp = fn = right_predictions = wrong_predictions = 0
    matched = matched_right = 0
    mention_found = 0
    gold_total = 0
    extra: Counter[str] = Counter()
    misses: list[str] = []
    wrongs: list[str] = []
    for gold in golds:
        document = documents[gold["id"]]
        predictions = [m for m in document.mentions if m.kind == "person"]
        spans = []
        suspect = []
        for span in gold["persons"]:
            target = span.get("resolved_id") or span["corresp"].lstrip("#")
            if span.get("suspect_source_tag"):
                suspect.append(span)
                continue
            spans.append((span, gold_id.get(f"{volume}#{target}")))
        untagged = gold.get("untagged_person_spans", [])
        gold_total += len(spans)
        for span, want in spans:
            hits = [m for m in predictions if overlaps(m.start, m.end, span["start"], span["end"])]
            if hits:
                mention_found += 1
                matched += 1
                if any(m.authority_id == want for m in hits):
                    matched_right += 1
            if any(m.authority_id == want for m in hits):
                tp += 1
            else:
                fn += 1
                got = ", ".join(f"{m.text}->{m.canonical}" for m in hits) or "nothing"
                misses.append(f"{gold['id']}: {span['text']!r} ({span['canonical']}) got {got}")
        for m in predictions:
            over = [(s, want) for s, want in spans if overlaps(m.start, m.end, s["start"], s["end"])]
            if any(overlaps(m.start, m.end, s["start"], s["end"]) for s in suspect):
                continue
            if over:
                if any(want == m.authority_id for _, want in over):
                    right_predictions += 1
                else:
                    wrong_predictions += 1
                    wrongs.append(f"{gold['id']}: {m.text!r} -> {m.canonical} (gold {over[0][0]['canonical']})")
                continue
            if any(overlaps(m.start, m.end, s["start"], s["end"]) for s in untagged):
                continue
            if m.authority_id in listed:
                wrong_predictions += 1
                wrongs.append(f"{gold['id']}: {m.text!r} -> {m.canonical} (no gold span)")
            else:
                extra[f"{m.text} -> {m.canonical or 'unlinked'}"] += 1
    precision = right_predictions / (right_predictions + wrong_predictions) if right_predictions + wrong_predictions else 0.0
    recall = tp / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    mention_recall = mention_found / gold_total if gold_total else 0.0
    scoreable = right_predictions + wrong_predictions
    overlapping = sum(1 for _ in range(0))  # placeholder kept simple below
    mention_precision = (right_predictions + sum(1 for w in wrongs if "(no gold span)" not in w)) / scoreable if scoreable else 0.0
    mention_f1 = 2 * mention_precision * mention_recall / (mention_precision + mention_recall) if mention_precision + mention_recall else 0.0
    del overlapping
    return {
        "volume": volume,
        "records": len(golds),
        "gold_spans": gold_total,
        "linked_precision": precision,
        "linked_recall": recall,
        "linked_f1": f1,
        "mention_precision": mention_precision,
        "mention_recall": mention_recall,
        "mention_f1": mention_f1,
        "resolution_accuracy": matched_right / matched if matched else 0.0,
        "untagged_found": sum(extra.values()),
        "untagged_sample": extra.most_common(15),
        "misses": misses,
        "wrongs": wrongs,
        "volume_links": keep_volume_links,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--keep-volume-links", action="store_true")
    parser.add_argument("--show", type=int, default=0, help="print this many misses and wrong links")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"score_people: no corpus folder at {args.corpus}", file=sys.stderr)
        return 1
    r = score(args.corpus, args.keep_volume_links)
    links = "with" if r["volume_links"] else "without"
    print(f"Person mentions, {r['records']} records of {r['volume']}, {r['gold_spans']} gold spans, {links} the volume's links")
    print(f"linked      P {r['linked_precision']:.3f}  R {r['linked_recall']:.3f}  F1 {r['linked_f1']:.3f}")
    print(f"mention     P {r['mention_precision']:.3f}  R {r['mention_recall']:.3f}  F1 {r['mention_f1']:.3f}")
    print(f"resolution accuracy {r['resolution_accuracy']:.3f}")
    print(f"person mentions found that the gold does not tag: {r['untagged_found']}")
    for text, count in r["untagged_sample"]:
        print(f"    {count:>3}  {text}")
    if args.show:
        print("misses:")
        for line in r["misses"][: args.show]:
            print("   ", line)
        print("wrong links:")
        for line in r["wrongs"][: args.show]:
            print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
