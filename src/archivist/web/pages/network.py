"""Who appears with whom: persons named in the same records, drawn as a graph.

Two persons are joined when one record names both: mentioned in the same text, or present at
the same conversation (a speaker's turns count as mentions of the speaker). A line's weight is
the number of records they share. The graph holds the most often named persons (50 by
default) of a set of records: the results of a search, or the records naming one person.

The layout is Fruchterman and Reingold's force-directed one, computed here with a fixed start
(the same records give the same picture), and drawn as SVG on the server; each label sits on
the outer side of its node so names do not run over the middle.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from archivist.store.base import Store
from archivist.web.pages.text import person_href

__all__ = ["Edge", "Network", "Node", "build_network", "label_of", "layout"]

WIDTH = 1000
HEIGHT = 680
_MARGIN_X, _MARGIN_Y = 170, 24
#: Width of a label's character and a label's height, in the SVG's units (12.5 px sans).
_CHAR, _LINE = 7.0, 16.0
_LABEL_LIMIT = 20
MAX_NODES = 50
MAX_EDGES = 220
_ITERATIONS = 160


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    label: str
    records: int
    href: str
    x: float
    y: float
    r: float
    anchor: str  # text-anchor of the label: start (to the right) or end (to the left)
    centre: bool = False


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    weight: int
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass(frozen=True)
class Network:
    nodes: list[Node]
    edges: list[Edge]
    records: int
    persons: int  # persons named in the records, before keeping the most named
    width: int = WIDTH
    height: int = HEIGHT

    def strongest(self, count: int = 25) -> list[tuple[str, str, int]]:
        names = {n.id: n.name for n in self.nodes}
        ranked = sorted(self.edges, key=lambda e: (-e.weight, names[e.a], names[e.b]))
        return [(names[e.a], names[e.b], e.weight) for e in ranked[:count]]


def layout(count: int, edges: dict[tuple[int, int], float], iterations: int = _ITERATIONS) -> list[tuple[float, float]]:
    """Positions in the unit square for `count` nodes joined by weighted `edges`.

    Nodes start on a sunflower spiral in rank order (the most connected in the middle), so the
    result is the same every time. Weak gravity keeps unconnected nodes from drifting away.
    """
    if count == 0:
        return []
    golden = math.pi * (3 - math.sqrt(5))
    xs = [0.5 + 0.45 * math.sqrt((i + 0.5) / count) * math.cos(i * golden) for i in range(count)]
    ys = [0.5 + 0.45 * math.sqrt((i + 0.5) / count) * math.sin(i * golden) for i in range(count)]
    k = math.sqrt(1.0 / count)
    temperature = 0.1
    pairs = [(a, b, math.log1p(w)) for (a, b), w in edges.items()]
    for step in range(iterations):
        dx = [0.0] * count
        dy = [0.0] * count
        for i in range(count):
            xi, yi = xs[i], ys[i]
            for j in range(i + 1, count):
                ox, oy = xi - xs[j], yi - ys[j]
                distance2 = ox * ox + oy * oy or 1e-9
                push = k * k / distance2
                dx[i] += ox * push
                dy[i] += oy * push
                dx[j] -= ox * push
                dy[j] -= oy * push
        for a, b, strength in pairs:
            ox, oy = xs[a] - xs[b], ys[a] - ys[b]
            distance = math.sqrt(ox * ox + oy * oy) or 1e-9
            pull = distance * strength / k
            dx[a] -= ox * pull
            dy[a] -= oy * pull
            dx[b] += ox * pull
            dy[b] += oy * pull
        for i in range(count):
            dx[i] += (0.5 - xs[i]) * 0.6
            dy[i] += (0.5 - ys[i]) * 0.6
            length = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) or 1e-9
            moved = min(length, temperature)
            xs[i] += dx[i] / length * moved
            ys[i] += dy[i] / length * moved
        temperature = 0.1 * (1 - (step + 1) / iterations) + 0.002
    return list(zip(xs, ys))


_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def label_of(name: str) -> str:
    """A short label for a long name: given name and surname without the patronymic
    ("Nikita Sergeyevich Khrushchev" -> "Nikita Khrushchev"), a suffix kept ("Herbert Hoover
    Jr."), life dates dropped; the full name is in the tooltip."""
    words = [w for w in name.split() if not any(c.isdigit() for c in w)] or name.split()
    if len(" ".join(words)) <= _LABEL_LIMIT or len(words) < 3:
        return " ".join(words)
    suffix = [words.pop()] if words[-1].lower() in _SUFFIXES and len(words) > 2 else []
    return " ".join([words[0], words[-1], *suffix])


def _spread(
    points: list[tuple[float, float]], labels: list[str], anchors: list[str], radii: list[float], passes: int = 80
) -> list[tuple[float, float]]:
    """Push apart nodes whose labels would overlap, mostly up and down, a little at a time."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]

    def box(i: int) -> tuple[float, float, float, float]:
        # The circle and its label, as one box.
        width = len(labels[i]) * _CHAR + radii[i] + 4
        left = xs[i] - radii[i] if anchors[i] == "start" else xs[i] - width
        return left, ys[i] - _LINE / 2, left + width + radii[i], ys[i] + _LINE / 2

    for _ in range(passes):
        moved = False
        for i in range(len(xs)):
            a = box(i)
            for j in range(i + 1, len(xs)):
                b = box(j)
                overlap_x = min(a[2], b[2]) - max(a[0], b[0])
                overlap_y = min(a[3], b[3]) - max(a[1], b[1])
                if overlap_x <= 0 or overlap_y <= 0:
                    continue
                moved = True
                shift = overlap_y / 2 + 0.5
                if ys[i] <= ys[j]:
                    ys[i] -= shift
                    ys[j] += shift
                else:
                    ys[i] += shift
                    ys[j] -= shift
                a = box(i)
        if not moved:
            break
    return [(x, min(max(y, _MARGIN_Y / 2), HEIGHT - _MARGIN_Y / 2)) for x, y in zip(xs, ys)]


def _even_out(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The same picture with its distances from the middle evened out: a dense core and a few
    far-flung nodes would otherwise leave the core too small to read. Each node keeps its
    direction and its rank by distance; the ranks are spread evenly over a disc."""
    count = len(points)
    if count < 3:
        return points
    middle_x = sum(p[0] for p in points) / count
    middle_y = sum(p[1] for p in points) / count
    ranked = sorted(range(count), key=lambda i: math.hypot(points[i][0] - middle_x, points[i][1] - middle_y))
    evened = list(points)
    for rank, i in enumerate(ranked):
        x, y = points[i][0] - middle_x, points[i][1] - middle_y
        distance = math.hypot(x, y) or 1e-9
        radius = 0.5 * math.sqrt((rank + 0.5) / count)
        evened[i] = (0.5 + x / distance * radius, 0.5 + y / distance * radius)
    return evened


def _fit(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if not points:
        return []
    low_x, high_x = min(p[0] for p in points), max(p[0] for p in points)
    low_y, high_y = min(p[1] for p in points), max(p[1] for p in points)
    span_x, span_y = (high_x - low_x) or 1.0, (high_y - low_y) or 1.0
    return [
        (
            _MARGIN_X + (x - low_x) / span_x * (WIDTH - 2 * _MARGIN_X) if len(points) > 1 else WIDTH / 2,
            _MARGIN_Y + (y - low_y) / span_y * (HEIGHT - 2 * _MARGIN_Y) if len(points) > 1 else HEIGHT / 2,
        )
        for x, y in points
    ]


def build_network(store: Store, record_ids: list[str], *, centre: str | None = None, limit: int = MAX_NODES) -> Network:
    """The graph of the persons named in `record_ids`; `centre` (a person's id) is always in it."""
    names: dict[str, str] = {}
    named_in: dict[str, set[str]] = {}
    for row in store.mentions_in(record_ids):
        if row.kind != "person" or not row.authority_id:
            continue
        names.setdefault(row.authority_id, row.canonical or row.text)
        named_in.setdefault(row.document_id, set()).add(row.authority_id)
    records: Counter[str] = Counter()
    for persons in named_in.values():
        records.update(persons)
    ranked = sorted(records, key=lambda p: (p != centre, -records[p], names[p]))[:limit]
    place = {person: i for i, person in enumerate(ranked)}
    weights: Counter[tuple[int, int]] = Counter()
    for persons in named_in.values():
        kept = sorted(place[p] for p in persons if p in place)
        weights.update(combinations(kept, 2))
    strongest = dict(weights.most_common(MAX_EDGES))
    # Everyone keeps their strongest line: a person seen only with a few others is not drawn
    # alone just because busier pairs took the places.
    joined = {i for pair in strongest for i in pair}
    for pair, weight in weights.most_common():
        if len(joined) == len(ranked):
            break
        if pair[0] not in joined or pair[1] not in joined:
            strongest[pair] = weight
            joined.update(pair)
    points = _fit(_even_out(layout(len(ranked), strongest)))
    labels = [label_of(names[person]) for person in ranked]
    anchors = ["end" if x < WIDTH / 2 else "start" for x, _ in points]
    peak = max(records.values(), default=1)
    radii = [round(4 + 10 * math.sqrt(records[person] / peak), 1) for person in ranked]
    points = _spread(points, labels, anchors, radii)
    nodes = [
        Node(
            id=person,
            name=names[person],
            label=label,
            records=records[person],
            href=person_href(person),
            x=round(x, 1),
            y=round(y, 1),
            r=radius,
            anchor=anchor,
            centre=person == centre,
        )
        for person, label, anchor, radius, (x, y) in zip(ranked, labels, anchors, radii, points)
    ]
    heaviest = max(strongest.values(), default=1)
    edges = [
        Edge(
            ranked[a], ranked[b], weight,
            nodes[a].x, nodes[a].y, nodes[b].x, nodes[b].y,
            round(0.8 + 4 * weight / heaviest, 2),
        )
        for (a, b), weight in sorted(strongest.items(), key=lambda item: item[1])
    ]
    return Network(nodes, edges, len(named_in), len(records))
