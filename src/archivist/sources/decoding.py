"""Turning a file's bytes into text, or a clear reason why not.

Exports arrive as UTF-8 mostly, but also as UTF-16 with a BOM (saved from Word), cp1251 (Russian
Windows), or with a UTF-8 BOM. The order is: BOM, then strict UTF-8, then a detected fallback
that must be confident and must look like text. The encoding used is reported so the record can
say it in its warnings.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from archivist.errors import BinaryFileError, EmptyFileError, EncodingError, TooLargeError

__all__ = ["MAX_BYTES", "decode"]

#: How much of a text the encoding checks look at: enough to judge, bounded for large files.
_SAMPLE = 65536

#: One record is a few kilobytes to a few hundred; anything past this is not one record.
MAX_BYTES = 20 * 1024 * 1024

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

_BINARY_MAGIC = [
    (b"%PDF", "a PDF file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"\x7fELF", "an executable"),
]


def decode(data: bytes, path: str, max_bytes: int = MAX_BYTES) -> tuple[str, str, list[str]]:
    """Return (text, encoding, warnings) for `data` read from `path`, or raise a SourceError."""
    if len(data) > max_bytes:
        raise TooLargeError(
            path,
            f"file is {len(data):,} bytes, more than the {max_bytes:,}-byte limit for one record; "
            "split it into one file per record",
        )
    if not data.strip():
        raise EmptyFileError(path, "file is empty" if not data else "file holds only whitespace")
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise BinaryFileError(path, f"binary file ({what}), not a text export")

    warnings: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    path, f"starts with a {encoding} byte-order mark but byte {exc.start} is not {encoding}"
                ) from None
            if encoding != "utf-8":
                warnings.append(f"decoded as {encoding} (byte-order mark)")
            _check_text(text, path)
            return text, encoding, warnings

    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise BinaryFileError(
            path, f"NUL byte at offset {offset} and no UTF-16 byte-order mark: binary, not a text export"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text, encoding = _fallback(data, path, exc)
        warnings.append(
            f"not UTF-8 (byte {exc.start} is invalid); decoded as {encoding} by detection"
        )
        _check_text(text, path)
        return text, encoding, warnings
    _check_text(text, path)
    return text, "utf-8", warnings


def _fallback(data: bytes, path: str, exc: UnicodeDecodeError) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    readings: list[tuple[str, str]] = []
    best = from_bytes(data).best()
    if best is not None and best.encoding is not None:
        encoding = codecs.lookup(best.encoding).name
        readings.append((data.decode(encoding), encoding))
    # charset_normalizer judges a text by its language and ties every code page that reads the
    # English well, so a Russian summary in an English export comes out in cp1250 ("Ěŕî
    # Öçýäóí"), German accents in Big5 ("鈁er"), and a short Russian text in Mac Greek. The two
    # code pages exports really use get a second look, and the reading with the fewest
    # impossible words wins. On a tie Russian goes first (it is this archive's commonest
    # non-Latin language, where Greek or Thai in a single-byte code page is rare), then the
    # detector's choice.
    for fallback in _SECOND_LOOK:
        try:
            readings.append((data.decode(fallback), fallback))
        except UnicodeDecodeError:
            continue
    scored = [
        (_misread_words(text), 0 if encoding == "cp1251" and _has_cyrillic_words(text) else 1 + i, text, encoding)
        for i, (text, encoding) in enumerate(readings)
    ]
    if best is None or best.encoding is None:
        # With no detection to check, a second look must stand on its own: not one odd word.
        scored = [s for s in scored if s[0] == 0]
    if not scored:
        raise EncodingError(
            path, f"not UTF-8 (invalid byte at offset {exc.start}) and no other encoding fits; save it as UTF-8"
        ) from None
    _, _, text, encoding = min(scored)
    return text, encoding


#: Code pages checked beside the detector's guess: Russian and Western European Windows.
_SECOND_LOOK = ("cp1251", "cp1252")

_WORD = re.compile(r"[^\W\d_]+")
#: Scripts Chinese, Japanese and Korean writing mixes inside one word.
_EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "FULLWIDTH", "HALFWIDTH"})


def _misread_words(text: str) -> int:
    """How many words in `text` no language writes, the mark of a wrong code page: scripts
    mixed in one word (`ьber`, `鈁er`), three or more accented Latin letters and no plain one
    (`Ěŕî`), or a capital after a small letter inside a non-ASCII word (`лаВнЫй`)."""
    count = 0
    for word in _WORD.findall(text[:_SAMPLE]):
        if word.isascii():
            continue
        scripts = {_script(ch) for ch in word}
        if (
            len(scripts) > 1
            or (len(word) >= 3 and scripts == {"LATIN"} and not any(ch.isascii() for ch in word))
            or any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))
        ):
            count += 1
    return count


def _has_cyrillic_words(text: str) -> bool:
    return any(len(w) >= 3 and {_script(ch) for ch in w} == {"CYRILLIC"} for w in _WORD.findall(text[:_SAMPLE]))


def _script(ch: str) -> str:
    if ch.isascii():
        return "LATIN"
    script = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
    return "EAST ASIAN" if script in _EAST_ASIAN else script


def _check_text(text: str, path: str) -> None:
    """Reject decoded text that is mostly control characters: a binary file in disguise."""
    sample = text[:65536]
    if not sample:
        return
    bad = sum(
        1 for ch in sample if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t\f"
    )
    if bad / len(sample) > 0.01:
        raise BinaryFileError(
            path, f"{bad} control characters in the first {len(sample)} characters: binary, not a text export"
        )
