"""The words citizens use for commands and answers, read once from data/vocabulary.json.

Phrases are stored as people type them, with diacritics, and folded on load, so "Hủy", "huy"
and "HUY" all mean cancel. A phrase means one thing per table; a clash stops the load.
"""
import json
from functools import cache

from ..config import REFERENCE_DIR
from ..text import fold

FILE = REFERENCE_DIR / "vocabulary.json"
TABLES = ("commands", "prefixes", "answers", "fields", "intents", "topics")


@cache
def _load():
    raw = json.loads(FILE.read_text(encoding="utf-8"))
    return {name: raw[name] for name in TABLES}


@cache
def table(name):
    """{meaning: (folded phrases, in the file's order)} of one table."""
    found, owner = {}, {}
    for meaning, phrases in _load()[name].items():
        if meaning.startswith("_"):
            continue
        found[meaning] = tuple(fold(phrase) for phrase in phrases)
        for phrase in found[meaning]:
            if owner.setdefault(phrase, meaning) != meaning:
                raise ValueError(f"{FILE.name}: {phrase!r} means both {owner[phrase]!r} "
                                 f"and {meaning!r} in {name!r}")
    return found


def meaning(name, folded):
    """What the folded text means in table `name` (e.g. "cancel"), or None."""
    return next((key for key, phrases in table(name).items() if folded in phrases), None)


def means(name, key, folded):
    """True when the folded text is one of the phrases for `key` in table `name`."""
    return folded in table(name)[key]


def spoken(name, key):
    """The first phrase for `key` as people write it (for a button that sends it back)."""
    return _load()[name][key][0]
