"""Where a citizen says the problem is, found in what they wrote (pure).

`extract(text)` finds the address parts people write: a house number ("số 45", "45/12",
"nhà số 11"), an alley ("hẻm 9", "ngõ 5", "kiệt 12"), a street ("đường Lê Lợi", "45 Lê Lợi",
a known street name, "đường số 7"), a landmark ("chợ Bến Thành", "ngã tư Hàng Xanh", "cầu
Sài Gòn", a capitalised name after a place word), the ward or commune ("phường Bến Thành",
"P.Bến Thành", "p ben thanh", "xã Bình Chánh", or a ward's name after the last comma) and the
old district ("Q.1", "quận Bình Thạnh"). The address is the stretch of text that holds them.
Turning that address into coordinates is another module's work; this one only reads text.
"""
import re
from dataclasses import dataclass, field
from functools import cache

from ... import areas
from . import data
from .words import split

MAX_GAP = 3  # words between two address parts that still belong to one address
MAX_NAME = 5  # words in a capitalised name

WARD_WORDS = {"phuong", "p", "f", "xa", "x", "dac khu", "ward", "commune"}
DISTRICT_WORDS = {"quan", "q", "huyen", "tp", "thanh pho", "district"}
STREET_WORDS = {"duong", "d", "dg", "pho", "dai lo", "quoc lo", "ql", "tinh lo", "xa lo",
                "street", "st", "road"}
ALLEY_WORDS = {"hem", "hxh", "hem xe hoi", "ngo", "ngach", "kiet", "alley"}
NUMBER_WORDS = {"so", "sn", "so nha", "nha so", "can so", "lo", "block", "toa", "no"}
PLACE_WORDS = {"nga tu", "nga ba", "nga nam", "nga sau", "nga bay", "vong xoay", "bung binh",
               "cho", "cau", "cong vien", "truong", "benh vien", "nha tho", "chua", "sieu thi",
               "ga", "ben xe", "chung cu", "khu dan cu", "cay xang", "tram y te", "ubnd",
               "uy ban", "nha van hoa", "khu cong nghiep", "toa nha", "kenh", "rach", "cong",
               "market", "park", "hospital", "school", "bridge"}
POSITION_WORDS = {"truoc", "gan", "doi dien", "canh", "ke ben", "sat", "goc", "dau", "cuoi",
                  "phia truoc", "ben hong", "sau", "trong", "ngoai", "near", "opposite",
                  "truoc cong", "cong", "truoc cua", "gan cong", "ngay cong"}
# Marker words that are also ordinary words: they need the look of an abbreviation or a
# capitalised name after them ("P.Bến Thành", "xã Bình Chánh", not "xa quá").
_SHORT = {"p", "f", "x", "q", "d", "dg", "xa", "st", "no", "lo", "so", "cong", "ga", "cho",
          "cau", "truong", "road"}


@dataclass
class Place:
    """What was found: the address as written, its ward, and the words it covers."""

    address: str | None = None
    ward_code: str | None = None
    ward_name: str | None = None
    street: str | None = None
    landmark: str | None = None
    words: frozenset = field(default_factory=frozenset)  # indexes into words.split(text)
    names: frozenset = field(default_factory=frozenset)  # the same, without "đường", "chợ"...

    def location(self):
        """The draft's location shape, its coordinates unknown."""
        return {"latitude": None, "longitude": None, "address": self.address,
                "ward_code": self.ward_code}


@dataclass(frozen=True)
class _Part:
    kind: str
    first: int
    last: int
    value: str = ""
    head: int = 0  # leading words that say what kind of place it is ("đường", "cầu")


def extract(text, province_code=79):
    """The Place a text names (empty when it names none)."""
    return _Reader(text or "", province_code).place()


def ward_in(text, province_code=79):
    """(code, name) of the one ward a short text names ("Bến Thành", "p ben thanh"), else
    (None, None)."""
    reader = _Reader(text or "", province_code)
    start = reader.marker(0, WARD_WORDS)
    size, code = reader.ward_at(start)
    if code and start + size == len(reader.words):
        return code, areas.name_of(code)
    return None, None


class _Reader:
    """One text's words, read for address parts."""

    def __init__(self, text, province_code):
        self.text = text
        self.words = split(text)
        self.folded = [w.folded for w in self.words]
        self.province = province_code

    def place(self):
        parts, taken = [], set()
        for finder in (self._wards, self._landmarks, self._alleys, self._numbers,
                       self._streets, self._districts):
            for part in finder(taken):
                parts.append(part)
                taken.update(range(part.first, part.last + 1))
        if not parts:
            return Place()
        group = _main_group(parts)
        first = self._with_position(min(p.first for p in group))
        last = max(p.last for p in group)
        address = self.text[self.words[first].start:self.words[last].end].strip(" ,.;:-")
        ward = next((p for p in group if p.kind == "ward" and p.value), None)
        return Place(
            address=address, ward_code=ward.value if ward else None,
            ward_name=areas.name_of(ward.value) if ward else None,
            street=next((p.value for p in group if p.kind == "street"), None),
            landmark=next((p.value for p in group if p.kind == "landmark"), None),
            words=frozenset(i for p in parts for i in range(p.first, p.last + 1)),
            names=frozenset(i for p in parts for i in range(p.first + p.head, p.last + 1)))

    # --- helpers ---

    def gap(self, i):
        """The characters typed between word i-1 and word i."""
        return self.text[self.words[i - 1].end:self.words[i].start] if i > 0 else ""

    def marker(self, i, choices):
        """The number of words of the longest phrase of `choices` at word i (0 if none)."""
        for size in (3, 2, 1):
            if i + size <= len(self.folded) and " ".join(self.folded[i:i + size]) in choices:
                return size
        return 0

    def looks_marked(self, i, size):
        """A marker that is also an ordinary word counts only before a name or a number, or
        written as an abbreviation ("P.", "Q1")."""
        if " ".join(self.folded[i:i + size]) not in _SHORT:
            return True
        after = i + size
        if after >= len(self.words):
            return False
        nxt = self.words[after]
        return ("." in self.gap(after) or nxt.is_number or nxt.text[:1].isupper()
                or self.words[i].text.isupper())

    def ward_at(self, i):
        """(length, code) of a ward's name starting at word i, longest first."""
        names = _ward_names(self.province)
        for size in (4, 3, 2, 1):
            if i + size <= len(self.folded):
                code = names.get(" ".join(self.folded[i:i + size]))
                if code:
                    return size, code
        return 0, None

    def name_length(self, i):
        """How many words from i form a name: a known street, else capitalised words."""
        size, _ = self.known_at(i, "street")
        if size:
            return size
        count = 0
        while i + count < len(self.words) and count < MAX_NAME:
            word = self.words[i + count]
            if count and self.gap(i + count).strip(" "):  # a comma ends a name
                break
            if not (word.text[:1].isupper() or (word.is_number and count)):
                break
            count += 1
        return count

    def known_at(self, i, kind):
        """(length, name) of the longest known street or landmark starting at word i."""
        table = _gazetteer(kind)
        for size in range(6, 0, -1):
            key = tuple(self.folded[i:i + size])
            if len(key) == size and key in table and (size > 1 or len(key[0]) > 5):
                return size, table[key]
        return 0, None

    def _with_position(self, first):
        """Start the address at a position word just before it ("trước", "đối diện")."""
        for size in (2, 1):
            start = first - size
            if start >= 0 and " ".join(self.folded[start:first]) in POSITION_WORDS:
                return start
        return first

    # --- finders: each yields parts that do not overlap words already taken ---

    def _wards(self, taken):
        found = []
        for i, word in enumerate(self.folded):
            if re.fullmatch(r"[pf]\d{1,2}", word):  # "p12": an old numbered ward
                found.append(_Part("ward", i, i))
                continue
            size = self.marker(i, WARD_WORDS)
            if not size or not self.looks_marked(i, size):
                continue
            start = i + size
            if start < len(self.words) and self.words[start].is_number:
                found.append(_Part("ward", i, start, head=size))
                continue
            length, code = self.ward_at(start)
            if code:
                found.append(_Part("ward", i, start + length - 1, code, head=size))
        return found or self._trailing_ward()

    def _trailing_ward(self):
        """A ward named without "phường" after the last comma: "..., Bến Thành"."""
        for i in range(len(self.words) - 1, 0, -1):
            size, code = self.ward_at(i)
            if code and i + size == len(self.words) and "," in self.gap(i):
                return [_Part("ward", i, i + size - 1, code)]
        return []

    def _districts(self, taken):
        found = []
        for i, word in enumerate(self.folded):
            if i in taken:
                continue
            if re.fullmatch(r"q\d{1,2}", word):
                found.append(_Part("district", i, i))
                continue
            size = self.marker(i, DISTRICT_WORDS)
            if not size or not self.looks_marked(i, size) or i + size >= len(self.words):
                continue
            start = i + size
            length = 1 if self.words[start].is_number else self.name_length(start)
            if length:
                found.append(_Part("district", i, start + length - 1, head=size))
        return found

    def _streets(self, taken):
        found, i = [], 0
        while i < len(self.words):
            size = 0 if i in taken else self.marker(i, STREET_WORDS)
            if size and self.looks_marked(i, size) and i + size < len(self.words):
                start = i + size
                if (self.folded[start] == "so" and start + 1 < len(self.words)
                        and self.words[start + 1].is_number):
                    found.append(_Part("street", i, start + 1, self._typed(i, start + 1),
                                       head=size))
                    i = start + 2
                    continue
                length = self.name_length(start)
                if length:
                    found.append(_Part("street", i, start + length - 1,
                                       self._typed(start, start + length - 1), head=size))
                    i = start + length
                    continue
            length, name = (0, None) if i in taken else self.known_at(i, "street")
            if length:
                found.append(_Part("street", i, i + length - 1, name))
                i += length
                continue
            i += 1
        return found

    def _alleys(self, taken):
        found = []
        for i in range(len(self.words)):
            size = 0 if i in taken else self.marker(i, ALLEY_WORDS)
            if size and i + size < len(self.words) and self.words[i + size].is_number:
                found.append(_Part("alley", i, i + size, head=size))
        return found

    def _numbers(self, taken):
        found = []
        for i, word in enumerate(self.words):
            if i in taken or not word.is_number:
                continue
            before = next((size for size in (2, 1) if i - size >= 0 and " ".join(
                self.folded[i - size:i]) in NUMBER_WORDS), 0)
            nxt = i + 1
            street_follows = nxt < len(self.words) and not self.gap(nxt).strip() and (
                self.known_at(nxt, "street")[0] or self.marker(nxt, STREET_WORDS | ALLEY_WORDS)
                or (self.words[nxt].text[:1].isupper() and not self.words[nxt].is_number))
            if before or "/" in word.text or street_follows:
                found.append(_Part("number", i - before, i))
        return found

    def _landmarks(self, taken):
        found, i = [], 0
        while i < len(self.words):
            length, name = self.known_at(i, "landmark")
            if length:
                found.append(_Part("landmark", i, i + length - 1, name,
                                   head=self.marker(i, PLACE_WORDS)))
                i += length
                continue
            size = 0 if self.known_at(i, "street")[0] else self.marker(i, PLACE_WORDS)
            if size and i + size < len(self.words):
                start = i + size
                named = self.name_length(start)
                if named and not self.words[start].is_number:
                    found.append(_Part("landmark", i, start + named - 1,
                                       self._typed(i, start + named - 1), head=size))
                    i = start + named
                    continue
            i += 1
        return found

    def _typed(self, first, last):
        return self.text[self.words[first].start:self.words[last].end]


def _main_group(parts):
    """The largest run of parts close to each other (an address is written in one piece)."""
    parts = sorted(parts, key=lambda p: p.first)
    groups, current = [], [parts[0]]
    for part in parts[1:]:
        if part.first - max(p.last for p in current) <= MAX_GAP + 1:
            current.append(part)
        else:
            groups.append(current)
            current = [part]
    groups.append(current)
    return max(groups, key=lambda g: (sum(p.last - p.first + 1 for p in g), -g[0].first))


@cache
def _ward_names(province_code):
    """{accent-free core name: ward code} of the province's wards and communes."""
    return {area.core: area.code for area in areas.areas(province_code)}


@cache
def _gazetteer(kind):
    """{tuple of accent-free words: name as written} for streets or landmarks."""
    names = data.streets() if kind == "street" else data.landmarks()
    return {tuple(w.folded for w in split(n)): n for n in names}
