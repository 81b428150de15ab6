"""When a citizen says it happened or since when ("từ hôm qua", "7h tối", "2 ngày nay"), pure.

The phrase is returned as typed; it stays in the description too. Matched accent-free on a
copy of the text that keeps every character's position, so the phrase is cut from the
original with its diacritics.
"""
import re
import unicodedata

_N = r"(?:\d{1,2}|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi|vai|may|mấy|mươi)"
_PART = r"(?:sang|trua|chieu|toi|dem|khuya)"
_PATTERNS = [
    rf"(?:tu |suot |ca |khoang |luc |vao )?(?:hom|bua|hum)\s*(?:qua|kia|truoc|nay)"
    rf"(?: {_PART})?",
    r"(?:tu |suot )?h(?:qua|nay)\b|\bhq\b",
    rf"(?:tu |suot |ca |moi |hang )?{_PART} (?:nay|qua|hom qua|hom truoc|hom kia)",
    rf"(?:tu |khoang |luc |tam |den |toi |tu luc )?\d{{1,2}}\s*(?:h|g|gio)(?:\s*\d{{1,2}})?"
    rf"(?:\s*{_PART})?(?:\s*(?:den|toi|-)\s*\d{{1,2}}\s*(?:h|g|gio)(?:\s*{_PART})?)?",
    r"(?:tu |luc |khoang )?\d{1,2}:\d{2}(?:\s*(?:am|pm))?",
    rf"(?:tu |suot |ca |gan |hon )?{_N} (?:ngay|hom|tuan|thang|bua|nam|tieng) "
    r"(?:nay|roi|r|qua|truoc|lien|nua)",
    r"(?:tu |suot |ca )?(?:tuan|thang|nam) (?:truoc|roi|qua|nay)",
    r"(?:moi|hang|ca|suot|nua|dem nao) (?:dem|toi|ngay|sang|khuya)(?: nao cung)?",
    r"(?:tu|suot) (?:sang|chieu|toi|dem|khuya|hom qua|tuan truoc|thang truoc|tet)",
    r"(?:since|for) (?:yesterday|last \w+|this \w+|\d+ (?:days?|weeks?|hours?|months?))",
    r"(?:last night|this morning|yesterday|tonight|every night)",
    r"\d{1,2}\s*(?:am|pm)",
]
# Not a number that belongs to an address ("quận 7", "số 12", "hẻm 5").
_NOT_ADDRESS = r"(?<!quan )(?<!so )(?<!hem )(?<!q\.)(?<!phuong )"
_RE = re.compile(r"(?<!\w)" + _NOT_ADDRESS + "(?:" + "|".join(_PATTERNS) + r")(?!\w)")


def fold_in_place(text):
    """`text` lower-cased without diacritics, each character where it was."""
    out = []
    for ch in text.lower():
        base = unicodedata.normalize("NFD", ch)[0]
        out.append("d" if ch == "đ" else base)
    return "".join(out)


def extract(text, limit=2):
    """The time phrases of `text` as typed, joined by ", "; None when there is none."""
    text = unicodedata.normalize("NFC", text or "")
    folded = fold_in_place(text)
    found = []
    for match in _RE.finditer(folded):
        phrase = text[match.start():match.end()].strip()
        if phrase and not phrase.isdigit():
            found.append(phrase)
        if len(found) == limit:
            break
    return ", ".join(found) or None
