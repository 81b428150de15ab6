"""Reading submitted forms: trimmed text, numbers, choices, and the errors staff are shown."""
import contextlib
import datetime as dt
import re

from flask import flash, request

from ..cases.rules import TransitionError
from ..text import normalize_phone


class FormError(ValueError):
    """A form value that cannot be used; `key` names the label staff are shown."""

    def __init__(self, key):
        super().__init__(key)
        self.key = key


def text(name, max_length=4000, required=False):
    """A trimmed text field; FormError("required") when required and empty."""
    value = (request.form.get(name) or "").strip()[:max_length]
    if required and not value:
        raise FormError("error_required")
    return value


def integer(name, minimum=None, maximum=None):
    """An integer field within bounds, or None when left empty."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise FormError("error_number") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise FormError("error_number")
    return value


def date(name):
    """A YYYY-MM-DD field (an <input type=date>) as a date; FormError when missing or wrong."""
    try:
        return dt.date.fromisoformat((request.form.get(name) or "").strip())
    except ValueError:
        raise FormError("error_date") from None


def email(name):
    """An e-mail address field, or None when left empty; FormError when it is not one."""
    value = text(name, 254)
    if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise FormError("error_email")
    return value or None


def phone(name):
    """A Vietnamese phone number field as stored (84...), or None when left empty."""
    value = text(name, 32)
    if not value:
        return None
    stored = normalize_phone(value)
    if stored is None:
        raise FormError("error_phone")
    return stored


def choice(name, choices, required=True):
    """One of `choices`, else FormError."""
    value = request.form.get(name) or ""
    if value in choices:
        return value
    if not required and not value:
        return None
    raise FormError("error_choice")


def checkbox(name):
    return request.form.get(name) in ("1", "on", "true")


@contextlib.contextmanager
def flashing_errors():
    """Turn a refused action into a message on the next page instead of an error page."""
    try:
        yield
    except FormError as exc:
        flash(exc.key, "error")
    except TransitionError as exc:
        flash(f"error_{exc.reason}", "error")
    except ValueError as exc:  # services refuse with ValueError and a machine word
        flash(f"error_{exc}", "error")
