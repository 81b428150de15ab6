"""What a citizen's text says, pure: loaded from data/intake/, never the database.

`understand(text)` reads a message once and answers every question the dialogue asks of it:
is it an emergency (emergency.py), which category (category.py), where (place.py) and when
(when.py). Tracking codes and feedback buttons are in codes.py.
"""
from dataclasses import dataclass

from . import category, emergency, when
from .choice import pick_category
from .codes import find_case_code, parse_feedback
from .message import read
from .place import Place, ward_in

EVIDENCE = 2.0  # lexicon weight of at least one telling word ("ổ gà" is 3, "muốn" 1)

__all__ = ["Place", "Reading", "find_case_code", "parse_feedback", "pick_category",
           "understand", "ward_in"]


@dataclass(frozen=True)
class Reading:
    emergency: emergency.Emergency | None
    guess: category.Guess
    place: Place
    when: str | None
    evidence: bool  # the words say something about a category (not just "hello, I want to")


def understand(text, province_code=79):
    """A Reading of `text`."""
    message = read(text, province_code)
    found = emergency.detect(message.words, message.accented, message.skip)
    _, scores, _ = category.analyse(message)
    return Reading(emergency=found, guess=category.guess(message), place=message.place,
                   when=when.extract(text), evidence=max(scores.values(), default=0) >= EVIDENCE)
