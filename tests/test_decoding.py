"""Decoding export bytes: the encodings exports really arrive in, and the reasons for refusals."""

from __future__ import annotations

import pytest

from archivist.errors import BinaryFileError, EmptyFileError, TooLargeError
from archivist.sources.decoding import decode

ENGLISH = (
    "Record of a Conversation with Kim Il Sung, 13 November 1957\n\n"
    "Summary:\n\nKim Il Sung describes a recent meeting with Mao Zedong and the plenum.\n\n"
) * 20


@pytest.mark.parametrize(
    "russian",
    [
        "Мао Цзэдун и делегация КПСС обменялись мнениями о положении в Корее.",
        "Ким Ир Сен",
    ],
)
def test_cp1251_russian_inside_an_english_export(russian: str):
    # Left to charset_normalizer alone this reads as cp1250: "Ěŕî Öçýäóí".
    text = ENGLISH + russian + "\n"

    decoded, encoding, warnings = decode(text.encode("cp1251"), "ru.txt")

    assert (decoded, encoding) == (text, "cp1251")
    assert "decoded as cp1251" in warnings[0]


@pytest.mark.parametrize("repeat", [1, 5])
def test_short_all_russian_text_is_cp1251(repeat: int):
    # Repeated five times, charset_normalizer alone calls this Mac Greek.
    text = "Запись беседы с послом КНДР.\n" * repeat

    assert decode(text.encode("cp1251"), "ru.txt")[:2] == (text, "cp1251")


@pytest.mark.parametrize(
    ("sample", "encoding"),
    [
        ("Zażółć gęślą jaźń, żółć; Příliš žluťoučký kůň úpěl ďábelské ódy.", "cp1250"),
        ("Über die Lage in Korea, größere Schwierigkeiten für Österreich.", "cp1252"),
    ],
)
def test_latin_code_pages_are_not_mistaken_for_cyrillic(sample: str, encoding: str):
    # The cp1252 German, left to charset_normalizer alone, reads as Big5: "鈁er die Lage".
    text = ENGLISH + sample + "\n"

    decoded, used, _ = decode(text.encode(encoding), "latin.txt")

    assert decoded == text
    assert used != "cp1251"


def test_utf16_with_a_bom_says_so():
    text = ENGLISH + "Пхеньян\n"

    decoded, encoding, warnings = decode(text.encode("utf-16"), "word.txt")

    assert decoded == text
    assert encoding.startswith("utf-16")
    assert warnings == [f"decoded as {encoding} (byte-order mark)"]


@pytest.mark.parametrize(
    ("data", "error", "reason"),
    [
        (b"", EmptyFileError, "file is empty"),
        (b" \n\t\r\n", EmptyFileError, "only whitespace"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), BinaryFileError, "PNG image"),
        (ENGLISH.encode() + b"\x00\x00" + ENGLISH.encode(), BinaryFileError, "NUL byte at offset"),
    ],
)
def test_refusals_say_why(data: bytes, error: type, reason: str):
    with pytest.raises(error) as caught:
        decode(data, "bad.txt")
    assert caught.value.path == "bad.txt"
    assert reason in caught.value.reason


def test_a_file_past_the_limit_is_refused():
    with pytest.raises(TooLargeError, match="split it into one file per record"):
        decode(b"x" * 101, "big.txt", max_bytes=100)
