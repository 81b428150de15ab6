"""Renders message templates (templates/messages/<locale>/) into Zalo `cs` message payloads."""
import json
import logging
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).parent / "templates" / "messages"
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
    """Render template `name` in `locale` to plain text, trimmed to Zalo's limit."""
    template = _env.get_template(f"{_locale(locale)}/{name}.txt")
    text = template.render(L=labels(locale), **params).strip()
    return fit_text(text)


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
