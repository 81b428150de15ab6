"""The dialogue's steps, named once, and the draft they fill.

A draft is a JSON-ready dict stored per citizen; `step` is the question last asked. The slots
are asked in SLOTS order (the ward only when the place's ward could not be found; the
category's extra questions last, skipped when it has none), then the summary (`confirm`), from
which `edit` reopens one. `same_case` offers an open case nearby before a new one opens ("me
too"); `emergency` is where the dialogue waits after giving the numbers to call. Every per-step
table (dialogue.TEXT, prompts.QUESTIONS) is keyed by these names.
"""
STEPS = ("category", "description", "location", "ward", "photos", "contact", "questions",
         "confirm", "edit", "same_case", "emergency")
(CATEGORY, DESCRIPTION, LOCATION, WARD, PHOTOS, CONTACT, EXTRA_QUESTIONS, CONFIRM, EDIT,
 SAME_CASE, EMERGENCY) = STEPS
SLOTS = STEPS[:7]
# What the edit menu offers (Zalo shows five buttons at most; the ward is part of the location).
EDITABLE = (CATEGORY, DESCRIPTION, LOCATION, PHOTOS, CONTACT)
ORDER = (*SLOTS, CONFIRM)  # the way `back` walks

MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 2000
MAX_PHOTOS = 5  # photos, voice messages and videos together

# When each slot counts as answered: photos, contact and questions may be answered with "none".
ANSWERED = {
    CATEGORY: lambda draft: draft["category"] is not None,
    DESCRIPTION: lambda draft: draft["description"] is not None,
    LOCATION: lambda draft: draft["location"] is not None,
    # The ward is known (found, or named by the citizen), or the citizen would not say, or the
    # place came in the citizen's first words (its ward is looked up when the report is sent:
    # they are not asked again for what they said).
    WARD: lambda draft: bool(draft["location"] and (draft["location"].get("ward_code")
                                                   or draft.get("ward_skipped")
                                                   or draft.get("location_guessed"))),
    PHOTOS: lambda draft: draft["photos_done"],
    CONTACT: lambda draft: draft["contact_done"],
    EXTRA_QUESTIONS: lambda draft: draft["questions_done"],
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
