"""Text matching helpers for what citizens type: diacritics-insensitive, case-insensitive."""
import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def fold(text):
    """`text` lower-cased, without diacritics, punctuation or repeated spaces.

    "Đèn  đường!" -> "den duong".
    """
    text = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


def contains_phrase(folded_text, folded_phrase):
    """True when `folded_phrase` appears in `folded_text` as whole words."""
    return f" {folded_phrase} " in f" {folded_text} "


def normalize_phone(raw):
    """Return a Vietnamese phone number as 84XXXXXXXXX, or None when it does not look like one."""
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("84"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    if not 8 <= len(digits) <= 10:
        return None
    return "84" + digits


def shorten(text, limit=200):
    """`text` cut to about `limit` characters at a word boundary, marked with "…"."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def mask_phone(phone):
    """A phone number with its middle hidden, for places where the whole number must not show."""
    if not phone:
        return ""
    return phone[:4] + "*" * max(len(phone) - 7, 0) + phone[-3:]


def format_phone(phone):
    """A stored 84... number as Vietnamese readers write it: 0912 345 678 (0xxx xxx xxx);
    anything else unchanged."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits.startswith("84") or not 10 <= len(digits) <= 12:
        return phone or ""
    local = "0" + digits[2:]
    if len(local) == 10:  # mobiles: 0912 345 678
        return f"{local[:4]} {local[4:7]} {local[7:]}"
    if len(local) == 11:  # landlines with an area code: 028 3822 1234
        return f"{local[:3]} {local[3:7]} {local[7:]}"
    return f"{local[:3]} {local[3:6]} {local[6:]}"
