"""The city's wards and communes (post-2025 units, from the `vietnam-provinces` package),
matched against what citizens type, without diacritics."""
import unicodedata
from dataclasses import dataclass
from functools import cache

from vietnam_provinces import ProvinceCode, Ward, WardCode

from .text import contains_phrase, fold

PREFIXES = ("phuong", "xa", "dac khu", "thi tran")
# A ward's own handling unit is its People's Committee: "UBND phường Bến Thành".
UNIT_SLUG = "ward-{code}"
DIVISIONS_EN = {"phuong": "Ward", "xa": "Commune", "dac khu": "Special Zone",
                "thi tran": "Township"}


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    core: str  # folded name without its "phường"/"xã" prefix

    @property
    def folded(self):
        return fold(self.name)


@cache
def areas(province_code):
    """Every ward and commune of the province, in the package's order."""
    found = []
    for ward in Ward.iter_all():
        if ward.province_code == ProvinceCode(province_code):
            name = " ".join(ward.name.split())
            found.append(Area(str(int(ward.code)), name, _core(fold(name))))
    return tuple(found)


def _core(folded):
    for prefix in PREFIXES:
        if folded.startswith(prefix + " "):
            return folded[len(prefix) + 1:]
    return folded


def exact(text, province_code):
    """The areas whose name is exactly `text` (with or without "phường"/"xã", diacritics or
    case): one, or several when names repeat, or none."""
    folded = _core(fold(text))
    return [a for a in areas(province_code) if folded and folded in (a.core, a.folded)]


def match(text, province_code, limit=5):
    """The areas a citizen's text names, best first: an exact name, else names the text
    contains, else names that contain the text (a partial name such as "Tân")."""
    folded = _core(fold(text))
    if not folded:
        return []
    candidates = areas(province_code)
    exact = [a for a in candidates if folded in (a.core, a.folded)]
    if exact:
        return exact[:limit]
    contained = [a for a in candidates if contains_phrase(folded, a.core)]
    contained.sort(key=lambda a: -len(a.core))
    if contained:
        return contained[:limit]
    return [a for a in candidates if contains_phrase(a.core, folded)][:limit]


def name_of(code):
    """The area's name for a stored code, or the code itself if unknown."""
    try:
        return " ".join(Ward.from_code(WardCode(int(code))).name.split())
    except (ValueError, TypeError):
        return code


def _plain(text):
    """Latin letters without diacritics, case kept: "Bến Thành" -> "Ben Thanh"."""
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def unit_of(area):
    """The ward's People's Committee as a unit: {slug, name_vi, name_en, area_code}."""
    prefix = next((p for p in PREFIXES if area.folded.startswith(p + " ")), None)
    words = area.name.split()
    division = " ".join(words[:len(prefix.split())]) if prefix else ""
    rest = " ".join(words[len(prefix.split()):]) if prefix else area.name
    name_vi = f"UBND {division.lower()} {rest}".replace("  ", " ")
    name_en = f"{_plain(rest)} {DIVISIONS_EN.get(prefix, 'Ward')} People's Committee"
    return {"slug": UNIT_SLUG.format(code=area.code), "name_vi": name_vi, "name_en": name_en,
            "area_code": area.code}
