"""Message texts an admin edits are untrusted: Jinja's sandbox, the documented variables only,
a few harmless filters and methods, nothing that can make a huge string.

Anyone holding an admin session can save such a text, so it must not reach Python objects'
internals (`cycler.__init__.__globals__`), the settings, or the worker's memory.
"""
import re

import jinja2
from jinja2 import meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

# The variables message templates are rendered with: an admin's text may name these and no
# others (the edit page lists them). `L` is the locale's labels.
VARIABLES = frozenset({
    "L", "address", "body", "cases", "categories", "category", "code", "contact_name",
    "contact_phone", "count", "created_date", "current", "department", "description",
    "choices", "datatype", "due_date", "has_draft", "hotline", "hours", "ignored", "items",
    "kind", "kinds", "latitude", "numbers", "question", "skippable", "step", "when",
    "length", "longitude", "old_due_date", "urgent",
    "mapped", "max", "min", "more", "name", "names", "note", "number", "photo_count",
    "public_url", "rating", "reason", "status", "suggested", "target", "text", "time_left",
    "title", "ward", "wards"})
FILTERS = ("join", "upper", "lower", "title", "capitalize", "default", "d", "length", "count",
           "first", "last", "trim", "truncate", "replace", "round", "int", "string")
METHODS = frozenset({"get", "items", "keys", "values", "upper", "lower", "strip", "title",
                     "capitalize", "startswith", "endswith"})
# A printf width or precision of four digits or more only serves to make a huge string.
_WIDE_FORMAT = re.compile(r"%[-+ #0]*(\d{4,}|\*|\d*\.(\d{4,}|\*))")


class AdminTextEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, without `*` on text or lists, `**`, or any but a few methods."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" or not all(isinstance(v, int | float) for v in (left, right)):
            raise SecurityError(f"{operator!r} is not allowed here")
        return super().call_binop(context, operator, left, right)

    def is_safe_attribute(self, obj, attr, value):
        if callable(value) and attr not in METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)


def _format(value, *args, **kwargs):
    text = str(value)
    if _WIDE_FORMAT.search(text):
        raise SecurityError("format width or precision too large")
    return text % (kwargs or args)


def _environment():
    env = AdminTextEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                               keep_trailing_newline=False)
    env.globals.clear()  # no range, cycler, joiner, namespace, lipsum, dict
    env.filters = {name: env.filters[name] for name in FILTERS}
    env.filters["format"] = _format
    return env


_env = _environment()


def problem(body):
    """Why an admin's template text is refused (syntax, an undocumented name), or None."""
    try:
        tree = _env.parse(body)
        unknown = meta.find_undeclared_variables(tree) - VARIABLES
    except jinja2.TemplateSyntaxError as exc:  # an unknown filter is reported here too
        return f"line {exc.lineno}: {exc.message}"
    if unknown:
        return "not a documented variable: " + ", ".join(sorted(unknown))
    return None


def compile_text(body):
    """An admin's text as a sandboxed template; jinja2.TemplateError when it is refused."""
    found = problem(body)
    if found:
        raise jinja2.TemplateError(found)
    return _env.from_string(body)  # an unknown filter: TemplateAssertionError


def render(template, labels, params):
    """Render a compiled admin text with the labels and the documented variables of `params`;
    whatever goes wrong (a refused operation, a TypeError) is a jinja2.TemplateError."""
    values = {key: value for key, value in params.items() if key in VARIABLES}
    try:
        return template.render(L=labels, **values)
    except jinja2.TemplateError:
        raise
    except Exception as exc:  # an admin's expression failing is a refusal, not a crash
        raise jinja2.TemplateError(f"{type(exc).__name__}: {exc}") from exc
