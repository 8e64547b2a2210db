"""OCR repairs: damage the scanning left in the text, annotated with the reading, never rewritten.

Two kinds of damage are read, both as `ocr` annotations (original as printed, value the
reading):

- **I/l/1 confusion inside a name.** OCR reads the lowercase "l" of "Kim Il Sung" as a capital
  "I" ("Kim II Sung"), or as a digit. A two-character token made of I, l, 1 or | that stands
  between capitalised name words is repaired only when the repaired name is known: a form of the
  person authority, or a spelling the same record prints elsewhere. The annotation spans just the
  damaged token ("II" -> "Il"), so the name around it stays as printed and the mention finder can
  read either. A token that is itself a known spelling ("Kim Il Sung", "Nam Il") is never
  touched, nor a regnal numeral no known name reads otherwise ("Douglas MacArthur II").
- **LaTeX residue.** Math-aware OCR writes symbols as TeX (`$N^{\\circ}$` for "№", `$^{\\circ}$`
  for "°"). A `$...$` span holding TeX markup is read through a small table; one it cannot read
  becomes a warning on the document rather than a guess.
"""

from __future__ import annotations

import itertools
import re

from archivist.authority import name_forms, normalise_name
from archivist.document import Annotation, Document
from archivist.pipeline import stage

__all__ = ["TEX_SYMBOLS", "read_repairs", "repair_names", "repair_tex"]

_CONFUSABLE = "Il1|"
_TOKEN = re.compile(r"(?<![\w|])([Il1|]{2})(?=$|[\s,.;:)\-’']|(?<=.)-)")
_NAME_WORD = r"[A-Z][a-z]+(?:-[A-Za-z]+)?"
_WORD_BEFORE = re.compile(rf"((?:{_NAME_WORD} )+)$")
_WORD_AFTER = re.compile(rf"^((?:-[a-z]+)?(?: {_NAME_WORD})*)")

#: TeX as math-aware OCR writes it, without spaces, and what it stands for.
TEX_SYMBOLS: dict[str, str] = {
    r"N^{\circ}": "№",
    r"N^\circ": "№",
    r"\mathrm{N}^{\circ}": "№",
    r"\mathrm{N}^{\underline{\circ}}": "№",
    r"\mathrm{N}^{\mathrm{o}}": "№",
    r"\mathrm{No}": "№",
    r"^{\circ}": "°",
    r"{}^{\circ}": "°",
    r"^\circ": "°",
    r"\circ": "°",
    r"\times": "×",
    r"\S": "§",
    r"\%": "%",
    r"\pm": "±",
    r"\cdot": "·",
    r"\rightarrow": "→",
    r"\to": "→",
    r"\frac{1}{2}": "½",
    r"\frac{1}{4}": "¼",
    r"\frac{3}{4}": "¾",
}
_TEX = re.compile(r"\$([^$\n]{1,60})\$")


def repair_names(text: str, known: frozenset[str] | None = None) -> list[Annotation]:
    """An `ocr` annotation for each I/l/1 token inside a name whose repaired name is known."""
    found: list[Annotation] = []
    for match in _TOKEN.finditer(text):
        token = match.group(1)
        if token == "Il":
            continue  # the printed form is already the reading every other one is repaired to
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        before = _WORD_BEFORE.search(text[line_start : match.start()])
        after = _WORD_AFTER.match(text[match.end() : len(text) if line_end < 0 else line_end])
        if before is None:
            continue
        head = before.group(1)
        tail = after.group(1) if after else ""
        printed = head + token + tail
        # The authority is read only once a candidate turns up: most records have none.
        forms = name_forms() if known is None else known
        if _known(printed, text, forms, as_printed=True):
            continue
        for reading in _readings(token):
            if _known_name(head, reading, tail, text, forms):
                found.append(Annotation("ocr", match.start(), match.end(), token, reading))
                break
    return found


def _readings(token: str) -> list[str]:
    """Every spelling of `token` with its confusable characters read as I or l, most likely
    first ("Il" before "lI"), the printed one left out."""
    options = ["".join(chars) for chars in itertools.product("Il", repeat=len(token))]
    options.sort(key=lambda option: (option[0] != "I", option))
    return [option for option in options if option != token]


def _known_name(head: str, reading: str, tail: str, text: str, forms: frozenset[str]) -> bool:
    # Try the longest name first, then shorter ones around the token: "Kim Il Sung", "Kim Il".
    words_before = head.split()
    for take in range(len(words_before), 0, -1):
        left = " ".join(words_before[-take:]) + " "
        for right in (tail, re.match(r"(?:-[a-z]+)?", tail).group()):
            if _known(left + reading + right, text, forms):
                return True
    return False


def _known(name: str, text: str, forms: frozenset[str], as_printed: bool = False) -> bool:
    if len(name.split()) < 2:
        return False
    if normalise_name(name) in forms:
        return True
    if as_printed:
        return False
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None


def repair_tex(text: str) -> tuple[list[Annotation], list[str]]:
    """`ocr` annotations for TeX residue, and a warning for each span that could not be read."""
    found: list[Annotation] = []
    warnings: list[str] = []
    for match in _TEX.finditer(text):
        inner = match.group(1)
        if not re.search(r"[\\^_{}]", inner):
            continue  # two dollar amounts on one line, not TeX
        key = re.sub(r"\s+", "", inner)
        reading = TEX_SYMBOLS.get(key)
        if reading is None:
            line = text.count("\n", 0, match.start()) + 1
            warnings.append(f'line {line}: TeX residue "{match.group()}" is in no form archivist reads; left as printed')
            continue
        found.append(Annotation("ocr", match.start(), match.end(), match.group(), reading))
    return found, warnings


def read_repairs(document: Document) -> tuple[list[Annotation], list[str]]:
    names = repair_names(document.text)
    tex, warnings = repair_tex(document.text)
    return sorted(names + tex, key=lambda a: (a.start, a.end)), warnings


@stage("repairs", requires=("text",), assigns=("annotations.ocr",))
def repairs(document: Document) -> Document:
    """OCR repairs: I/l confusion in names, TeX residue; the original is kept."""
    found, warnings = read_repairs(document)
    document.annotations = [a for a in document.annotations if a.kind != "ocr"] + found
    document.warnings.extend(w for w in warnings if w not in document.warnings)
    return document
