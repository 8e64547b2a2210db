"""Chicago notes-bibliography, a note for an archival document.

    "Conversation records between Chairman Mao Zedong and the Soviet Communist Party
    Delegation, 18 September 1956," September 18, 1956, Chinese Communist Party Central
    Archives. Translated by Sergey Radchenko and Jeffrey Wang.
    https://digitalarchive.umd.edu/document/117838

Our own small formatter: citeproc-py's Chicago style abbreviates given names to initials and
puts the comma after the closing quotation mark, both wrong for this note. The CSL-JSON item
(`csl_json.py`) carries the same fields for reference managers, and the tests render it
through citeproc-py to check that both agree on title, date and archive.

Where each part goes:
- the title in double quotation marks with the comma inside (a title's own double quotes
  become single ones; a title ending in "?" or "!" takes no comma);
- the date as Chicago prints it, "n.d." when the record has none;
- a Wilson record's archival reference as printed (repository, then fond, opis, delo);
- a FRUS record's published volume and document number, the way FRUS asks to be cited;
- the translators; then the URL. The digital archive's name (Wilson Center Digital Archive)
  is left out when a URL is given, as the URL names it; without one it ends the note, so a
  reader still knows where the translation was found.
"""

from __future__ import annotations

from archivist.document import Document
from archivist.export.reference import Reference, join_names

__all__ = ["media_type", "note", "render", "suffix"]

media_type = "text/plain; charset=utf-8"
suffix = ".txt"


def _quoted(title: str) -> str:
    inner = title.strip().replace("“", "‘").replace("”", "’").replace('"', "'")
    if inner.endswith(("?", "!")):
        return f'"{inner}"'
    return f'"{inner},"'


def note(reference: Reference) -> str:
    """The note for one reference."""
    title = _quoted(reference.title)
    pieces = [reference.date or "n.d."]
    if reference.frus:
        if reference.publication:
            where = reference.publication
            if reference.number:
                where += f", Document {reference.number}"
            pieces.append(where)
        elif reference.digital_archive:
            pieces.append(reference.digital_archive)
    elif reference.reference:
        pieces.append(reference.reference)
    sentences = [f"{title} {', '.join(pieces)}."]
    if reference.translators:
        sentences.append(f"Translated by {join_names(reference.translators)}.")
    if reference.url:
        sentences.append(reference.url)
    elif reference.digital_archive and not reference.frus:
        sentences.append(f"{reference.digital_archive}.")
    return " ".join(sentences)


def render(document: Document) -> str:
    """The Chicago note for `document`, one line."""
    return note(Reference.of(document))
