"""The guided report dialogue, pure: (draft, input) -> (draft, replies, effects).

The steps are named once in steps.py; each has a transition for text here (TEXT) and a
question in prompts.py. Slots are filled in any order (a location or photo sent early fills its
slot; the first message's words may fill the category, the description and the location at
once); commands are the fallbacks that work in every step. An emergency is answered before
anything else. Effects ask the caller for I/O the dialogue cannot do itself (submit, look up a
case). The state diagram is in docs/dialogue.md.
"""
import re
from dataclasses import dataclass, field

from .. import areas
from ..delivery.messages import Button, Reply
from ..text import contains_phrase, fold, normalize_phone
from . import vocabulary
from .prompts import emergency_replies, menu, menu_buttons, prompt, stuck_buttons
from .steps import (
    ANSWERED,
    CATEGORY,
    CONFIRM,
    CONTACT,
    DESCRIPTION,
    EDIT,
    EMERGENCY,
    EXTRA_QUESTIONS,
    LOCATION,
    MAX_DESCRIPTION,
    MAX_PHOTOS,
    MIN_DESCRIPTION,
    ORDER,
    PHOTOS,
    SAME_CASE,
    WARD,
    evidence_count,
    new_draft,
    next_step,
    upgrade,
)
from .understanding import (
    find_case_code,
    parse_feedback,
    pick_category,
    understand,
    ward_in,
)
from .understanding.words import letters_share, split

EMERGENCY_TOPIC = "emergency"
MISSES_BEFORE_HELP = 2
MIN_PLAUSIBLE = 0.5  # share of a text's words that must look like words (not key mashing)
SHORT_GUESS = 0.45  # a few words at the category step ("đèn", "ổ gà") pick a category above this
INTENT_WORDS = 9  # "tôi muốn phản ánh một việc" up to this long says no more than that


@dataclass(frozen=True)
class CategoryInfo:
    slug: str
    name_vi: str
    name_en: str
    keywords: tuple = ()
    questions: tuple = ()  # Open311-shaped: {code, datatype, required, description, values}

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

    def category(self, slug):
        return next((c for c in self.categories if c.slug == slug), None)


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
class Media:
    """Voice messages or videos: evidence kept with the photos."""

    kind: str  # audio | video
    urls: tuple


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Other:
    """An input the dialogue has no slot for (sticker, file, link, ...)."""

    kind: str


@dataclass
class Outcome:
    draft: dict | None
    replies: list = field(default_factory=list)
    effects: list = field(default_factory=list)


def step(draft, event, ctx):
    """Advance the dialogue by one citizen input."""
    return ON_INPUT[type(event)](upgrade(draft), event, ctx)


# --- each kind of input -------------------------------------------------------------------

def _on_text(draft, event, ctx):
    text = event.text
    folded = fold(text)
    feedback = parse_feedback(text, ctx.code_prefix)
    if feedback:
        return Outcome(draft, effects=[("feedback", *feedback)])
    if draft is not None and draft["step"] == SAME_CASE:
        picked = _same_case_answer(draft, text, folded, ctx)
        if picked:
            return picked
    code = find_case_code(text, ctx.code_prefix)
    if code:
        return Outcome(draft, effects=[("show_case", code)])
    command = vocabulary.meaning("commands", folded)
    if command:
        return COMMANDS[command](draft, ctx)
    setting = _setting_command(text, folded, ctx)
    if setting:
        return setting(draft)
    reading = understand(text, ctx.province_code)
    if reading.emergency and not (draft and draft["urgent"]):
        return _emergency(draft, text, reading, ctx)
    if draft is None:
        return _start_from_text(text, folded, reading, ctx)
    return TEXT[draft["step"]](draft, text, folded, ctx, reading)


def _on_location(draft, event, ctx):
    return _locate(draft or new_draft(), {"latitude": event.latitude,
                                          "longitude": event.longitude,
                                          "address": event.address})


def _on_photos(draft, event, ctx):
    draft = draft or new_draft()
    taken = _attach(draft, event.urls, draft["photos"].append)
    params = {"count": len(draft["photos"]), "ignored": len(event.urls) - taken,
              "max": MAX_PHOTOS}
    return _evidence_added(draft, ctx, Reply("photos_received", params),
                           Reply("photo_noted", params), Reply("photos_full", params))


def _on_media(draft, event, ctx):
    draft = draft or new_draft()
    taken = _attach(draft, event.urls,
                    lambda url: draft["media"].append({"kind": event.kind, "url": url}))
    params = {"kind": event.kind, "count": evidence_count(draft), "max": MAX_PHOTOS,
              "ignored": len(event.urls) - taken}
    received = Reply("media_received", params)
    return _evidence_added(draft, ctx, received, received, received)


def _attach(draft, urls, keep):
    """Keep as many of `urls` as there is room for; return how many were kept."""
    room = max(MAX_PHOTOS - evidence_count(draft), 0)
    for url in list(urls)[:room]:
        keep(url)
    return min(len(urls), room)


def _evidence_added(draft, ctx, received, noted, full):
    """After a photo, voice message or video: full, or more welcome, or back to the question."""
    if evidence_count(draft) >= MAX_PHOTOS:
        draft["photos_done"] = True
        return _filled(draft, PHOTOS, ctx, note=full)
    if draft["step"] == PHOTOS:
        return Outcome(draft, [Reply(received.template, received.params,
                                     buttons=(Button("done"),))])
    return Outcome(draft, [noted, *prompt(draft, ctx)])


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


ON_INPUT = {Text: _on_text, Location: _on_location, Photos: _on_photos, Media: _on_media,
            Contact: _on_contact, Other: _on_other}


def _filled(draft, slot, ctx, note=None):
    """A slot got its value: move on if it was the question asked, else ask the question again."""
    notes = [note] if note else []
    if draft["step"] == slot:
        return Outcome(draft, notes + _advance(draft, ctx).replies)
    return Outcome(draft, notes + prompt(draft, ctx))


def _advance(draft, ctx, notes=()):
    draft["step"] = CONFIRM if draft["editing"] else next_step(draft)
    draft["editing"] = False
    draft["misses"] = 0
    return Outcome(draft, [*notes, *prompt(draft, ctx)])


def _missed(draft, ctx, reply):
    """Text not understood at this step: say so and ask again; after two misses in a row,
    offer the ways out ("Khác", help, cancel) instead of repeating the question."""
    draft["misses"] += 1
    if draft["misses"] >= MISSES_BEFORE_HELP:
        draft["misses"] = 0
        return Outcome(draft, [Reply("stuck", {"step": draft["step"],
                                               "skippable": draft["step"] in SKIPPABLE},
                                     buttons=stuck_buttons(draft["step"], ctx))])
    return Outcome(draft, [reply, *prompt(draft, ctx)])


# --- understanding free text: the first message, a description, an emergency -------------

def _emergency(draft, text, reading, ctx):
    """Numbers to call first; the report (urgent) waits for the citizen to want it."""
    draft = draft or new_draft()
    _take_facts(draft, text, reading)
    draft["urgent"] = True
    draft["emergency"] = list(reading.emergency.kinds)
    if draft["category"] is None:
        guess = reading.guess
        fallback = reading.emergency.category
        draft["suggested"] = [fallback] + [s for s in guess.top() if s != fallback]
    draft["step"] = EMERGENCY
    return Outcome(draft, emergency_replies(draft))


def _take_facts(draft, text, reading):
    """Keep a description, and the place and time it gives, where the draft has none yet."""
    cleaned = text.strip()[:MAX_DESCRIPTION]
    if draft["description"] is None:
        draft["description"] = cleaned
    elif cleaned.lower() not in draft["description"].lower():
        draft["description"] = f"{draft['description']}\n{cleaned}"[:MAX_DESCRIPTION]
    if draft["location"] is None and reading.place.address:
        draft["location"] = reading.place.location()
        draft["location_guessed"] = True
    if reading.when and not draft["when"]:
        draft["when"] = reading.when


def _describes_something(text, reading):
    """A description, as opposed to a greeting, keys mashed or "I want to report": words
    that say something."""
    if reading.evidence or reading.place.address:
        return True
    words = split(text)
    folded = fold(text)
    if len(words) <= INTENT_WORDS and any(contains_phrase(folded, phrase) for phrase in
                                          vocabulary.table("intents")["report"]):
        return False
    return len(words) >= 4 and letters_share(words) >= MIN_PLAUSIBLE


def _start_from_text(text, folded, reading, ctx):
    if len(folded) < MIN_DESCRIPTION:
        return Outcome(None, menu(False))
    if letters_share(split(text)) < MIN_PLAUSIBLE and not reading.evidence:
        return Outcome(None, [Reply("not_understood", buttons=menu_buttons())])
    draft = new_draft()
    if not _describes_something(text, reading):
        return Outcome(draft, prompt(draft, ctx))
    _take_facts(draft, text, reading)
    return _categorise(draft, reading, ctx, Reply("report_started"))


def _categorise(draft, reading, ctx, unsure_note):
    """Take the category when one is clearly ahead (say so, with "Đổi loại"); otherwise ask,
    the likeliest first."""
    guess = reading.guess
    chosen = ctx.category(guess.best) if reading.evidence and guess.confident else None
    if chosen is None:
        if reading.evidence:  # else keep what was suggested already (an emergency's own)
            draft["suggested"] = guess.top()
        draft["step"] = CATEGORY
        return Outcome(draft, [unsure_note, *prompt(draft, ctx)])
    _set_category(draft, chosen)
    return _advance(draft, ctx, notes=[_understood(draft, chosen, ctx)])


def _understood(draft, category, ctx):
    """What the bot took from the message, with the buttons to change it."""
    location = draft["location"] or {}
    guessed = draft["location_guessed"] and location.get("address")
    buttons = (Button("change_category"),) + ((Button("change_location"),) if guessed else ())
    return Reply("report_understood", {"category": category.name(ctx.locale),
                                       "address": location.get("address") if guessed else "",
                                       "when": draft["when"] or ""}, buttons=buttons)


def _set_category(draft, category):
    if draft["category"] != category.slug:
        draft["attributes"] = {}
    draft["category"] = category.slug
    draft["questions_done"] = not category.questions


# --- text in each step: one transition per step -------------------------------------------

def _text_category(draft, text, folded, ctx, reading):
    chosen = pick_category(folded, ctx.categories)
    if chosen is None and vocabulary.means("answers", "done", folded):
        chosen = ctx.category("other")  # "bỏ qua": staff will sort it
    if chosen:
        _set_category(draft, chosen)
        return _advance(draft, ctx, notes=[Reply("category_chosen",
                                                 {"name": chosen.name(ctx.locale)})])
    if len(folded) < MIN_DESCRIPTION:
        guess = reading.guess
        short = ctx.category(guess.best) if reading.evidence else None
        if short and guess.ranked[0][1] >= SHORT_GUESS:
            _set_category(draft, short)
            return _advance(draft, ctx, notes=[Reply("category_chosen",
                                                     {"name": short.name(ctx.locale)})])
        if reading.evidence:
            draft["suggested"] = guess.top()
        return _missed(draft, ctx, Reply("category_unclear"))
    if not _describes_something(text, reading):
        return _missed(draft, ctx, Reply("category_unclear"))
    # A description typed where the category was asked: keep it and read it.
    _take_facts(draft, text, reading)
    whole = understand(draft["description"], ctx.province_code)
    return _categorise(draft, whole, ctx, Reply("report_started"))


def _text_description(draft, text, folded, ctx, reading):
    length = len(text.strip())
    if len(folded) < MIN_DESCRIPTION:
        return Outcome(draft, [Reply("description_too_short", {"min": MIN_DESCRIPTION})])
    if length > MAX_DESCRIPTION:
        return Outcome(draft, [Reply("description_too_long",
                                     {"max": MAX_DESCRIPTION, "length": length})])
    had_location = draft["location"] is not None
    draft["description"] = None
    _take_facts(draft, text, reading)
    notes = []
    if not had_location and draft["location"] is not None:
        notes.append(Reply("location_understood", {"address": draft["location"]["address"]},
                           buttons=(Button("change_location"),)))
    return _advance(draft, ctx, notes=notes)


def _text_location(draft, text, folded, ctx, reading):
    if len(folded) < 5:
        return _missed(draft, ctx, Reply("location_unclear"))
    place = reading.place
    ward_code = place.ward_code or ward_in(text, ctx.province_code)[0]
    draft["location_guessed"] = False
    return _locate(draft, {"latitude": None, "longitude": None, "address": text.strip()[:500],
                           "ward_code": ward_code})


def _text_photos(draft, text, folded, ctx, reading):
    if vocabulary.means("answers", "done", folded):
        draft["photos_done"] = True
        return _advance(draft, ctx)
    return _missed(draft, ctx, Reply("photos_expected"))


def _text_contact(draft, text, folded, ctx, reading):
    phone = normalize_phone(text) if re.fullmatch(r"[\d\s.+()-]{8,20}", text.strip()) else None
    if phone:
        draft["contact"] = {"name": None, "phone": phone}
    elif not vocabulary.means("answers", "done", folded):
        return _missed(draft, ctx, Reply("contact_expected"))
    draft["contact_done"] = True
    return _advance(draft, ctx)


def _text_questions(draft, text, folded, ctx, reading):
    question = current_question(draft, ctx)
    if question is None:
        draft["questions_done"] = True
        return _advance(draft, ctx)
    if vocabulary.meaning("answers", folded) in ("submit", "submit_private"):
        draft["questions_done"] = True  # "Gửi": the rest are skipped, the summary comes next
        return _advance(draft, ctx)
    if vocabulary.means("answers", "done", folded):
        answer = None
    else:
        answer = _answer(question, text, folded)
        if answer is None:
            return _missed(draft, ctx, Reply("question_expected", {
                "choices": [v["name"] for v in question.get("values", [])],
                "datatype": question.get("datatype")}))
    draft["attributes"][question["code"]] = answer
    if current_question(draft, ctx) is None:
        draft["questions_done"] = True
        return _advance(draft, ctx)
    draft["misses"] = 0
    return Outcome(draft, prompt(draft, ctx))


def current_question(draft, ctx):
    """The category's first extra question not yet answered or skipped, or None."""
    category = ctx.category(draft["category"])
    for question in category.questions if category else ():
        if question["code"] not in draft["attributes"]:
            return question
    return None


def _answer(question, text, folded):
    """The stored answer to one extra question: a value's key, a number or the text; None when
    the text does not answer it."""
    values = question.get("values") or []
    if values:
        if folded.isdigit() and 1 <= int(folded) <= len(values):
            return values[int(folded) - 1]["key"]
        for value in values:
            if folded in (fold(str(value["key"])), fold(value["name"]),
                          fold(value.get("name_en", ""))):
                return value["key"]
        return None
    if question.get("datatype") == "number":
        match = re.search(r"-?\d+(?:[.,]\d+)?", text)
        return float(match.group().replace(",", ".")) if match else None
    return text.strip()[:500] or None


def _text_confirm(draft, text, folded, ctx, reading):
    answer = vocabulary.meaning("answers", folded)
    if answer == "submit":
        return Outcome(None, effects=[("submit", draft)])
    if answer == "submit_private":
        return Outcome(None, effects=[("submit", {**draft, "public": False})])
    if answer == "edit":
        draft["step"] = EDIT
        return Outcome(draft, prompt(draft, ctx))
    return _missed(draft, ctx, Reply("confirm_expected"))


def _text_edit(draft, text, folded, ctx, reading):
    slot = vocabulary.meaning("fields", folded)
    if not slot:
        return _missed(draft, ctx, Reply("edit_expected"))
    if slot == PHOTOS:
        draft["photos"], draft["media"], draft["photos_done"] = [], [], False
    if slot == CONTACT:
        draft["contact"], draft["contact_done"] = None, False
    draft["step"], draft["editing"] = slot, True
    return Outcome(draft, prompt(draft, ctx))


# --- places: the ward of a report, and open cases like it nearby ("me too") ---------------

def _locate(draft, location):
    """A place was given: the caller finds its ward, address or coordinates (effect
    `locate`) and carries on with `located`."""
    draft["location"] = {"ward_code": None, **location}
    draft.pop("ward_skipped", None)
    return Outcome(draft, effects=[("locate",)])


def located(draft, location, ctx):
    """Continue with the place the caller found ({latitude, longitude, address, ward_code},
    any of them None): say what was understood, then ask the next question."""
    draft["location"] = location
    ward = areas.name_of(location["ward_code"]) if location.get("ward_code") else ""
    note = Reply("location_received", {"address": location.get("address") or "", "ward": ward,
                                       "mapped": location.get("latitude") is not None})
    return _filled(draft, LOCATION, ctx, note=note)


def _text_ward(draft, text, folded, ctx, reading):
    if vocabulary.means("answers", "done", folded):
        draft["ward_skipped"] = True
        return _advance(draft, ctx)
    found = areas.match(text, ctx.province_code)
    if len(found) == 1:
        draft["location"]["ward_code"] = found[0].code
        return Outcome(draft, [Reply("ward_chosen", {"ward": found[0].name}),
                               *_advance(draft, ctx).replies])
    if found:
        buttons = (*(Button(a.name, literal=True) for a in found[:4]), Button("skip"))
        return Outcome(draft, [Reply("ward_choose", {"wards": [a.name for a in found]},
                                     buttons=buttons)])
    return Outcome(draft, [Reply("ward_unknown"), *prompt(draft, ctx)])


def offer_same_case(draft, cases, ctx):
    """Open cases like the submitted one nearby ({code, category, address, metres, status,
    created_date, followers}, nearest first): ask whether it is one of them."""
    draft["step"], draft["same_cases"] = SAME_CASE, cases
    return Outcome(draft, prompt(draft, ctx))


def _same_case_answer(draft, text, folded, ctx):
    """Follow a case offered (its button or its code) or send a new one; None otherwise."""
    codes = [c["code"] for c in draft.get("same_cases") or []]
    code = find_case_code(text, ctx.code_prefix)
    answer = vocabulary.meaning("answers", folded)
    submitted = {k: v for k, v in draft.items() if k != "same_cases"}
    if code in codes or (answer == "follow" and codes):
        return Outcome(None, effects=[("follow_case", code if code in codes else codes[0],
                                       submitted)])
    if answer in ("new_case", "done"):
        return Outcome(None, effects=[("submit", {**submitted, "same_checked": True})])
    return None


def _text_same_case(draft, text, folded, ctx, reading):
    return Outcome(draft, [Reply("same_case_expected"), *prompt(draft, ctx)])



def _text_emergency(draft, text, folded, ctx, reading):
    """After the numbers: "Ghi nhận phản ánh" (or more words about it) goes on with the report."""
    if not (vocabulary.meaning("answers", folded) in ("record", "submit")
            or len(folded) >= MIN_DESCRIPTION):
        return _missed(draft, ctx, Reply("category_unclear"))
    if vocabulary.meaning("answers", folded) not in ("record", "submit"):
        _take_facts(draft, text, reading)
    whole = understand(draft["description"] or text, ctx.province_code)
    return _categorise(draft, whole, ctx, Reply("report_started"))



TEXT = {CATEGORY: _text_category, DESCRIPTION: _text_description, LOCATION: _text_location,
        WARD: _text_ward, PHOTOS: _text_photos, CONTACT: _text_contact,
        EXTRA_QUESTIONS: _text_questions, CONFIRM: _text_confirm, EDIT: _text_edit,
        SAME_CASE: _text_same_case, EMERGENCY: _text_emergency}
SKIPPABLE = (WARD, PHOTOS, CONTACT, EXTRA_QUESTIONS)


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
    if previous == WARD and ANSWERED[WARD](draft):  # found by itself: nothing to ask
        previous = LOCATION
    if previous == EXTRA_QUESTIONS and not ctx.category(draft["category"]).questions:
        previous = CONTACT
    if previous == PHOTOS:
        draft["photos_done"] = False
    if previous == CONTACT:
        draft["contact_done"] = False
    if previous == EXTRA_QUESTIONS:
        draft["attributes"], draft["questions_done"] = {}, False
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


def _cmd_change_category(draft, ctx):
    """"Đổi loại": ask the category again, the likeliest first; the rest of the draft stays."""
    if draft is None:
        return _cmd_menu(draft, ctx)
    if draft["description"]:
        draft["suggested"] = understand(draft["description"], ctx.province_code).guess.top()
    draft["category"], draft["attributes"], draft["questions_done"] = None, {}, False
    draft["step"], draft["editing"], draft["misses"] = CATEGORY, False, 0
    return Outcome(draft, prompt(draft, ctx))


def _cmd_change_location(draft, ctx):
    """"Đổi vị trí": ask where again."""
    if draft is None:
        return _cmd_menu(draft, ctx)
    draft["location"], draft["location_guessed"] = None, False
    draft["step"], draft["editing"], draft["misses"] = LOCATION, False, 0
    return Outcome(draft, prompt(draft, ctx))


def _effect(*effect):
    """A command whose whole work is an effect; the draft stays as it is."""
    def command(draft, ctx):
        return Outcome(draft, effects=[effect])
    return command


COMMANDS = {"cancel": _cmd_cancel, "back": _cmd_back, "help": _cmd_help, "menu": _cmd_menu,
            "report": _cmd_report, "status": _cmd_status, "continue": _cmd_continue,
            "change_category": _cmd_change_category, "change_location": _cmd_change_location,
            "english": _effect("set_locale", "en"), "vietnamese": _effect("set_locale", "vi"),
            "announcements_off": _effect("announcements", False),
            "announcements_on": _effect("announcements", True)}

def _keeping_draft(effect):
    return lambda draft: Outcome(draft, effects=[effect])


AREA_NAME_WORDS = 5  # "khu vực <name>" with a longer tail is a report that begins that way


def _setting_command(text, folded, ctx):
    """For "khu vực …" / "chủ đề …", a function of the draft giving the Outcome, else None.

    "khu vực …" counts when what follows names an area, or nothing does, or it is a short
    name that matches none (then the citizen is told so); a report that happens to begin with
    those words is still a report.
    """
    for name, prefixes in vocabulary.table("prefixes").items():
        for prefix in prefixes:
            if folded == prefix or folded.startswith(prefix + " "):
                rest = folded[len(prefix):].strip()
                if name == "topics":
                    return _keeping_draft(("topics", parse_topic(rest, ctx)))
                found = areas.match(rest, ctx.province_code) if rest else []
                if found or not rest:
                    return _keeping_draft(("area", [a.code for a in found]))
                if len(rest.split()) <= AREA_NAME_WORDS and not understand(
                        rest, ctx.province_code).evidence:
                    typed = " ".join(text.split()[len(prefix.split()):]).strip(" .,!?")
                    return lambda draft: Outcome(draft, [Reply("area_unknown", {"name": typed})])
                return None
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
