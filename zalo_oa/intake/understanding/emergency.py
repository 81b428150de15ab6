"""Is this an emergency, and which numbers should the citizen call? Pure; the wording is in
data/intake/emergencies.json (see its `_about` for the rules)."""
from dataclasses import dataclass
from functools import cache

from . import data
from .words import Phrases

NEAR = {"risk": 3, "negation": 1}  # terms before a phrase in which these cancel it
MAX_NUMBERS = 3


@dataclass(frozen=True)
class Emergency:
    """The kinds found, most serious first, and the numbers to call for them."""

    kinds: tuple
    numbers: tuple
    category: str  # where a report of it is filed when the text says nothing clearer


@cache
def _table():
    """(phrase table, {canonical phrase: role}) where a role is (kind, "strong"|"weak") or
    one of "now", "past", "risk", "negation", "neutral"."""
    raw = data.emergencies()
    roles = {}
    # Neutral phrases first: typed without diacritics, "sap do" is "sắp đổ" (about to fall)
    # before it is "sập đổ" (collapsed).
    for role in ("neutral", "negation", "risk", "past", "now"):
        for phrase in raw[role]:
            roles.setdefault(phrase.lower(), role)
    for kind in raw["order"]:
        for strength in ("strong", "weak"):
            for phrase in raw["kinds"][kind][strength]:
                roles[phrase.lower()] = (kind, strength)
    table, by_canonical = Phrases(common=data.common_words()), {}
    for phrase, role in roles.items():
        canonical = table.add(phrase, lenient=not isinstance(role, tuple))
        by_canonical.setdefault(canonical, role)
    return table, by_canonical


def detect(words, accented, skip=frozenset()):
    """The Emergency in a message's words (words.expand(split(text))), or None.

    `skip` holds the indexes of words to ignore, such as those of an address.
    """
    table, roles = _table()
    terms = table.join(words, accented, skip)
    found = {}
    now = past = False
    for index, term in enumerate(terms):
        role = roles.get(term.key) if term.is_phrase else None
        if role == "now":
            now = True
        elif role == "past":
            past = True
        elif isinstance(role, tuple) and not _cancelled(terms, index, roles):
            kind, strength = role
            found.setdefault(kind, set()).add(strength)
    kinds = [kind for kind, strengths in found.items()
             if ("strong" in strengths and (now or not past)) or ("weak" in strengths and now)]
    if not kinds:
        return None
    raw = data.emergencies()
    kinds.sort(key=raw["order"].index)
    return Emergency(tuple(kinds), numbers_for(kinds), raw["kinds"][kinds[0]]["category"])


def numbers_for(kinds):
    """The numbers to call for these kinds, most serious kind first, at most three."""
    raw = data.emergencies()
    numbers = []
    for kind in kinds:
        numbers += [n for n in raw["kinds"][kind]["numbers"] if n not in numbers]
    return tuple(numbers[:MAX_NUMBERS])


def _cancelled(terms, index, roles):
    """A risk or negation word shortly before the phrase ("nguy cơ cháy", "không ai bị
    thương") means it is not happening."""
    for role, near in NEAR.items():
        for term in terms[max(index - near, 0):index]:
            if term.is_phrase and roles.get(term.key) == role:
                return True
    return False
