"""The guided report dialogue, pure: (draft, input) -> (draft, replies, effects).

A draft is a JSON-ready dict; `step` is the question last asked. Slots are filled in any
order (a location or photo sent early fills its slot); commands work in every step.
Effects ask the caller for I/O the dialogue cannot do itself (submit, look up a case).
"""
import re
from dataclasses import dataclass, field

from .. import areas
from ..delivery.messages import Button, Reply
from ..text import contains_phrase, fold, format_phone, normalize_phone, shorten

MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 2000
# The summary shows this much of a long description, so Zalo's 2,000-character limit never
# cuts off the instructions for the buttons below it.
SUMMARY_DESCRIPTION = 200
MAX_PHOTOS = 5
SLOTS = ("category", "description", "location", "photos", "contact")

COMMANDS = {
    "cancel": {"huy", "huy bo", "cancel", "thoi", "bo"},
    "back": {"quay lai", "tro lai", "back", "lui"},
    "help": {"tro giup", "giup", "giup do", "huong dan", "help"},
    "menu": {"menu", "bat dau", "start", "xin chao", "chao", "hi", "hello", "alo"},
    "report": {"phan anh", "phan anh moi", "bao cao", "bao su co", "gui phan anh", "report",
               "new report"},
    "status": {"tra cuu", "trang thai", "phan anh cua toi", "xem phan anh", "status",
               "my reports"},
    "continue": {"tiep tuc", "continue"},
    "english": {"english", "tieng anh"},
    "vietnamese": {"tieng viet", "vietnamese"},
    "announcements_off": {"dung thong bao", "tat thong bao", "huy nhan thong bao",
                          "stop announcements", "unsubscribe"},
    "announcements_on": {"nhan thong bao", "bat thong bao", "nhan lai thong bao",
                         "resume announcements", "resume", "subscribe"},
}
# Commands that take what follows them: "khu vực Bến Thành", "chủ đề 3".
ARGUMENT_COMMANDS = {"area": ("dang ky khu vuc", "khu vuc", "my area", "area"),
                     "topics": ("chu de", "topics", "topic")}
EMERGENCY_TOPIC = "emergency"
ANSWERS = {
    "done": {"xong", "da xong", "bo qua", "khong", "khong co", "tiep", "het", "done", "skip",
             "no", "next", "finish"},
    "submit": {"gui", "gui di", "xac nhan", "dong y", "ok", "co", "send", "submit", "confirm",
               "yes"},
    "submit_private": {"gui khong cong khai", "khong cong khai", "send privately",
                       "send private", "private"},
    "edit": {"sua", "chinh sua", "sua lai", "edit", "change"},
}
EDIT_FIELDS = {
    "category": {"linh vuc", "loai", "loai van de", "danh muc", "category"},
    "description": {"mo ta", "noi dung", "description"},
    "location": {"vi tri", "dia chi", "location", "address"},
    "photos": {"anh", "hinh", "hinh anh", "photos", "photo"},
    "contact": {"lien he", "so dien thoai", "contact", "phone"},
}
# Button label keys (labels.json) for the fields, in the order the edit menu shows them.
FIELD_LABELS = {"category": "field_category", "description": "field_description",
                "location": "field_location", "photos": "field_photos",
                "contact": "field_contact"}


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
    draft_expire_hours: float = 24


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


def new_draft():
    return {"step": "category", "category": None, "description": None, "location": None,
            "photos": [], "photos_done": False, "contact": None, "contact_done": False,
            "editing": False, "suggested": []}


def step(draft, event, ctx):
    """Advance the dialogue by one citizen input."""
    if isinstance(event, Text):
        return _on_text(draft, event.text, ctx)
    if isinstance(event, Location):
        return _on_location(draft, event, ctx)
    if isinstance(event, Photos):
        return _on_photos(draft, event.urls, ctx)
    if isinstance(event, Contact):
        return _on_contact(draft, event, ctx)
    return _on_other(draft, event.kind, ctx)


def welcome(ctx):
    """What a new follower is told."""
    return [Reply("welcome", buttons=_menu_buttons())]


def remind(draft, ctx):
    """The one reminder an idle draft gets."""
    return [Reply("draft_reminder"), *prompt(draft, ctx)]


def expire(draft, ctx):
    """What the citizen is told when an idle draft is dropped."""
    hours = ctx.draft_expire_hours
    return [Reply("draft_expired", {"hours": int(hours) if hours == int(hours) else hours},
                  buttons=_menu_buttons())]


# --- inputs -------------------------------------------------------------------------------

def _on_text(draft, text, ctx):
    folded = fold(text)
    feedback = parse_feedback(text, ctx.code_prefix)
    if feedback:
        return Outcome(draft, effects=[("feedback", *feedback)])
    code = find_case_code(text, ctx.code_prefix)
    if code:
        return Outcome(draft, effects=[("show_case", code)])
    command = _match(folded, COMMANDS)
    if command:
        return COMMAND_HANDLERS[command](draft, ctx)
    setting = _setting_command(folded, ctx)
    if setting:
        return Outcome(draft, effects=[setting])
    if draft is None:
        return _start_from_text(text, folded, ctx)
    return TEXT_HANDLERS[draft["step"]](draft, text, folded, ctx)


def _on_location(draft, event, ctx):
    draft = draft or new_draft()
    draft["location"] = {"latitude": event.latitude, "longitude": event.longitude,
                         "address": event.address}
    return _filled(draft, "location", ctx, note=Reply("location_received"))


def _on_photos(draft, urls, ctx):
    draft = draft or new_draft()
    room = MAX_PHOTOS - len(draft["photos"])
    taken = list(urls)[:max(room, 0)]
    draft["photos"].extend(taken)
    params = {"count": len(draft["photos"]), "ignored": len(urls) - len(taken),
              "max": MAX_PHOTOS}
    if len(draft["photos"]) >= MAX_PHOTOS:
        draft["photos_done"] = True
        return _filled(draft, "photos", ctx, note=Reply("photos_full", params))
    if draft["step"] == "photos":
        return Outcome(draft, [Reply("photos_received", params, buttons=(Button("done"),))])
    return Outcome(draft, [Reply("photo_noted", params), *prompt(draft, ctx)])


def _on_contact(draft, event, ctx):
    if draft is None:
        return Outcome(None, [Reply("contact_saved")])
    draft["contact"] = {"name": event.name, "phone": event.phone}
    draft["contact_done"] = True
    return _filled(draft, "contact", ctx, note=Reply("contact_received"))


def _on_other(draft, kind, ctx):
    if draft is None:
        return Outcome(None, [Reply("unexpected_idle", {"kind": kind}, buttons=_menu_buttons())])
    return Outcome(draft, [Reply("unexpected_input", {"kind": kind}), *prompt(draft, ctx)])


def _filled(draft, slot, ctx, note=None):
    """A slot got its value: move on if it was the question asked, else ask the question again."""
    notes = [note] if note else []
    if draft["step"] == slot:
        return Outcome(draft, notes + _advance(draft, ctx).replies)
    return Outcome(draft, notes + prompt(draft, ctx))


# --- text in each step --------------------------------------------------------------------

def _start_from_text(text, folded, ctx):
    if len(folded) < MIN_DESCRIPTION:
        return Outcome(None, [Reply("menu", {"has_draft": False}, buttons=_menu_buttons())])
    draft = new_draft()
    draft["description"] = text.strip()[:MAX_DESCRIPTION]
    draft["suggested"] = suggest_categories(folded, ctx.categories)
    return Outcome(draft, [Reply("report_started"), *prompt(draft, ctx)])


def _text_category(draft, text, folded, ctx):
    chosen = pick_category(folded, ctx)
    if chosen:
        draft["category"] = chosen.slug
        draft["step"] = next_step(draft) if not draft["editing"] else "confirm"
        draft["editing"] = False
        return Outcome(draft, [Reply("category_chosen", {"name": chosen.name(ctx.locale)}),
                               *prompt(draft, ctx)])
    suggested = suggest_categories(folded, ctx.categories)
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
    if folded in ANSWERS["done"]:
        draft["photos_done"] = True
        return _advance(draft, ctx)
    return Outcome(draft, [Reply("photos_expected"), *prompt(draft, ctx)])


def _text_contact(draft, text, folded, ctx):
    phone = normalize_phone(text) if re.fullmatch(r"[\d\s.+()-]{8,20}", text.strip()) else None
    if phone:
        draft["contact"] = {"name": None, "phone": phone}
    elif folded not in ANSWERS["done"]:
        return Outcome(draft, [Reply("contact_expected"), *prompt(draft, ctx)])
    draft["contact_done"] = True
    return _advance(draft, ctx)


def _text_confirm(draft, text, folded, ctx):
    if folded in ANSWERS["submit"]:
        return Outcome(None, effects=[("submit", draft)])
    if folded in ANSWERS["submit_private"]:
        return Outcome(None, effects=[("submit", {**draft, "public": False})])
    if folded in ANSWERS["edit"]:
        draft["step"] = "edit"
        return Outcome(draft, prompt(draft, ctx))
    return Outcome(draft, [Reply("confirm_expected"), *prompt(draft, ctx)])


def _text_edit(draft, text, folded, ctx):
    field_name = _match(folded, EDIT_FIELDS)
    if not field_name:
        return Outcome(draft, [Reply("edit_expected"), *prompt(draft, ctx)])
    if field_name == "photos":
        draft["photos"], draft["photos_done"] = [], False
    if field_name == "contact":
        draft["contact"], draft["contact_done"] = None, False
    draft["step"], draft["editing"] = field_name, True
    return Outcome(draft, prompt(draft, ctx))


def _advance(draft, ctx):
    draft["step"] = "confirm" if draft["editing"] else next_step(draft)
    draft["editing"] = False
    return Outcome(draft, prompt(draft, ctx))


TEXT_HANDLERS = {"category": _text_category, "description": _text_description,
                 "location": _text_location, "photos": _text_photos, "contact": _text_contact,
                 "confirm": _text_confirm, "edit": _text_edit}


# --- commands -----------------------------------------------------------------------------

def _cmd_cancel(draft, ctx):
    template = "cancelled" if draft else "nothing_to_cancel"
    return Outcome(None, [Reply(template, buttons=_menu_buttons())])


def _cmd_back(draft, ctx):
    if draft is None:
        return Outcome(None, [Reply("menu", {"has_draft": False}, buttons=_menu_buttons())])
    order = [*list(SLOTS), "confirm"]
    current = draft["step"] if draft["step"] in order else "confirm"
    index = order.index(current)
    if index == 0:
        return Outcome(draft, [Reply("back_at_start"), *prompt(draft, ctx)])
    previous = order[index - 1]
    if previous == "photos":
        draft["photos_done"] = False
    if previous == "contact":
        draft["contact_done"] = False
    draft["step"], draft["editing"] = previous, False
    return Outcome(draft, prompt(draft, ctx))


def _cmd_help(draft, ctx):
    replies = [Reply("help", {"has_draft": draft is not None})]
    return Outcome(draft, replies + (prompt(draft, ctx) if draft else []))


def _cmd_menu(draft, ctx):
    buttons = _menu_buttons(with_continue=draft is not None)
    return Outcome(draft, [Reply("menu", {"has_draft": draft is not None}, buttons=buttons)])


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


def _cmd_language(locale):
    def switch(draft, ctx):
        return Outcome(draft, effects=[("set_locale", locale)])
    return switch


def _cmd_announcements(on):
    def switch(draft, ctx):
        return Outcome(draft, effects=[("announcements", on)])
    return switch


COMMAND_HANDLERS = {"cancel": _cmd_cancel, "back": _cmd_back, "help": _cmd_help,
                    "menu": _cmd_menu, "report": _cmd_report, "status": _cmd_status,
                    "continue": _cmd_continue, "english": _cmd_language("en"),
                    "vietnamese": _cmd_language("vi"),
                    "announcements_off": _cmd_announcements(False),
                    "announcements_on": _cmd_announcements(True)}


def _setting_command(folded, ctx):
    """("area", [codes]) or ("topics", choice) for "khu vực …" / "chủ đề …", else None.

    "khu vực …" only counts when what follows names an area (or nothing does), so a report
    that happens to begin with those words is still a report.
    """
    for name, prefixes in ARGUMENT_COMMANDS.items():
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
    if rest in ("tat ca", "all"):
        return "all"
    if rest in ("khong", "none", "bo het"):
        return "none"
    if rest in ("khan cap", "emergency", "emergencies", str(len(ctx.categories) + 1)):
        return EMERGENCY_TOPIC
    chosen = pick_category(rest, ctx)
    return chosen.slug if chosen else "unknown"


# --- prompts ------------------------------------------------------------------------------

def next_step(draft):
    """The first slot still empty, or `confirm` when all are answered."""
    if draft["category"] is None:
        return "category"
    if draft["description"] is None:
        return "description"
    if draft["location"] is None:
        return "location"
    if not draft["photos_done"]:
        return "photos"
    if not draft["contact_done"]:
        return "contact"
    return "confirm"


def prompt(draft, ctx):
    """The question for the draft's current step."""
    return PROMPTS[draft["step"]](draft, ctx)


def _prompt_category(draft, ctx):
    by_slug = {c.slug: c for c in ctx.categories}
    ordered = [by_slug[s] for s in draft.get("suggested", []) if s in by_slug]
    ordered += [c for c in ctx.categories if c not in ordered]
    numbered = [{"number": i + 1, "name": c.name(ctx.locale)} for i, c in enumerate(ctx.categories)]
    suggested = [by_slug[s].name(ctx.locale) for s in draft.get("suggested", []) if s in by_slug]
    buttons = tuple(Button(c.name(ctx.locale), literal=True) for c in ordered[:5])
    return [Reply("ask_category", {"categories": numbered, "suggested": suggested},
                  buttons=buttons)]


def _prompt_description(draft, ctx):
    return [Reply("ask_description", {"min": MIN_DESCRIPTION})]


def _prompt_location(draft, ctx):
    return [Reply("ask_location")]


def _prompt_photos(draft, ctx):
    count = len(draft["photos"])
    return [Reply("ask_photos", {"count": count, "max": MAX_PHOTOS},
                  buttons=(Button("done" if count else "skip"),))]


def _prompt_contact(draft, ctx):
    return [Reply("ask_contact", form="request_user_info"),
            Reply("ask_contact_skip", buttons=(Button("skip"),))]


def _prompt_confirm(draft, ctx):
    return [Reply("confirm", summary_params(draft, ctx),
                  buttons=(Button("submit"), Button("submit_private"), Button("edit"),
                           Button("cancel")))]


def _prompt_edit(draft, ctx):
    return [Reply("ask_edit", buttons=tuple(Button(label) for label in FIELD_LABELS.values()))]


PROMPTS = {"category": _prompt_category, "description": _prompt_description,
           "location": _prompt_location, "photos": _prompt_photos, "contact": _prompt_contact,
           "confirm": _prompt_confirm, "edit": _prompt_edit}


def summary_params(draft, ctx):
    """The draft as the template parameters of its summary."""
    category = next((c for c in ctx.categories if c.slug == draft["category"]), None)
    location = draft["location"] or {}
    contact = draft["contact"] or {}
    return {"category": category.name(ctx.locale) if category else "",
            "description": shorten(draft["description"] or "", SUMMARY_DESCRIPTION),
            "address": location.get("address") or "",
            "latitude": location.get("latitude"), "longitude": location.get("longitude"),
            "photo_count": len(draft["photos"]),
            "contact_name": contact.get("name") or "",
            "contact_phone": format_phone(contact.get("phone") or "")}


def _menu_buttons(with_continue=False):
    buttons = [Button("report"), Button("status"), Button("help")]
    return tuple(([Button("continue")] if with_continue else []) + buttons)


# --- matching -----------------------------------------------------------------------------

def _match(folded, table):
    return next((key for key, words in table.items() if folded in words), None)


def find_case_code(text, prefix="PA"):
    """The first tracking code (e.g. PA-2611-000123) in `text`, upper-cased, or None."""
    match = re.search(rf"\b{re.escape(prefix)}\s*-?\s*(\d{{4}})\s*-?\s*(\d{{6}})\b", text or "",
                      re.IGNORECASE)
    return f"{prefix.upper()}-{match.group(1)}-{match.group(2)}" if match else None


def parse_feedback(text, prefix="PA"):
    """(code, answer) from a tapped "is it fixed?" or rating button, else None.

    The buttons send hidden payloads: "#fixed CODE", "#notfixed CODE", "#rate CODE N".
    """
    match = re.fullmatch(r"\s*#(fixed|notfixed|rate)\s+(\S+)(?:\s+([1-5]))?\s*", text or "")
    if not match:
        return None
    code = find_case_code(match.group(2), prefix)
    kind, score = match.group(1), match.group(3)
    if code is None or (kind == "rate") != (score is not None):
        return None
    return code, {"fixed": "fixed", "notfixed": "not_fixed"}.get(kind, score)


def pick_category(folded, ctx):
    """The category a citizen chose by number or by name, or None."""
    if folded.isdigit() and 1 <= int(folded) <= len(ctx.categories):
        return ctx.categories[int(folded) - 1]
    for category in ctx.categories:
        if folded in (fold(category.name_vi), fold(category.name_en), category.slug):
            return category
    return None


def suggest_categories(folded, categories, limit=3):
    """Category slugs whose keywords appear in the text, best first (longer phrases weigh more)."""
    scores = {}
    for category in categories:
        score = sum(len(k.split()) ** 2 for k in map(fold, category.keywords)
                    if k and contains_phrase(folded, k))
        if score:
            scores[category.slug] = score
    ranked = sorted(scores, key=lambda slug: -scores[slug])
    return ranked[:limit]
