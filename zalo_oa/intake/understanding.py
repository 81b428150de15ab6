"""What a citizen's typed text says, pure: a tracking code, a tapped feedback button, a category
chosen by number or name, or categories its words suggest."""
import re

from ..text import contains_phrase, fold


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


def pick_category(folded, ctx):
    """The category a citizen chose by number or by name, or None."""
    if folded.isdigit() and 1 <= int(folded) <= len(ctx.categories):
        return ctx.categories[int(folded) - 1]
    for category in ctx.categories:
        if folded in (fold(category.name_vi), fold(category.name_en), category.slug):
            return category
    return None


def suggest_categories(folded, categories, limit=3):
    """Category slugs whose keywords appear in the text, best first (longer phrases weigh more)."""
    scores = {}
    for category in categories:
        score = sum(len(k.split()) ** 2 for k in map(fold, category.keywords)
                    if k and contains_phrase(folded, k))
        if score:
            scores[category.slug] = score
    ranked = sorted(scores, key=lambda slug: -scores[slug])
    return ranked[:limit]
