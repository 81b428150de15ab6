"""Vietnamese phone numbers in the 84... form Zalo uses."""
import re

_SEPARATORS = re.compile(r"[\s.\-()]")


def to_84(phone):
    """'0912 345 678', '+84912345678' or '84912345678' -> '84912345678'; ValueError otherwise."""
    digits = _SEPARATORS.sub("", str(phone or "")).removeprefix("+")
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    if not (digits.isdigit() and digits.startswith("84") and 10 <= len(digits) <= 12):
        raise ValueError("phone must be a Vietnamese number such as 0912345678 or 84912345678")
    return digits
