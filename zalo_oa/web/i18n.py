"""Dashboard language: the staff-facing labels (templates/dashboard/i18n/<locale>.json)."""
import datetime as dt
import json
from functools import cache
from pathlib import Path

from flask import current_app, g, session

from ..cases.queries import time_left
from ..models import utcnow
from ..text import display_phone, tel_href
from ..timeutil import format_datetime

LABEL_DIR = Path(__file__).resolve().parent.parent / "templates" / "dashboard" / "i18n"
LOCALES = ("vi", "en")
DEFAULT = "vi"


class Labels(dict):
    """A locale's labels; a missing key shows as itself rather than failing the page."""

    def __missing__(self, key):
        return key


@cache
def labels(locale):
    """The labels of `locale`, Vietnamese filling any gap."""
    found = Labels(_read(DEFAULT))
    if locale != DEFAULT:
        found.update(_read(locale))
    return found


def _read(locale):
    return json.loads((LABEL_DIR / f"{locale}.json").read_text(encoding="utf-8"))


def current_locale():
    """The signed-in staff member's language, else the one chosen on the login page."""
    staff = g.get("staff")
    chosen = staff.locale if staff is not None else session.get("locale")
    return chosen if chosen in LOCALES else DEFAULT


def local_name(thing):
    """A category's or department's name in the staff's language; "" for None."""
    if thing is None:
        return ""
    return thing.name_en if current_locale() == "en" else thing.name_vi


department_name = local_name


def deadline(case, now=None):
    """(state, text) of a case's deadline, e.g. ("overdue", "quá hạn 2 ngày"), or (None, "")."""
    soon = current_app.config.get("DUE_SOON_HOURS", 24)
    state, amount, unit = time_left(case.due_at, case.status, now or utcnow(), soon)
    if state is None:
        return None, ""
    words = labels(current_locale())
    key = ("overdue_" if state == "overdue" else "left_") + unit
    return state, words[key].format(n=amount)


def flashed(message):
    """A flashed message in the staff's language: a label key, or [key, params] to fill it."""
    words = labels(current_locale())
    if isinstance(message, (list, tuple)):
        key, params = message
        return words[key].format(**params)
    return words[message]


def _context():
    locale = current_locale()
    return {"T": labels(locale), "locale": locale}


def local_time(value):
    """A stored naive-UTC time (or its ISO text, as timeline data keeps it) in city time."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if value else None
    return format_datetime(value)


def init_app(app):
    app.context_processor(_context)
    app.jinja_env.filters["local_time"] = local_time
    # Phones are stored 84…: shown "0912 345 678", linked "tel:+84912345678".
    app.jinja_env.filters["phone"] = display_phone
    app.jinja_env.filters["tel"] = tel_href
    app.jinja_env.filters["local_name"] = local_name
    app.jinja_env.globals["deadline"] = deadline
    app.jinja_env.globals["flashed"] = flashed
