"""People chatting with the OA without following it (Zalo's `anonymous_send_*` events).

They get an answer in their conversation: the numbers to call when they describe an
emergency, and an invitation to follow the OA, without which no report can be followed up.
Nothing about them is kept but the event itself.
"""
from flask import current_app

from ..delivery.messages import Reply
from ..delivery.outbox import queue_anonymous
from .understanding import understand


def answer(anonymous_id, conversation_id, text, key):
    """Queue the answer to one anonymous message (`text` None for a photo, file, sticker)."""
    config = current_app.config
    replies = []
    if text:
        found = understand(text, config["PROVINCE_CODE"]).emergency
        if found:
            replies.append(Reply("anonymous_emergency", {"kinds": list(found.kinds),
                                                         "numbers": list(found.numbers)}))
    replies.append(Reply("anonymous_invite"))
    return queue_anonymous(anonymous_id, conversation_id, replies, config["DEFAULT_LOCALE"],
                           key)
