"""Tracking codes and tapped feedback buttons in what a citizen types (pure)."""
import re


def find_case_code(text, prefix="PA"):
    """The first tracking code (e.g. PA-2611-000123) in `text`, upper-cased, or None."""
    match = re.search(rf"\b{re.escape(prefix)}\s*-?\s*(\d{{4}})\s*-?\s*(\d{{6}})\b", text or "",
                      re.IGNORECASE)
    return f"{prefix.upper()}-{match.group(1)}-{match.group(2)}" if match else None


def parse_feedback(text, prefix="PA"):
    """(code, answer) from a tapped "is it fixed?" or rating button, else None.

    The buttons send hidden payloads: "#fixed CODE", "#notfixed CODE", "#rate CODE N".
    """
    match = re.fullmatch(r"\s*#(fixed|notfixed|rate)\s+(\S+)(?:\s+([1-5]))?\s*", text or "")
    if not match:
        return None
    code = find_case_code(match.group(2), prefix)
    kind, score = match.group(1), match.group(3)
    if code is None or (kind == "rate") != (score is not None):
        return None
    return code, {"fixed": "fixed", "notfixed": "not_fixed"}.get(kind, score)
