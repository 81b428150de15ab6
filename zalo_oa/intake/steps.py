"""The report dialogue's steps, named once, and the draft they fill.

A draft is a JSON-ready dict stored per citizen; `step` is the question last asked. The five
slots are asked in STEPS order, then the summary (`confirm`), from which `edit` reopens one.
Every per-step table (dialogue.TEXT, prompts.QUESTIONS) is keyed by these names.
"""
STEPS = ("category", "description", "location", "photos", "contact", "confirm", "edit")
CATEGORY, DESCRIPTION, LOCATION, PHOTOS, CONTACT, CONFIRM, EDIT = STEPS
SLOTS = STEPS[:5]
ORDER = (*SLOTS, CONFIRM)  # the way `back` walks

MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 2000
MAX_PHOTOS = 5

# When each slot counts as answered: photos and contact may be answered with "none".
ANSWERED = {
    CATEGORY: lambda draft: draft["category"] is not None,
    DESCRIPTION: lambda draft: draft["description"] is not None,
    LOCATION: lambda draft: draft["location"] is not None,
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
