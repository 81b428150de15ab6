"""Facts about a Zalo event payload that do not depend on which handler takes it (pure)."""

from ..timeutil import from_epoch_ms

# Events that count as an interaction for Zalo's 7-day messaging window.
INTERACTIONS = {"follow", "user_click_chatnow", "user_submit_info"}
# Events where the OA is the sender and the citizen the recipient.
OA_SENT = {"user_received_message", "user_seen_message"}


def is_interaction(name):
    """True when this event restarts the citizen's messaging window."""
    return name in INTERACTIONS or name.startswith("user_send_")


def user_id(payload):
    """The OA-scoped id of the citizen an event is about, or None (tag events name several)."""
    name = str(payload.get("event_name", ""))
    if name in ("follow", "unfollow"):
        return _id(payload.get("follower"))
    if payload.get("user_id"):
        return str(payload["user_id"])
    if name in OA_SENT or name.startswith("oa_"):
        return _id(payload.get("recipient"))
    return _id(payload.get("sender"))


def _id(party):
    return str(party["id"]) if isinstance(party, dict) and party.get("id") else None


def dedupe_key(payload):
    """The key a redelivered event repeats: event name + msg_id, else name + user + timestamp."""
    name = str(payload.get("event_name", ""))
    message = payload.get("message")
    msg_id = message.get("msg_id") if isinstance(message, dict) else None
    if msg_id:
        return f"{name}:{msg_id}"[:191]
    return f"{name}:{user_id(payload) or '-'}:{payload.get('timestamp', '')}"[:191]


def occurred_at(payload, now):
    """When the event happened (its `timestamp`), never later than `now`."""
    at = from_epoch_ms(payload.get("timestamp"))
    return min(at, now) if at else now


def conversation_id(payload):
    """The anonymous conversation an `anonymous_send_*` event belongs to, or None."""
    message = payload.get("message")
    value = message.get("conversation_id") if isinstance(message, dict) else None
    return str(value) if value else None


def attachments(payload):
    """The message's attachments as a list of {type, payload} dicts (Zalo sends an array)."""
    message = payload.get("message") or {}
    items = message.get("attachments") or []
    return [a for a in items if isinstance(a, dict)] if isinstance(items, list) else []


def problem(payload):
    """Why this payload is not a usable Zalo event, or None when it is."""
    if not isinstance(payload, dict):
        return "the body is not a JSON object"
    name = payload.get("event_name")
    if not isinstance(name, str) or not name or len(name) > 64:
        return "no event_name"
    needs_user = name.startswith("user_send_") or name in (
        "follow", "unfollow", "user_submit_info", "user_click_chatnow")
    if needs_user and not user_id(payload):
        return f"{name} names no user"
    if name.startswith("user_send_") and not isinstance(payload.get("message"), dict):
        return f"{name} has no message"
    if name.startswith("anonymous_send_") and not (user_id(payload)
                                                   and conversation_id(payload)):
        return f"{name} names no anonymous sender and conversation"
    return None
