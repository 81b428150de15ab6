"""Wards and topics as people name them ("Bến Thành", "ngập nước"), turned into the codes an
audience spec holds; a name that matches nothing is refused with the closest names, never
quietly turned into an audience of nobody."""
import difflib
from dataclasses import dataclass

from .. import areas
from ..errors import Refused
from ..text import contains_phrase, fold
from .audience import _strings

EMERGENCY = "emergency"
EMERGENCY_NAMES = ("khan cap", "emergency", "emergencies")
SUGGESTIONS = 3


@dataclass(frozen=True)
class Unknown:
    """A name that matched nothing, and the names it may have meant."""

    given: str
    suggestions: tuple


class UnknownChoices(Refused):
    """Some wards or topics were not recognised; `unknown` lists them with suggestions."""

    def __init__(self, kind, unknown):
        super().__init__(f"unknown_{kind}")
        self.kind = kind
        self.unknown = unknown

    def describe(self):
        """One line per name: `"Bến Thàng": Phường Bến Thành?` (for the CLI and the log)."""
        return "; ".join(f'"{u.given}"' + (f": {', '.join(u.suggestions)}?" if u.suggestions
                                            else "") for u in self.unknown)


def split_names(values):
    """Names typed in fields or repeated options: split on commas, semicolons and new lines
    (ward names hold spaces); a run of bare codes may also be split on spaces."""
    found = []
    for value in values or ():
        for raw in str(value).replace(";", ",").replace("\n", ",").split(","):
            part = raw.strip()
            found += part.split() if part.replace(" ", "").isdigit() else [part]
    return _strings(found)


def resolve_areas(values, province_code):
    """The ward codes for `values` (codes or names); raise UnknownChoices naming the rest."""
    wards = areas.areas(province_code)
    codes, unknown = [], []
    for given in split_names(values):
        if given.isdigit():
            found = [w for w in wards if w.code == str(int(given))]
        else:
            found = areas.exact(given, province_code)
        if len(found) == 1:
            codes.append(found[0].code)
        else:
            near = tuple(w.name for w in found) or _near(fold(given),
                                                        {w.core: w.name for w in wards})
            unknown.append(Unknown(given, near))
    if unknown:
        raise UnknownChoices("areas", unknown)
    return _strings(codes)


def resolve_topics(values, categories):
    """The topic slugs for `values` (slugs or category names in either language, or
    "emergency"); raise UnknownChoices naming the rest. `categories` are Category rows."""
    names = {EMERGENCY: EMERGENCY, **dict.fromkeys(EMERGENCY_NAMES, EMERGENCY)}
    for c in categories:
        names.update({c.slug: c.slug, fold(c.name_vi): c.slug, fold(c.name_en): c.slug})
    labels = {fold(c.name_vi): c.name_vi for c in categories}
    slugs, unknown = [], []
    for given in _strings(values):  # one topic a value: category names may hold commas
        slug = names.get(given) or names.get(fold(given))
        if slug:
            slugs.append(slug)
        else:
            unknown.append(Unknown(given, _near(fold(given), labels)))
    if unknown:
        raise UnknownChoices("topics", unknown)
    return _strings(slugs)


def _near(folded, names):
    """Up to three of `names` ({folded: shown}) closest to `folded`: names holding it as whole
    words (a partial name), else the nearest spellings."""
    close = [key for key in names if folded and contains_phrase(key, folded)]
    close = close or difflib.get_close_matches(folded, list(names), n=SUGGESTIONS, cutoff=0.6)
    return tuple(names[key] for key in close[:SUGGESTIONS])
