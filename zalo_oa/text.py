"""Text helpers: matching what citizens type (diacritics- and case-insensitive), and phone
numbers, email addresses and line endings as we store and show them."""
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


# The largest whole number both databases take (an SQLite integer, a PostgreSQL bigint).
MAX_WHOLE_NUMBER = 2**63 - 1


def whole_number(raw, maximum=MAX_WHOLE_NUMBER):
    """`raw` as an int when it is plain ASCII digits no larger than `maximum`, else None.

    str.isdigit() alone lets "²" and other scripts' digits through, and int() takes numbers
    too large for any database column.
    """
    raw = raw.strip() if isinstance(raw, str) else ""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if value <= maximum else None


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


def display_phone(phone, masked=False):
    """A stored phone (84…) as Vietnamese readers write it: "0912 345 678", "028 3822 1234".

    With `masked`, the middle groups become stars ("0912 *** 678"). A number that is not
    Vietnamese is shown as it was given.
    """
    normal = normalize_phone(phone)
    if normal is None:
        return mask_phone(phone) if masked else (phone or "")
    local = "0" + normal[2:]
    sizes = {10: (4, 3, 3), 11: (3, 4, 4)}.get(len(local), (len(local),))
    groups, start = [], 0
    for size in sizes:
        groups.append(local[start:start + size])
        start += size
    if not masked:
        return " ".join(groups)
    if len(groups) < 3:
        return mask_phone(local)
    return " ".join([groups[0], *("*" * len(g) for g in groups[1:-1]), groups[-1]])


def tel_href(phone):
    """A `tel:` link for a phone (`tel:+84912345678`), or "" when it is no Vietnamese number."""
    normal = normalize_phone(phone)
    return f"tel:+{normal}" if normal else ""


def mask_email(email):
    """An email address with its local part hidden but the first letter: "a***@example.org"."""
    if not email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else local[:1] + "***"


def clean_lines(text):
    """Windows (\\r\\n) and old Mac (\\r) line endings as \\n."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")
