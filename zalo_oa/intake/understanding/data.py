"""The files under data/intake/ that say how citizens write, each read once per process."""
import json
import unicodedata
from functools import cache

from ...config import REFERENCE_DIR

DATA_DIR = REFERENCE_DIR / "intake"
EXAMPLES_DIR = DATA_DIR / "examples"


def nfc(text):
    return unicodedata.normalize("NFC", text)


def _json(name):
    return json.loads(nfc((DATA_DIR / name).read_text(encoding="utf-8")))


def _lines(path):
    """Non-empty lines of a text file, without `#` comments."""
    lines = (line.strip() for line in nfc(path.read_text(encoding="utf-8")).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@cache
def lexicon():
    """{category slug: {phrase: weight}} and the neutral phrases (lexicon.json)."""
    raw = _json("lexicon.json")
    weights = {}
    for slug, tiers in raw.items():
        if slug.startswith("_") or slug == "neutral":
            continue
        weights[slug] = {}
        for weight, phrases in tiers.items():
            for typed in phrases:
                phrase = typed.lower()
                weights[slug][phrase] = max(float(weight), weights[slug].get(phrase, 0.0))
    return weights, tuple(p.lower() for p in raw.get("neutral", ()))


@cache
def emergencies():
    """emergencies.json as written."""
    return _json("emergencies.json")


@cache
def abbreviations():
    """{typed word: what it stands for} (abbreviations.json)."""
    return {k.lower(): v.lower() for k, v in _json("abbreviations.json")["words"].items()
            if not k.startswith("_")}


@cache
def common_words():
    """Everyday words with diacritics, grouped as common_words.txt lists them."""
    return frozenset(word for line in _lines(DATA_DIR / "common_words.txt")
                     for word in line.lower().split())


@cache
def streets():
    return tuple(_lines(DATA_DIR / "streets.txt"))


@cache
def landmarks():
    return tuple(_lines(DATA_DIR / "landmarks.txt"))


@cache
def examples():
    """((text, category slug), ...) from examples/<slug>.txt, one message per line."""
    found = []
    for path in sorted(EXAMPLES_DIR.glob("*.txt")):
        if path.stem.startswith("emergency"):
            continue
        found += [(line, path.stem) for line in _lines(path)]
    return tuple(found)


@cache
def emergency_examples():
    """((text, kind), ...) from examples/emergency_<kind>.txt."""
    found = []
    for path in sorted(EXAMPLES_DIR.glob("emergency_*.txt")):
        kind = path.stem.removeprefix("emergency_")
        found += [(line, kind) for line in _lines(path)]
    return tuple(found)
