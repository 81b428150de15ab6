"""Urgent cases and due times, pure: a hazard named in a report (a category's `hazard_terms`,
e.g. "mất nắp cống", "cây đổ chắn đường") or staff's "urgent" priority makes a case due in
the category's `urgent_hours` clock hours instead of its working days."""
import datetime as dt

from ..text import contains_phrase, fold
from ..timeutil import add_working_days

URGENT = "urgent"


def hazard_in(text, terms):
    """The first of `terms` the text names (diacritics and case ignored), or None."""
    folded = fold(text)
    return next((term for term in terms or () if fold(term)
                 and contains_phrase(folded, fold(term))), None)


def due_at(start, category, urgent):
    """When a case opened (or made urgent) at `start` falls due."""
    if urgent:
        return start + dt.timedelta(hours=category.urgent_hours or 24)
    return add_working_days(start, category.deadline_days)


def due_after_priority(case, category, new_priority, now):
    """The due time after a priority change: urgent brings it forward to `urgent_hours` from
    now (never later than it was); leaving urgent restores the working-day deadline."""
    if new_priority == URGENT:
        urgent_due = due_at(now, category, urgent=True)
        return min(case.due_at, urgent_due) if case.due_at else urgent_due
    if case.priority == URGENT:
        return due_at(case.created_at, category, urgent=False)
    return case.due_at
