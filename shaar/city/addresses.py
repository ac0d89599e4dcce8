"""Address search that tolerates how people type street names in Bishkek: in Kyrgyz or
Russian Cyrillic ("Чүй", "Чуй"), in Latin ("Chui", "Chuy"), with or without "улица" or
"көчөсү", and with Russian case endings ("Токтогула").

Every name is folded to one rough Latin skeleton: Kyrgyz letters to their Russian
neighbours (ү→у, ө→о, ң→н), Cyrillic to Latin, then the spellings that transliterations
disagree on are merged (zh/dzh/j, kh/h/x, y/i). A query word matches the start of a
folded word, so a Kyrgyz nominative finds a Russian genitive.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Address

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o",
    "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}
# For the English name of a street when the register gives none (BGN/PCGN-like, readable).
_TRANSLITERATION = {**_CYRILLIC, "й": "y", "ы": "y", "ё": "yo", "ү": "ü", "ө": "ö", "ң": "ng"}

# Street-type words in the three languages (folded), ignored when searching.
STREET_TYPES = frozenset({
    "ul", "ulitsa", "ulitsy", "kochosu", "kocho", "prospekt", "prospekti", "pr", "bulvar",
    "bulvary", "gulbulvary", "pereulok", "per", "tupik", "ploshchad", "aianty", "mkr",
    "mikroraion", "kvartal", "street", "st", "avenue", "ave", "boulevard", "blvd", "lane",
    "square", "d", "dom", "uii",
})

_NUMBER = re.compile(r"^\d+[a-z]?(/\d+[a-z]?)?$")


def _skeleton(word: str) -> str:
    word = word.replace("dzh", "j").replace("zh", "j").replace("kh", "h").replace("x", "h")
    word = word.replace("y", "i").replace("w", "v")
    return re.sub(r"(.)\1+", r"\1", word)  # doubled letters: "Манасса", "Ala-Archaa"


def _latin(text: str) -> str:
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text.casefold())
    # ü, ö, é… to their base letters
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of a name or query, without street-type words."""
    raw = re.findall(r"[a-z0-9]+", _latin(text).replace("'", ""))
    return [_skeleton(w) for w in raw if w not in STREET_TYPES]


def fold(*names: str) -> str:
    """The search key of an address: every folded word of every name, space-prefixed."""
    seen: list[str] = []
    for name in names:
        for word in words(name):
            if word not in seen:
                seen.append(word)
    return "".join(f" {word}" for word in seen)


def fold_house(number: str) -> str:
    """"12А", "12a", "12 а" → "12a"."""
    return re.sub(r"\s+", "", _latin(number))


def parse_query(query: str) -> tuple[list[str], str]:
    """(street words, house number) of what a person typed: "Чүй 12", "12 Chui", "чуй, 12а"."""
    tokens = re.split(r"[\s,]+", _latin(query).strip())
    number = ""
    for token in tokens:
        if _NUMBER.match(token):
            number = token
            break
    street = " ".join(t for t in tokens if t != number)
    return words(street), number


def transliterate(text: str) -> str:
    """A Latin spelling of a Cyrillic name, for the English column when none is given."""
    out = []
    for ch in text:
        latin = _TRANSLITERATION.get(ch.lower())
        if latin is None:
            out.append(ch)
        elif ch.isupper():
            out.append(latin[:1].upper() + latin[1:])
        else:
            out.append(latin)
    return "".join(out)


def house_sort_key(address: Address) -> tuple[int, str]:
    digits = re.match(r"\d+", address.house_key)
    return (int(digits.group()) if digits else 0, address.house_key)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Metres between two points (equirectangular: exact enough within a city)."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000 * math.hypot(x, y)
