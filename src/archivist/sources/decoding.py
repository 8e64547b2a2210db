"""Turning a file's bytes into text, or a clear reason why not.

Exports arrive as UTF-8 mostly, but also as UTF-16 with a BOM (saved from Word), cp1251 (Russian
Windows), or with a UTF-8 BOM. The order is: BOM, then strict UTF-8, then a detected fallback
that must be confident and must look like text. The encoding used is reported so the record can
say it in its warnings.
"""

from __future__ import annotations

import codecs
import unicodedata

from archivist.errors import BinaryFileError, EmptyFileError, EncodingError, TooLargeError

__all__ = ["MAX_BYTES", "decode"]

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

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise EncodingError(
            path, f"not UTF-8 (invalid byte at offset {exc.start}) and no other encoding fits; save it as UTF-8"
        ) from None
    encoding = codecs.lookup(best.encoding).name
    return data.decode(encoding), encoding


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
