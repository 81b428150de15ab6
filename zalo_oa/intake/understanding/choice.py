"""A category chosen by its number or its name, as typed or tapped (pure)."""
from ...text import fold


def pick_category(folded, categories):
    """The category a citizen chose by number or by name (with or without diacritics, in
    either language), or None."""
    if folded.isdigit() and 1 <= int(folded) <= len(categories):
        return categories[int(folded) - 1]
    for category in categories:
        if folded in (fold(category.name_vi), fold(category.name_en), category.slug):
            return category
    return None
