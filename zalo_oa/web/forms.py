"""Reading submitted forms: trimmed text, numbers, choices, and the errors staff are shown."""
import contextlib

from flask import flash, request

from ..cases.rules import TransitionError
from .i18n import current_locale, labels


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


def flash_error(key):
    """Tell staff why their action was refused: the label `key`."""
    flash(key, "error")


def done(key, **params):
    """Tell staff on the next page what their action did, in their language: the label `key`
    with `params` filled in (e.g. done("done_status", status="Đang xử lý"))."""
    flash(labels(current_locale())[key].format(**params), "done")


def refuse(key, **params):
    """Tell staff why their action was refused: the label `key` with `params` filled in."""
    flash(labels(current_locale())[key].format(**params), "refused")


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
