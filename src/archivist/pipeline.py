"""The enrichment pipeline: named stages, each a plain `Document -> Document` callable.

A stage declares the fields it requires and the fields it assigns; a stage runs after every
stage that assigns what it requires (ties keep the order of registration), and the order can be
printed (`archivist stages`). A stage that raises is reported with its
name and the document's id (StageError), so a failure points at the component that failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from archivist.document import Document
from archivist.errors import StageError

__all__ = ["STAGES", "Stage", "run", "stage", "stages"]


@dataclass(frozen=True)
class Stage:
    name: str
    function: Callable[[Document], Document]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    doc: str

    def __call__(self, document: Document) -> Document:
        return self.function(document)


STAGES: list[Stage] = []


def stage(name: str, *, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()):
    """Register a function as a pipeline stage, run after every stage registered before it."""

    def register(function: Callable[[Document], Document]) -> Callable[[Document], Document]:
        if any(s.name == name for s in STAGES):
            raise ValueError(f"a stage named {name!r} is already registered")
        doc = (function.__doc__ or "").strip().splitlines()[0] if function.__doc__ else ""
        STAGES.append(Stage(name, function, tuple(requires), tuple(assigns), doc))
        return function

    return register


def run(document: Document, stages: list[Stage] | None = None) -> Document:
    """Run every stage (or the given ones) over `document`, in order."""
    for current in stages if stages is not None else ordered():
        try:
            document = current(document)
        except Exception as exc:  # a stage's bug must name the stage, not vanish in a traceback
            raise StageError(current.name, document.id, f"{type(exc).__name__}: {exc}") from exc
    return document


def stages() -> list[Stage]:
    """Every registered stage, in the order `run` runs them."""
    return ordered()


def ordered() -> list[Stage]:
    _load_stages()
    remaining = list(STAGES)
    result: list[Stage] = []
    while remaining:
        for candidate in remaining:
            waits_for = [
                other
                for other in remaining
                if other is not candidate and set(other.assigns) & set(candidate.requires)
                and not set(candidate.assigns) & set(other.requires)
            ]
            if not waits_for:
                break
        else:
            names = ", ".join(s.name for s in remaining)
            raise ValueError(f"stages {names} require each other's fields in a cycle")
        remaining.remove(candidate)
        result.append(candidate)
    return result


def _load_stages() -> None:
    # Stages register themselves on import; the run order comes from what each requires.
    from archivist import citation, dates, entities, glossary, header, places, speakers, structure  # noqa: F401
