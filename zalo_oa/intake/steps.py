"""The report dialogue's steps, named once, and the draft they fill.

A draft is a JSON-ready dict stored per citizen; `step` is the question last asked. The
slots are asked in STEPS order, then the summary (`confirm`), from which `edit` reopens one.
`ward` is asked only when the place's ward could not be found; `same_case` offers an open case
nearby before a new one opens ("me too"). Every per-step table (dialogue.TEXT,
prompts.QUESTIONS) is keyed by these names.
"""
STEPS = ("category", "description", "location", "ward", "photos", "contact", "confirm", "edit",
         "same_case")
CATEGORY, DESCRIPTION, LOCATION, WARD, PHOTOS, CONTACT, CONFIRM, EDIT, SAME_CASE = STEPS
SLOTS = STEPS[:6]
ORDER = (*SLOTS, CONFIRM)  # the way `back` walks

MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 2000
MAX_PHOTOS = 5

# When each slot counts as answered: photos and contact may be answered with "none".
ANSWERED = {
    CATEGORY: lambda draft: draft["category"] is not None,
    DESCRIPTION: lambda draft: draft["description"] is not None,
    LOCATION: lambda draft: draft["location"] is not None,
    # The ward is known (found, or named by the citizen), or the citizen would not say.
    WARD: lambda draft: bool(draft["location"] and (draft["location"].get("ward_code")
                                                   or draft.get("ward_skipped"))),
    PHOTOS: lambda draft: draft["photos_done"],
    CONTACT: lambda draft: draft["contact_done"],
}


def new_draft():
    return {"step": CATEGORY, "category": None, "description": None, "location": None,
            "photos": [], "photos_done": False, "contact": None, "contact_done": False,
            "editing": False, "suggested": []}


def next_step(draft):
    """The first slot still unanswered, or `confirm` when all are answered."""
    return next((slot for slot in SLOTS if not ANSWERED[slot](draft)), CONFIRM)
