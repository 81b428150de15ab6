"""Reading submitted forms: trimmed text, numbers, choices, and the refusals staff are shown."""
import contextlib
import datetime as dt
import re

from flask import flash, request

from ..errors import Refused
from ..text import normalize_phone, whole_number


class FormError(Refused):
    """A form value that cannot be used; `code` names the message staff are shown."""


def text(name, max_length=4000, required=False):
    """A trimmed text field; FormError("required") when required and empty."""
    value = (request.form.get(name) or "").strip()[:max_length]
    if required and not value:
        raise FormError("required")
    return value


def integer(name, minimum=None, maximum=None):
    """An integer field within bounds, or None when left empty."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    value = whole_number(raw.removeprefix("-"))
    if value is None:
        raise FormError("number")
    value = -value if raw.startswith("-") else value
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise FormError("number")
    return value


def date(name):
    """A YYYY-MM-DD field (an <input type=date>) as a date; FormError when missing or wrong."""
    try:
        return dt.date.fromisoformat((request.form.get(name) or "").strip())
    except ValueError:
        raise FormError("date") from None


def email(name):
    """An e-mail address field, or None when left empty; FormError when it is not one."""
    value = text(name, 254)
    if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise FormError("email")
    return value or None


def phone(name):
    """A Vietnamese phone number field as stored (84...), or None when left empty."""
    value = text(name, 32)
    if not value:
        return None
    stored = normalize_phone(value)
    if stored is None:
        raise FormError("phone")
    return stored


def choice(name, choices, required=True):
    """One of `choices`, else FormError."""
    value = request.form.get(name) or ""
    if value in choices:
        return value
    if not required and not value:
        return None
    raise FormError("choice")


def checkbox(name):
    return request.form.get(name) in ("1", "on", "true")


def flash_refusal(refusal):
    """Show why an action was refused on the next page: its label, with its blanks filled.

    The params travel in the session until that page, so they are plain values (text, numbers).
    """
    flash([refusal.key, refusal.params] if refusal.params else refusal.key, "error")


def flash_error(key, **params):
    """Tell staff why their action was refused: the label `key`, its blanks filled."""
    flash([key, params] if params else key, "error")


def done(key, **params):
    """Tell staff on the next page what their action did, in their language: the label `key`
    with `params` filled in (e.g. done("done_status", status="Đang xử lý"))."""
    flash([key, params] if params else key, "done")


@contextlib.contextmanager
def flashing_errors():
    """Turn a refused action into a message on the next page instead of an error page.

    Only Refused: any other exception is a bug, and surfaces as one (a 500 and a traceback).
    """
    try:
        yield
    except Refused as refusal:
        flash_refusal(refusal)
