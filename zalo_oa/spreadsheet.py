"""Cells of the CSV files staff open in a spreadsheet: text that would run as a formula there
(a citizen's description starting with "=HYPERLINK(...)") is defused, as OWASP advises."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """`value` for a CSV cell: text that starts like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def row(values):
    """Every cell of a CSV row through cell()."""
    return [cell(value) for value in values]
