"""The guided report dialogue, pure: (draft, input) -> (draft, replies, effects).

The steps are named once in steps.py; each has a transition for text here (TEXT) and a
question in prompts.py. Slots are filled in any order (a location or photo sent early fills its
slot); commands are the fallbacks that work in every step. Effects ask the caller for I/O the
dialogue cannot do itself (submit, look up a case). The state diagram is in docs/dialogue.md.
"""
import re
from dataclasses import dataclass, field

from .. import areas
from ..delivery.messages import Button, Reply
from ..text import fold, normalize_phone
from . import vocabulary
from .prompts import menu, menu_buttons, prompt
from .steps import (
    CATEGORY,
    CONFIRM,
    CONTACT,
    DESCRIPTION,
    EDIT,
    LOCATION,
    MAX_DESCRIPTION,
    MAX_PHOTOS,
    MIN_DESCRIPTION,
    ORDER,
    PHOTOS,
    new_draft,
    next_step,
)
from .understanding import find_case_code, parse_feedback, pick_category, understand

EMERGENCY_TOPIC = "emergency"


@dataclass(frozen=True)
class CategoryInfo:
    slug: str
    name_vi: str
    name_en: str
    keywords: tuple = ()

    def name(self, locale):
        return self.name_en if locale == "en" else self.name_vi


@dataclass(frozen=True)
class Context:
    """What the dialogue needs to know besides the draft: the categories and the language."""

    categories: tuple
    locale: str = "vi"
    code_prefix: str = "PA"
    province_code: int = 79


# --- inputs: what a citizen can send ------------------------------------------------------

@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    address: str | None = None


@dataclass(frozen=True)
class Photos:
    urls: tuple


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Other:
    """An input the dialogue has no slot for (sticker, audio, video, file, link, ...)."""

    kind: str


@dataclass
class Outcome:
    draft: dict | None
    replies: list = field(default_factory=list)
    effects: list = field(default_factory=list)


def step(draft, event, ctx):
    """Advance the dialogue by one citizen input."""
    return ON_INPUT[type(event)](draft, event, ctx)


# --- each kind of input -------------------------------------------------------------------

def _on_text(draft, event, ctx):
    text = event.text
    folded = fold(text)
    feedback = parse_feedback(text, ctx.code_prefix)
    if feedback:
        return Outcome(draft, effects=[("feedback", *feedback)])
    code = find_case_code(text, ctx.code_prefix)
    if code:
        return Outcome(draft, effects=[("show_case", code)])
    command = vocabulary.meaning("commands", folded)
    if command:
        return COMMANDS[command](draft, ctx)
    setting = _setting_command(folded, ctx)
    if setting:
        return Outcome(draft, effects=[setting])
    if draft is None:
        return _start_from_text(text, folded, ctx)
    return TEXT[draft["step"]](draft, text, folded, ctx)


def _on_location(draft, event, ctx):
    draft = draft or new_draft()
    draft["location"] = {"latitude": event.latitude, "longitude": event.longitude,
                         "address": event.address}
    return _filled(draft, LOCATION, ctx, note=Reply("location_received"))


def _on_photos(draft, event, ctx):
    urls = event.urls
    draft = draft or new_draft()
    room = MAX_PHOTOS - len(draft["photos"])
    taken = list(urls)[:max(room, 0)]
    draft["photos"].extend(taken)
    params = {"count": len(draft["photos"]), "ignored": len(urls) - len(taken),
              "max": MAX_PHOTOS}
    if len(draft["photos"]) >= MAX_PHOTOS:
        draft["photos_done"] = True
        return _filled(draft, PHOTOS, ctx, note=Reply("photos_full", params))
    if draft["step"] == PHOTOS:
        return Outcome(draft, [Reply("photos_received", params, buttons=(Button("done"),))])
    return Outcome(draft, [Reply("photo_noted", params), *prompt(draft, ctx)])


def _on_contact(draft, event, ctx):
    if draft is None:
        return Outcome(None, [Reply("contact_saved")])
    draft["contact"] = {"name": event.name, "phone": event.phone}
    draft["contact_done"] = True
    return _filled(draft, CONTACT, ctx, note=Reply("contact_received"))


def _on_other(draft, event, ctx):
    if draft is None:
        return Outcome(None, [Reply("unexpected_idle", {"kind": event.kind},
                                    buttons=menu_buttons())])
    return Outcome(draft, [Reply("unexpected_input", {"kind": event.kind}), *prompt(draft, ctx)])


ON_INPUT = {Text: _on_text, Location: _on_location, Photos: _on_photos, Contact: _on_contact,
            Other: _on_other}


def _filled(draft, slot, ctx, note=None):
    """A slot got its value: move on if it was the question asked, else ask the question again."""
    notes = [note] if note else []
    if draft["step"] == slot:
        return Outcome(draft, notes + _advance(draft, ctx).replies)
    return Outcome(draft, notes + prompt(draft, ctx))


def _advance(draft, ctx):
    draft["step"] = CONFIRM if draft["editing"] else next_step(draft)
    draft["editing"] = False
    return Outcome(draft, prompt(draft, ctx))


# --- text in each step: one transition per step -------------------------------------------

def _start_from_text(text, folded, ctx):
    if len(folded) < MIN_DESCRIPTION:
        return Outcome(None, menu(False))
    draft = new_draft()
    draft["description"] = text.strip()[:MAX_DESCRIPTION]
    draft["suggested"] = understand(text).guess.top()
    return Outcome(draft, [Reply("report_started"), *prompt(draft, ctx)])


def _text_category(draft, text, folded, ctx):
    chosen = pick_category(folded, ctx.categories)
    if chosen:
        draft["category"] = chosen.slug
        draft["step"] = next_step(draft) if not draft["editing"] else CONFIRM
        draft["editing"] = False
        return Outcome(draft, [Reply("category_chosen", {"name": chosen.name(ctx.locale)}),
                               *prompt(draft, ctx)])
    suggested = understand(text).guess.top()
    if draft["description"] is None and len(folded) >= MIN_DESCRIPTION:
        draft["description"] = text.strip()[:MAX_DESCRIPTION]
    if suggested:
        draft["suggested"] = suggested
    return Outcome(draft, [Reply("category_unclear"), *prompt(draft, ctx)])


def _text_description(draft, text, folded, ctx):
    length = len(text.strip())
    if len(folded) < MIN_DESCRIPTION:
        return Outcome(draft, [Reply("description_too_short", {"min": MIN_DESCRIPTION})])
    if length > MAX_DESCRIPTION:
        return Outcome(draft, [Reply("description_too_long",
                                     {"max": MAX_DESCRIPTION, "length": length})])
    draft["description"] = text.strip()
    return _advance(draft, ctx)


def _text_location(draft, text, folded, ctx):
    if len(folded) < 5:
        return Outcome(draft, [Reply("location_unclear"), *prompt(draft, ctx)])
    draft["location"] = {"latitude": None, "longitude": None, "address": text.strip()[:500]}
    return _advance(draft, ctx)


def _text_photos(draft, text, folded, ctx):
    if vocabulary.means("answers", "done", folded):
        draft["photos_done"] = True
        return _advance(draft, ctx)
    return Outcome(draft, [Reply("photos_expected"), *prompt(draft, ctx)])


def _text_contact(draft, text, folded, ctx):
    phone = normalize_phone(text) if re.fullmatch(r"[\d\s.+()-]{8,20}", text.strip()) else None
    if phone:
        draft["contact"] = {"name": None, "phone": phone}
    elif not vocabulary.means("answers", "done", folded):
        return Outcome(draft, [Reply("contact_expected"), *prompt(draft, ctx)])
    draft["contact_done"] = True
    return _advance(draft, ctx)


def _text_confirm(draft, text, folded, ctx):
    answer = vocabulary.meaning("answers", folded)
    if answer == "submit":
        return Outcome(None, effects=[("submit", draft)])
    if answer == "submit_private":
        return Outcome(None, effects=[("submit", {**draft, "public": False})])
    if answer == "edit":
        draft["step"] = EDIT
        return Outcome(draft, prompt(draft, ctx))
    return Outcome(draft, [Reply("confirm_expected"), *prompt(draft, ctx)])


def _text_edit(draft, text, folded, ctx):
    slot = vocabulary.meaning("fields", folded)
    if not slot:
        return Outcome(draft, [Reply("edit_expected"), *prompt(draft, ctx)])
    if slot == PHOTOS:
        draft["photos"], draft["photos_done"] = [], False
    if slot == CONTACT:
        draft["contact"], draft["contact_done"] = None, False
    draft["step"], draft["editing"] = slot, True
    return Outcome(draft, prompt(draft, ctx))


TEXT = {CATEGORY: _text_category, DESCRIPTION: _text_description, LOCATION: _text_location,
        PHOTOS: _text_photos, CONTACT: _text_contact, CONFIRM: _text_confirm, EDIT: _text_edit}


# --- fallbacks: commands that work in every step ------------------------------------------

def _cmd_cancel(draft, ctx):
    template = "cancelled" if draft else "nothing_to_cancel"
    return Outcome(None, [Reply(template, buttons=menu_buttons())])


def _cmd_back(draft, ctx):
    if draft is None:
        return Outcome(None, menu(False))
    current = draft["step"] if draft["step"] in ORDER else CONFIRM
    index = ORDER.index(current)
    if index == 0:
        return Outcome(draft, [Reply("back_at_start"), *prompt(draft, ctx)])
    previous = ORDER[index - 1]
    if previous == PHOTOS:
        draft["photos_done"] = False
    if previous == CONTACT:
        draft["contact_done"] = False
    draft["step"], draft["editing"] = previous, False
    return Outcome(draft, prompt(draft, ctx))


def _cmd_help(draft, ctx):
    replies = [Reply("help", {"has_draft": draft is not None})]
    return Outcome(draft, replies + (prompt(draft, ctx) if draft else []))


def _cmd_menu(draft, ctx):
    return Outcome(draft, menu(draft is not None))


def _cmd_report(draft, ctx):
    if draft is not None:
        return Outcome(draft, [Reply("draft_in_progress"), *prompt(draft, ctx)])
    draft = new_draft()
    return Outcome(draft, prompt(draft, ctx))


def _cmd_status(draft, ctx):
    return Outcome(draft, effects=[("list_cases",)])


def _cmd_continue(draft, ctx):
    if draft is None:
        return _cmd_menu(draft, ctx)
    return Outcome(draft, prompt(draft, ctx))


def _effect(*effect):
    """A command whose whole work is an effect; the draft stays as it is."""
    def command(draft, ctx):
        return Outcome(draft, effects=[effect])
    return command


COMMANDS = {"cancel": _cmd_cancel, "back": _cmd_back, "help": _cmd_help, "menu": _cmd_menu,
            "report": _cmd_report, "status": _cmd_status, "continue": _cmd_continue,
            "english": _effect("set_locale", "en"), "vietnamese": _effect("set_locale", "vi"),
            "announcements_off": _effect("announcements", False),
            "announcements_on": _effect("announcements", True)}


def _setting_command(folded, ctx):
    """("area", [codes]) or ("topics", choice) for "khu vực …" / "chủ đề …", else None.

    "khu vực …" only counts when what follows names an area (or nothing does), so a report
    that happens to begin with those words is still a report.
    """
    for name, prefixes in vocabulary.table("prefixes").items():
        for prefix in prefixes:
            if folded == prefix or folded.startswith(prefix + " "):
                rest = folded[len(prefix):].strip()
                if name == "topics":
                    return ("topics", parse_topic(rest, ctx))
                found = areas.match(rest, ctx.province_code) if rest else []
                if rest and not found:
                    return None
                return ("area", [a.code for a in found])
    return None


def parse_topic(rest, ctx):
    """What "chủ đề <rest>" asks for: None (show the list), "all", "none", or one topic."""
    if not rest:
        return None
    if rest == str(len(ctx.categories) + 1):  # the number after the categories' numbers
        return EMERGENCY_TOPIC
    choice = vocabulary.meaning("topics", rest)  # "all", "none" or EMERGENCY_TOPIC
    if choice:
        return choice
    chosen = pick_category(rest, ctx.categories)
    return chosen.slug if chosen else "unknown"
