"""One citizen message read once: its words (shorthand written out), whether it was typed
with diacritics, and the place it names, whose names the other readers leave aside (a
hospital's name is no emergency, "đường Điện Biên Phủ" no power cut; "cầu" in "cầu Sài Gòn"
still says a bridge)."""
from dataclasses import dataclass

from . import place, words


@dataclass(frozen=True)
class Message:
    text: str
    words: tuple
    accented: bool
    place: place.Place
    skip: frozenset  # indexes into `words` of the names in the place

    @property
    def folded(self):
        """The accent-free words outside the place, joined by spaces."""
        return " ".join(w.folded for i, w in enumerate(self.words) if i not in self.skip)


def read(text, province_code=79):
    """Read `text` once for every question asked of it."""
    typed = words.split(text)
    found = place.extract(text, province_code)
    spans = [(typed[i].start, typed[i].end) for i in found.names]
    expanded = words.expand(typed)
    skip = frozenset(i for i, w in enumerate(expanded)
                     if any(start <= w.start < end for start, end in spans))
    return Message(text, tuple(expanded), words.is_accented(typed), found, skip)
