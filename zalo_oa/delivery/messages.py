"""Renders message templates (templates/messages/<locale>/) into Zalo `cs` message payloads.

The files are ours; an admin's edit of one (TemplateText) is untrusted text (admin_texts): it
is checked when saved, and when it fails at render time the file's text is used instead.
"""
import json
import logging
import time
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
import peewee

from ..db import database
from ..models import TemplateText
from . import admin_texts

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "messages"
LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
MAX_TEXT = 2000
MAX_BUTTONS = 5
BUTTON_TYPES = {"query": "oa.query.show", "hidden": "oa.query.hide", "url": "oa.open.url",
                "phone": "oa.open.phone"}


@dataclass(frozen=True)
class Button:
    """A button: `label` is a key of labels.json, or literal text when `literal` is set."""

    label: str
    kind: str = "query"
    value: str | None = None
    literal: bool = False


@dataclass(frozen=True)
class Reply:
    """One message to send: a template name, its parameters, buttons, and its form."""

    template: str
    params: dict = field(default_factory=dict)
    buttons: tuple = ()
    form: str = "text"  # text | request_user_info | image
    image_url: str | None = None


_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                          undefined=jinja2.StrictUndefined, autoescape=False,
                          keep_trailing_newline=False)


def _locale(locale):
    return locale if locale in LOCALES else DEFAULT_LOCALE


@cache
def labels(locale):
    """The button and short labels of a locale."""
    with open(TEMPLATE_DIR / _locale(locale) / "labels.json", encoding="utf-8") as handle:
        return json.load(handle)


def label(key, locale):
    """One label in `locale`, falling back to Vietnamese."""
    return labels(locale).get(key) or labels(DEFAULT_LOCALE)[key]


def render_text(name, params, locale):
    """Render template `name` in `locale` to plain text, trimmed to Zalo's limit.

    An admin's TemplateText override of (locale, name) wins over the file; an override that
    fails to render falls back to the file, so a bad edit never stops a message.
    """
    override = _override(_locale(locale), name)
    if override is not None:
        try:
            return fit_text(admin_texts.render(override, labels(locale), params).strip())
        except jinja2.TemplateError:  # an admin's text fails closed: the file is used
            log.exception("template override %s/%s failed; using the file", locale, name)
    template = _env.get_template(f"{_locale(locale)}/{name}.txt")
    text = template.render(L=labels(locale), **params).strip()
    return fit_text(text)


def render_string(body, params, locale):
    """Render an admin's draft the way render_text renders a saved one (jinja2.TemplateError
    for anything refused or failing)."""
    template = admin_texts.compile_text(body)
    return fit_text(admin_texts.render(template, labels(locale), params).strip())


# --- admin overrides (TemplateText rows), cached per process -------------------------------

OVERRIDE_CHECK_SECONDS = 5
_overrides = {"db": None, "checked": 0.0, "stamp": None, "templates": {}}


def _override(locale, name):
    """The compiled override of (locale, name), or None; the rows are re-read when they change."""
    db = database.obj
    if db is None:
        return None
    now = time.monotonic()
    if _overrides["db"] is not db or now - _overrides["checked"] > OVERRIDE_CHECK_SECONDS:
        _reload_overrides(db, now)
    return _overrides["templates"].get((locale, name))


def _reload_overrides(db, now):
    try:
        stamp = TemplateText.select(peewee.fn.MAX(TemplateText.updated_at),
                                    peewee.fn.COUNT(TemplateText.id)).tuples().get()
        if _overrides["db"] is not db or stamp != _overrides["stamp"]:
            _overrides["templates"] = _compile_overrides(TemplateText.select())
    except peewee.PeeweeException:  # no schema yet (e.g. before `db upgrade`)
        stamp, _overrides["templates"] = None, {}
    _overrides.update(db=db, checked=now, stamp=stamp)


def _compile_overrides(rows):
    compiled = {}
    for row in rows:
        try:
            compiled[(row.locale, row.name)] = admin_texts.compile_text(row.body)
        except jinja2.TemplateError as exc:
            log.error("template override %s/%s refused (%s); using the file", row.locale,
                      row.name, exc)
    return compiled


def forget_overrides():
    """Re-read the overrides on the next render (after an admin saved one in this process)."""
    _overrides["db"] = None


def fit_text(text, limit=MAX_TEXT):
    """NFC-normalise and cut `text` to `limit` characters, marking a cut with an ellipsis."""
    text = unicodedata.normalize("NFC", text)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def button_title(button, locale):
    """The text a button shows, which is also what tapping it sends back as the citizen's text."""
    return button.label if button.literal else label(button.label, locale)


def render_button(button, locale):
    """A Zalo button object."""
    title = button_title(button, locale)
    kind = BUTTON_TYPES[button.kind]
    if button.kind in ("query", "hidden"):
        payload = button.value or title
    elif button.kind == "url":
        payload = {"url": button.value}
    else:
        payload = {"phone_code": button.value}
    return {"title": title[:35], "type": kind, "payload": payload}


def render(reply, locale, card_image_url=""):
    """Turn a Reply into the `message` object of a Zalo cs send."""
    if reply.form == "request_user_info":
        element = {"title": render_text(reply.template + "_title", reply.params, locale),
                   "subtitle": render_text(reply.template, reply.params, locale),
                   "image_url": reply.image_url or card_image_url}
        return {"attachment": {"type": "template", "payload": {
            "template_type": "request_user_info", "elements": [element]}}}
    if reply.form == "image":
        message = {"attachment": {"type": "template", "payload": {
            "template_type": "media", "elements": [{"media_type": "image",
                                                    "url": reply.image_url}]}}}
        text = render_text(reply.template, reply.params, locale)
        if text:
            message["text"] = text
        return message
    message = {"text": render_text(reply.template, reply.params, locale)}
    buttons = [render_button(b, locale) for b in reply.buttons]
    if len(buttons) > MAX_BUTTONS:
        log.warning("template %s had %d buttons; Zalo takes %d", reply.template, len(buttons),
                    MAX_BUTTONS)
        buttons = buttons[:MAX_BUTTONS]
    if buttons:
        message["attachment"] = {"type": "template", "payload": {"buttons": buttons}}
    return message
