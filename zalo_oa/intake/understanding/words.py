"""Vietnamese text as words: syllables split, chat shorthand expanded, known phrases joined.

A message typed with diacritics is matched with them ("tối" is dark, "tới" is not); one typed
without is matched on accent-free forms, except a one-word term whose accent-free form is also
an everyday word ("toi": tôi, tới, tối), which then needs its diacritics. Phrases are joined
into one term, longest first, so the words inside them are not read alone: "cây xăng" (a petrol
station) holds no tree, "yêu cầu" no bridge.
"""
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from . import data

WORD_RE = re.compile(r"\d+[^\W\d_]?(?:/\d+[^\W\d_]?)+|[^\W_]+", re.UNICODE)
ACCENTED_SHARE = 0.25  # of a message's words with letters, typed with diacritics
MAX_PHRASE = 7
FOLDED = "~"  # prefix of an accent-free key in the phrase table


def strip_marks(text):
    """`text` without diacritics (đ -> d), case kept."""
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Word:
    """One syllable or word of a message: as typed, lower-cased form, accent-free form."""

    text: str
    form: str
    folded: str
    marked: bool  # typed with diacritics (or a shorthand whose expansion has them)
    start: int
    end: int
    expanded: bool = False  # written out from shorthand ("ko" -> "không")

    @property
    def is_number(self):
        return self.form[:1].isdigit()


def split(text):
    """The words of `text` as typed (NFC), with their offsets."""
    text = unicodedata.normalize("NFC", text or "")
    return [_word(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(text)]


def _word(typed, start, end, form=None):
    folded = strip_marks(form or typed.lower())
    return Word(typed, form or typed.lower(), folded, folded != (form or typed.lower()), start,
                end, expanded=form is not None)


def is_accented(words):
    """True when the message was written with diacritics."""
    lettered = [w for w in words if not w.is_number and any(c.isalpha() for c in w.form)]
    if not lettered:
        return False
    return sum(w.marked for w in lettered) >= ACCENTED_SHARE * len(lettered)


def expand(words):
    """Chat shorthand written out ("ko" -> "không", "hqua" -> "hôm qua", "potholes" ->
    "pothole"); each resulting word keeps the offsets of what was typed."""
    table = data.abbreviations()
    out = []
    for word in words:
        meant = table.get(word.form)
        if meant is None and not word.marked:
            meant = _singular(word.form)
        if meant is None or meant == word.form:
            out.append(word)
            continue
        for part in meant.split():
            out.append(_word(word.text, word.start, word.end, form=part))
    return out


_KEEP_S = {"bus", "gas", "yes", "this", "is", "was", "has", "its", "us", "his", "always",
           "across", "address", "less", "glass", "grass", "mess", "access", "process",
           "please", "news", "bs", "ss", "plus", "sos", "status", "campus", "police"}


def _singular(form):
    """An English plural's singular; None for anything else (Vietnamese never ends in s)."""
    if len(form) < 4 or not form.isascii() or not form.endswith("s") or form in _KEEP_S:
        return None
    if form.endswith("ies"):
        return form[:-3] + "y"
    if form.endswith(("ches", "shes", "xes", "sses", "uses")):
        return form[:-2]
    if form.endswith(("ss", "us", "is")):
        return None
    return form[:-1]


@dataclass(frozen=True)
class Term:
    """A phrase of the table (its canonical spelling) or a word alone, and where it stood."""

    key: str
    is_phrase: bool
    first: int  # index of its first word
    last: int   # index of its last word


class Phrases:
    """A table of phrases matched longest first, with or without diacritics."""

    def __init__(self, phrases=(), common=frozenset()):
        self.common = common
        self.ambiguous = _ambiguous_folds(common)
        self.root = {}
        for phrase in phrases:
            self.add(phrase)

    def add(self, phrase, lenient=False):
        """Add a phrase; its accent-free form too, unless it is one word whose accent-free
        form is an everyday word's (`lenient` adds it all the same)."""
        forms = [w.form for w in expand(split(phrase))]
        if not forms:
            return None
        canonical = " ".join(forms)
        self._insert(forms, canonical)
        folded = [strip_marks(f) for f in forms]
        if lenient or len(forms) > 1 or folded[0] == forms[0] or (
                folded[0] not in self.ambiguous or self.ambiguous[folded[0]] == {forms[0]}):
            self._insert([FOLDED + f for f in folded], canonical)
        return canonical

    def _insert(self, keys, canonical):
        node = self.root
        for key in keys:
            node = node.setdefault(key, {})
        node.setdefault(None, canonical)

    def keys_of(self, word, accented):
        """The table keys a typed word may match: its exact form, and its accent-free form
        when the message has no diacritics or the word is unmarked and no everyday word."""
        if word.expanded:
            return (word.form, FOLDED + word.folded)
        if not accented:
            return (FOLDED + word.folded,)
        if word.marked or word.form in self.common:
            return (word.form,)
        return (word.form, FOLDED + word.folded)

    def join(self, words, accented, skip=frozenset()):
        """The message as terms: phrases of the table joined, other words alone. Words whose
        index is in `skip` (e.g. an address) are left out."""
        terms, i = [], 0
        while i < len(words):
            if i in skip:
                i += 1
                continue
            found = self._longest(words, i, accented, skip)
            if found:
                end, canonical = found
                terms.append(Term(canonical, True, i, end))
                i = end + 1
            else:
                word = words[i]
                terms.append(Term(word.form if accented else FOLDED + word.folded, False, i, i))
                i += 1
        return terms

    def _longest(self, words, start, accented, skip):
        best = None
        frontier = [(self.root, start)]
        while frontier:
            node, i = frontier.pop()
            if None in node and i > start and (best is None or i - 1 > best[0]):
                best = (i - 1, node[None])
            if i >= len(words) or i in skip or i - start >= MAX_PHRASE:
                continue
            for key in self.keys_of(words[i], accented):
                if key in node:
                    frontier.append((node[key], i + 1))
        return best


def _ambiguous_folds(common):
    """{accent-free form: the everyday words with that form} for forms shared by several."""
    groups = {}
    for word in common:
        groups.setdefault(strip_marks(word), set()).add(word)
    return {folded: forms for folded, forms in groups.items() if len(forms) > 1 or
            next(iter(forms)) != folded}


def letters_share(words):
    """How much of a message is made of plausible words (Vietnamese syllables, or words the
    examples and the lexicon use), for telling text from keys mashed."""
    lettered = [w for w in words if not w.is_number]
    if not lettered:
        return 0.0
    return sum(1 for w in lettered if is_plausible(w.folded)) / len(lettered)


_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?"
_RHYME = ("(?:oai|oay|oeo|uya|uyu|uay|uoi|uou|ieu|yeu|uye|ai|ao|au|ay|eo|eu|ia|iu|oa|oe|oi|"
          "ua|ue|ui|uo|uu|uy|ya|ye|ie|a|e|i|o|u|y)")
_CODA = "(?:ch|ng|nh|[cmnpt])?"
_SYLLABLE = re.compile(f"{_ONSET}{_RHYME}{_CODA}")


def is_plausible(folded):
    """True for an accent-free Vietnamese syllable, or a word the shipped data knows."""
    return bool(_SYLLABLE.fullmatch(folded)) or folded in _known_words()


@cache
def _known_words():
    """Every accent-free word of the examples, lexicon, shorthand and street names."""
    texts = [text for text, _ in data.examples() + data.emergency_examples()]
    weights, neutral = data.lexicon()
    texts += [phrase for phrases in weights.values() for phrase in phrases] + list(neutral)
    texts += list(data.abbreviations()) + list(data.streets()) + list(data.landmarks())
    return frozenset(w.folded for text in texts for w in split(text))
