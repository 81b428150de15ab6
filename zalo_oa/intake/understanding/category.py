"""Which category a message is about: a linear model over its words, phrases and letters,
with the weighted lexicon as evidence, trained from data/intake/examples/ (and staff
corrections) when first needed. Pure; scikit-learn does the learning.

Each example is learnt as typed and without its diacritics, so a message typed either way
meets its kind. Scores are probabilities: the ranking has no ties to break by list order
(equal scores, which do not occur in practice, fall back to the slug's alphabetical order).
"""
import math
import threading
import time
from dataclasses import dataclass
from functools import cache

from . import data
from .message import read
from .words import FOLDED, Phrases, strip_marks

# One category is taken without asking above this probability and this far ahead of the
# second: on a 5-fold cross-validation of the examples, 98 % of such picks were right and
# 79 % of messages got one (bench/intake.py).
CONFIDENT = 0.7
MARGIN = 0.4
LEXICON_SCALE = 0.35
C = 4.0


@dataclass(frozen=True)
class Guess:
    """Categories best first as (slug, probability), and whether the first is clearly it."""

    ranked: tuple
    confident: bool

    @property
    def best(self):
        return self.ranked[0][0] if self.ranked else None

    def top(self, count=3, floor=0.05):
        """The first `count` slugs, those under `floor` left out (the first always kept)."""
        return [slug for index, (slug, score) in enumerate(self.ranked[:count])
                if index == 0 or score >= floor]


@cache
def lexicon_table():
    """(phrase table, {canonical phrase: {slug: weight}}, neutral phrases)."""
    weights, neutral = data.lexicon()
    table, by_phrase = Phrases(common=data.common_words()), {}
    for slug, phrases in weights.items():
        for phrase, weight in phrases.items():
            canonical = table.add(phrase)
            entry = by_phrase.setdefault(canonical, {})
            entry[slug] = max(weight, entry.get(slug, 0.0))
    for phrase in neutral:
        by_phrase.setdefault(table.add(phrase), {})
    emergency = data.emergencies()
    for kind in emergency["kinds"].values():  # so "cháy nhà" is one term here too
        for phrase in kind["strong"]:
            by_phrase.setdefault(table.add(phrase), {})
    return table, by_phrase


def analyse(message):
    """(term features, {slug: lexicon score}, letters text) of a read message.

    The letters text holds the accent-free words outside the address, phrases joined by
    "_" and neutral phrases ("cây xăng") left out, so their letters suggest nothing.
    """
    table, by_phrase = lexicon_table()
    terms = table.join(message.words, message.accented, message.skip)
    features, scores, letters = [], {}, []
    previous = None
    for term in terms:
        if term.is_phrase:
            feature = "t:" + term.key
            weights = by_phrase.get(term.key, {})
            for slug, weight in weights.items():
                scores[slug] = scores.get(slug, 0.0) + weight
            if weights:
                letters.append(strip_marks(term.key).replace(" ", "_"))
        else:
            word = message.words[term.first]
            if word.is_number:
                previous = None
                continue
            feature = ("w:" + term.key) if message.accented else ("f:" + term.key[len(FOLDED):])
            letters.append(word.folded)
        features.append(feature)
        if previous:
            features.append(f"b:{previous}|{feature}")
        previous = feature
    return features, scores, " ".join(letters)


class Model:
    """A trained classifier: `rank(message)` gives every category's probability.

    scikit-learn fits it; a message is then scored by the same arithmetic (sublinear tf-idf,
    L2 norm per block, the linear model's weights, softmax) written out for one sparse row,
    which takes a fraction of a millisecond where sklearn's per-call checks take several.
    """

    def __init__(self, examples):
        import numpy
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        started = time.perf_counter()
        texts, labels = _augmented(examples)
        self.slugs = tuple(sorted(set(labels)))
        readings = [analyse(read(text)) for text in texts]
        terms = TfidfVectorizer(analyzer=lambda r: r[0], sublinear_tf=True, min_df=2)
        letters = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                  min_df=2)
        lexicon = csr_matrix([_lexicon_row(r[1], self.slugs) for r in readings])
        matrix = hstack([terms.fit_transform(readings),
                         letters.fit_transform([r[2] for r in readings]), lexicon]).tocsr()
        classifier = LogisticRegression(C=C, max_iter=3000, tol=1e-3)
        classifier.fit(matrix, labels)
        self.classes = tuple(str(c) for c in classifier.classes_)
        self.weights = numpy.ascontiguousarray(classifier.coef_.T)
        self.bias = classifier.intercept_.copy()
        self.terms = (terms.vocabulary_, terms.idf_, 0)
        self.letters = (letters.vocabulary_, letters.idf_, len(terms.vocabulary_))
        self.letter_grams = letters.build_analyzer()
        self.lexicon_offset = len(terms.vocabulary_) + len(letters.vocabulary_)
        self.examples = len(examples)
        self.seconds = time.perf_counter() - started

    def rank(self, message):
        """A Guess for a read message (message.read(text))."""
        import numpy

        features, scores, letters = analyse(message)
        columns, values = [], []
        for grams, (vocabulary, idf, offset) in ((features, self.terms),
                                                 (self.letter_grams(letters), self.letters)):
            found = {}
            for gram in grams:
                column = vocabulary.get(gram)
                if column is not None:
                    found[column] = found.get(column, 0) + 1
            if not found:
                continue
            row = {c: (1.0 + math.log(n)) * idf[c] for c, n in found.items()}
            norm = math.sqrt(sum(v * v for v in row.values()))
            columns += [offset + c for c in row]
            values += [v / norm for v in row.values()]
        for index, value in enumerate(_lexicon_row(scores, self.slugs)):
            if value:
                columns.append(self.lexicon_offset + index)
                values.append(value)
        logits = self.bias.copy()
        if columns:
            logits += numpy.asarray(values) @ self.weights[columns]
        logits -= logits.max()
        odds = numpy.exp(logits)
        probabilities = odds / odds.sum()
        ranked = sorted(zip(self.classes, probabilities.tolist(), strict=True),
                        key=lambda pair: (-pair[1], pair[0]))
        confident = ranked[0][1] >= CONFIDENT and (
            len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= MARGIN)
        return Guess(tuple(ranked), confident)


def _lexicon_row(scores, slugs):
    return [math.log1p(scores.get(slug, 0.0)) * LEXICON_SCALE for slug in slugs]


def _augmented(examples):
    """Each example as typed and, when typed with diacritics, without them."""
    texts, labels = [], []
    for text, slug in examples:
        texts.append(text)
        labels.append(slug)
        bare = strip_marks(text)
        if bare != text:
            texts.append(bare)
            labels.append(slug)
    return texts, labels


_current = {"model": None, "extra": None}
_training = threading.Lock()


def model(extra=None):
    """The model trained on the shipped examples plus `extra` (text, slug) pairs (by default
    those it was last trained with), kept for the process and retrained only when `extra`
    changes. One thread trains at a time; the others wait for its model."""
    with _training:
        extra = (_current["extra"] or ()) if extra is None else tuple(extra)
        if _current["model"] is None or _current["extra"] != extra:
            _current["model"] = Model(data.examples() + extra)
            _current["extra"] = extra
        return _current["model"]


def guess(message):
    """The current model's Guess for a read message."""
    return model().rank(message)
