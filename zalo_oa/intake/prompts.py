"""What the dialogue asks at each step, with its buttons, and what it says outside a report.

Pure: a draft and the dialogue's context in, Replies out (templates/messages/<locale>/).
"""
from .. import areas
from ..delivery.messages import MAX_BUTTONS, Button, Reply
from ..text import display_phone, shorten
from .steps import (
    CATEGORY,
    CONFIRM,
    CONTACT,
    DESCRIPTION,
    EDIT,
    EDITABLE,
    EMERGENCY,
    EXTRA_QUESTIONS,
    LOCATION,
    MAX_PHOTOS,
    MIN_DESCRIPTION,
    PHOTOS,
    SAME_CASE,
    WARD,
    evidence_count,
)
from .understanding import emergency

# Button label keys (labels.json) of the fields, in the order the edit menu shows them.
FIELD_LABELS = {slot: f"field_{slot}" for slot in EDITABLE}
CATEGORY_BUTTONS = 5


def prompt(draft, ctx):
    """The question for the draft's current step."""
    return QUESTIONS[draft["step"]](draft, ctx)


def _ask_category(draft, ctx):
    by_slug = {c.slug: c for c in ctx.categories}
    suggested = [by_slug[s] for s in draft.get("suggested", []) if s in by_slug]
    ordered = suggested + [c for c in ctx.categories if c not in suggested]
    numbered = [{"number": i + 1, "name": c.name(ctx.locale)} for i, c in enumerate(ctx.categories)]
    buttons = tuple(Button(c.name(ctx.locale), literal=True) for c in ordered[:CATEGORY_BUTTONS])
    return [Reply("ask_category", {"categories": numbered,
                                   "suggested": [c.name(ctx.locale) for c in suggested]},
                  buttons=buttons)]


def _ask_description(draft, ctx):
    return [Reply("ask_description", {"min": MIN_DESCRIPTION})]


def _ask_location(draft, ctx):
    return [Reply("ask_location")]


def _ask_photos(draft, ctx):
    count = evidence_count(draft)
    return [Reply("ask_photos", {"count": count, "max": MAX_PHOTOS},
                  buttons=(Button("done" if count else "skip"),))]


def _ask_contact(draft, ctx):
    return [Reply("ask_contact", form="request_user_info"),
            Reply("ask_contact_skip", buttons=(Button("skip"),))]


def _ask_confirm(draft, ctx):
    return [Reply("confirm", summary_params(draft, ctx),
                  buttons=(Button("submit"), Button("submit_private"), Button("edit"),
                           Button("cancel")))]


def _ask_edit(draft, ctx):
    return [Reply("ask_edit", buttons=tuple(Button(label) for label in FIELD_LABELS.values()))]


def _ask_ward(draft, ctx):
    return [Reply("ask_ward", buttons=(Button("skip"),))]


def _ask_same_case(draft, ctx):
    cases = draft.get("same_cases") or []
    follow = (Button("follow_case"),) if len(cases) == 1 else tuple(
        Button(c["code"], literal=True) for c in cases[:3])
    return [Reply("same_case_offer", {"cases": cases}, buttons=(*follow, Button("new_case")))]



def _ask_question(draft, ctx):
    """The category's next extra question, its choices as buttons, and "Bỏ qua"."""
    category = ctx.category(draft["category"])
    asked = list(category.questions if category else ())
    pending = [q for q in asked if q["code"] not in draft["attributes"]]
    if not pending:
        return _ask_confirm(draft, ctx)
    question = pending[0]
    choices = [_value_name(v, ctx.locale) for v in question.get("values") or []]
    buttons = tuple(Button(c, literal=True) for c in choices[:MAX_BUTTONS - 1])
    return [Reply("ask_question", {
        "question": _question_text(question, ctx.locale), "choices": choices,
        "number": asked.index(question) + 1, "count": len(asked)},
        buttons=(*buttons, Button("skip")))]


def _question_text(question, locale):
    return (question.get("description_en") if locale == "en" else None) or \
        question.get("description") or question["code"]


def _value_name(value, locale):
    return (value.get("name_en") if locale == "en" else None) or value["name"]


def _ask_emergency(draft, ctx):
    return emergency_replies(draft)



QUESTIONS = {CATEGORY: _ask_category, DESCRIPTION: _ask_description, LOCATION: _ask_location,
             WARD: _ask_ward, PHOTOS: _ask_photos, CONTACT: _ask_contact,
             EXTRA_QUESTIONS: _ask_question, CONFIRM: _ask_confirm, EDIT: _ask_edit,
             SAME_CASE: _ask_same_case, EMERGENCY: _ask_emergency}


def emergency_replies(draft):
    """The numbers to call, as phone buttons, and the offer to record a report."""
    kinds = draft["emergency"] or []
    numbers = emergency.numbers_for(kinds)
    calls = tuple(Button(f"call_{n}", kind="phone", value=n) for n in numbers)
    return [Reply("emergency", {"kinds": list(kinds), "numbers": list(numbers)},
                  buttons=(*calls, Button("record"), Button("cancel")))]


def stuck_buttons(step, ctx):
    """The ways out after two misunderstood answers: "Khác" (at the category), skipping (where
    a step may be skipped), help and cancel."""
    other = ctx.category("other")
    first = ()
    if step == CATEGORY and other:
        first = (Button(other.name(ctx.locale), literal=True),)
    elif step in (WARD, PHOTOS, CONTACT, EXTRA_QUESTIONS):
        first = (Button("skip"),)
    return (*first, Button("help"), Button("cancel"))


# The summary shows this much of a long description, so Zalo's 2,000-character limit never
# cuts off the instructions for the buttons below it.
SUMMARY_DESCRIPTION = 200


def summary_params(draft, ctx):
    """The draft as the template parameters of its summary."""
    category = next((c for c in ctx.categories if c.slug == draft["category"]), None)
    location = draft["location"] or {}
    contact = draft["contact"] or {}
    return {"category": category.name(ctx.locale) if category else "",
            "description": shorten(draft["description"] or "", SUMMARY_DESCRIPTION),
            "address": location.get("address") or "",
            "ward": areas.name_of(location["ward_code"]) if location.get("ward_code") else "",
            "latitude": location.get("latitude"), "longitude": location.get("longitude"),
            "photo_count": evidence_count(draft),
            "contact_name": contact.get("name") or "",
            "contact_phone": display_phone(contact.get("phone") or "")}


def menu_buttons(with_continue=False):
    """The main menu: report, my reports, help (and continue, when a draft waits)."""
    buttons = [Button("report"), Button("status"), Button("help")]
    return tuple(([Button("continue")] if with_continue else []) + buttons)


def menu(has_draft):
    return [Reply("menu", {"has_draft": has_draft}, buttons=menu_buttons(with_continue=has_draft))]


# --- outside a report ---------------------------------------------------------------------

def welcome(ctx):
    """What a new follower is told."""
    return [Reply("welcome", buttons=menu_buttons())]


def remind(draft, ctx):
    """The one reminder an idle draft gets."""
    return [Reply("draft_reminder"), *prompt(draft, ctx)]


def expire(draft, ctx):
    """What the citizen is told when an idle draft is dropped (after the set hours)."""
    hours = ctx.draft_expire_hours
    return [Reply("draft_expired", {"hours": int(hours) if hours == int(hours) else hours},
                  buttons=menu_buttons())]
