"""Keys on which the romanisations of one name fall together.

- `chinese_key`: Wade-Giles and pinyin to one form ("Mao Tse-tung" and "Mao Zedong" -> "mao tse
  tung"; "Chou En-lai" and "Zhou Enlai" -> "chou en lai"), from pypinyin's own pinyin-to-Wade-
  Giles table. Joined pinyin given names ("Enlai") are split into syllables first. Only names
  made wholly of Chinese syllables get a key.
- `loose_key`: a coarse key for Korean and Russian spellings: McCune-Reischauer and revised
  romanisation ("Ch'oe Yong-gŏn", "Choe Yong-geon", "Choi Yong-kun"), Russian transliterations
  ("Khrushchev", "Khrushchov"; "Mukhitdinov", "Mukhiddinov"). It is for finding candidates;
  a match on it is scored below an exact one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from unidecode import unidecode

__all__ = ["chinese_key", "loose_key", "pinyin_syllables", "split_pinyin"]


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], frozenset[str]]:
    from pypinyin.style import wadegiles

    to_wade_giles: dict[str, str] = {}
    for pinyin, wade_giles in wadegiles._convert_table:  # pypinyin's syllable table
        to_wade_giles[pinyin] = wade_giles.replace("'", "")
    for pinyin, wade_giles in wadegiles._except_table:
        to_wade_giles.setdefault(pinyin, wade_giles.replace("'", ""))
    # Syllables pypinyin leaves as they are in both systems ("an", "mao", "lai").
    plain = "a ai an ang ao e ei en eng er o ou ma mai man mang mao mei men meng mi mian miao mie min ming mo mou mu na nai nan nang nao nei nen neng ni nian niang niao nie nin ning niu nong nu nuan nuo la lai lan lang lao lei leng li lia lian liang liao lie lin ling liu long lou lu luan lun luo ha hai han hang hao hei hen heng hong hou hu hua huai huan huang hui hun huo fa fan fang fei fen feng fo fou fu sa sai san sang sao se sen seng su suan sui sun suo wa wai wan wang wei wen weng wo wu ya yan yang yao ye yi yin ying yong you yu yuan yue yun"
    for syllable in plain.split():
        to_wade_giles.setdefault(syllable, syllable)
    wade_giles_syllables = frozenset(to_wade_giles.values())
    return to_wade_giles, wade_giles_syllables


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    return frozenset(_tables()[0])


# Older Wade-Giles spellings still printed in the 1950s.
_WADE_GILES_VARIANTS = {"teh": "te", "szu": "ssu", "tzu": "tzu", "hsueh": "hsueh", "yu": "yu", "kuo": "kuo"}


def split_pinyin(token: str) -> list[str] | None:
    """"enlai" -> ["en", "lai"], "zedong" -> ["ze", "dong"]; None when it is not pinyin."""
    syllables = pinyin_syllables()
    best: list[list[str] | None] = [None] * (len(token) + 1)
    best[0] = []
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            if head is not None and token[start:end] in syllables:
                candidate = head + [token[start:end]]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[len(token)]


def _ascii_tokens(key: str) -> list[str]:
    key = unidecode(key).lower()
    key = re.sub(r"['’‘`ʻʼ]", "", key)
    return re.sub(r"[^a-z]+", " ", key).split()


@lru_cache(maxsize=131072)
def chinese_key(name: str) -> str | None:
    """One key for the Wade-Giles and pinyin spellings of a Chinese name, else None."""
    to_wade_giles, wade_giles = _tables()
    syllables: list[str] = []
    for token in _ascii_tokens(name):
        token = _WADE_GILES_VARIANTS.get(token, token)
        if token in wade_giles:
            syllables.append(token)
            continue
        split = split_pinyin(token)
        if split is None:
            return None
        syllables.extend(to_wade_giles[s] for s in split)
    if len(syllables) < 2:
        return None
    return "zh " + " ".join(syllables)


_LOOSE_RULES = [
    (r"yeo", "yo"), (r"kh", "h"), (r"sch", "sh"), (r"shch", "sh"), (r"yo", "e"), (r"ye", "e"), (r"eo", "o"), (r"eu", "u"),
    (r"oi", "oe"), (r"wo", "o"), (r"ts", "c"), (r"tch", "ch"), (r"j", "ch"), (r"g", "k"), (r"d", "t"),
    (r"b", "p"), (r"z", "s"), (r"w", "v"), (r"y", "i"), (r"u", "o"), (r"ii", "i"),
]


def loose_key(name: str, *, single: bool = False) -> str | None:
    """A coarse key that Korean and Russian romanisations of one name share. Names of one word
    get a key only when asked (`single`): a surname alone is too short to key loosely by default."""
    tokens = _ascii_tokens(name)
    if len(tokens) < (1 if single else 2):
        return None
    return "lo " + " ".join(_loose_token(token) for token in tokens)


_LOOSE_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in _LOOSE_RULES]
_DOUBLED = re.compile(r"(.)\1+")
_RUSSIAN_END = re.compile(r"[oe]v$")


@lru_cache(maxsize=131072)
def _loose_token(token: str) -> str:
    for pattern, replacement in _LOOSE_COMPILED:
        token = pattern.sub(replacement, token)
    token = _DOUBLED.sub(r"\1", token)
    return _RUSSIAN_END.sub("ev", token)  # Russian ё printed o or e: Khrushchov, Khrushchev
