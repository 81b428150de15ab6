"""The report dialogue's steps, named once, and the draft they fill.

A draft is a JSON-ready dict stored per citizen; `step` is the question last asked. The slots
are asked in SLOTS order (the category's extra questions last, skipped when it has none), then
the summary (`confirm`), from which `edit` reopens one. `emergency` is where the dialogue waits
after giving the numbers to call. Every per-step table (dialogue.TEXT, prompts.QUESTIONS) is
keyed by these names.
"""
STEPS = ("category", "description", "location", "photos", "contact", "questions", "confirm",
         "edit", "emergency")
(CATEGORY, DESCRIPTION, LOCATION, PHOTOS, CONTACT, QUESTIONS, CONFIRM, EDIT,
 EMERGENCY) = STEPS
SLOTS = STEPS[:6]
EDITABLE = SLOTS[:5]  # what the edit menu offers (Zalo shows five buttons at most)
ORDER = (*SLOTS, CONFIRM)  # the way `back` walks

MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 2000
MAX_PHOTOS = 5  # photos, voice messages and videos together

# When each slot counts as answered: photos, contact and questions may be answered with "none".
ANSWERED = {
    CATEGORY: lambda draft: draft["category"] is not None,
    DESCRIPTION: lambda draft: draft["description"] is not None,
    LOCATION: lambda draft: draft["location"] is not None,
    PHOTOS: lambda draft: draft["photos_done"],
    CONTACT: lambda draft: draft["contact_done"],
    QUESTIONS: lambda draft: draft["questions_done"],
}


def new_draft():
    return {"step": CATEGORY, "category": None, "description": None, "location": None,
            "photos": [], "media": [], "photos_done": False, "contact": None,
            "contact_done": False, "attributes": {}, "questions_done": False,
            "editing": False, "suggested": [], "misses": 0, "urgent": False,
            "emergency": None, "when": None, "location_guessed": False}


# A draft saved before a key existed gets this value (an old draft is not asked the extra
# questions it never expected).
_OLD_DRAFT = {"questions_done": True}


def upgrade(draft):
    """The draft with every key this release expects (drafts outlive releases)."""
    if draft is None:
        return None
    for key, value in new_draft().items():
        if key not in draft:
            draft[key] = _OLD_DRAFT.get(key, value)
    return draft


def next_step(draft):
    """The first slot still unanswered, or `confirm` when all are answered."""
    return next((slot for slot in SLOTS if not ANSWERED[slot](draft)), CONFIRM)


def evidence_count(draft):
    """Photos, voice messages and videos attached so far."""
    return len(draft["photos"]) + len(draft["media"])
