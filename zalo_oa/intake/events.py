"""Facts about a Zalo event payload that do not depend on which handler takes it (pure)."""
import json
import re

from ..timeutil import from_epoch_ms

# Zalo's ids are about 20 digits; the columns that keep them hold 64 characters.
MAX_ID_LENGTH = 64
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
    if len(user_id(payload) or "") > MAX_ID_LENGTH:
        return "the user id is too long"
    if name.startswith("user_send_") and not isinstance(payload.get("message"), dict):
        return f"{name} has no message"
    if name.startswith("anonymous_send_") and not (user_id(payload)
                                                   and conversation_id(payload)):
        return f"{name} names no anonymous sender and conversation"
    return None


# --- what the webhook checks once the MAC matched -------------------------------------------

# Zalo's payloads nest four or five levels; far deeper is no Zalo event.
MAX_DEPTH = 16
_SURROGATE = re.compile("[\ud800-\udfff]")


class Unreadable(ValueError):
    """A signed body whose content cannot be stored or handled (answered 400)."""


def parsed(text):
    """The JSON `text` as cleaned() leaves it. Most bodies need no walk: without a \\u escape
    no string can hold a NUL or a lone surrogate (raw ones are not JSON, or not UTF-8), and
    with at most MAX_DEPTH brackets nothing can nest deeper."""
    value = json.loads(text)
    if "\\u" not in text and text.count("{") + text.count("[") <= MAX_DEPTH:
        return value
    return cleaned(value)


def cleaned(value, depth=0):
    """`value` with NUL characters removed from every string (PostgreSQL text cannot hold
    them); Unreadable for lone surrogates (not text) or nesting deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise Unreadable("the body is nested too deeply")
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise Unreadable("the body holds a lone surrogate (not text)")
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {cleaned(k, depth + 1): cleaned(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(v, depth + 1) for v in value]
    return value


def oa_party(payload):
    """The OA id the event names: `oa_id`, the sender of OA-side events, else the recipient."""
    if payload.get("oa_id"):
        return str(payload["oa_id"])
    name = str(payload.get("event_name", ""))
    if name in OA_SENT or name.startswith("oa_"):
        return _id(payload.get("sender"))
    return _id(payload.get("recipient"))


def foreign(payload, app_id, oa_id):
    """Why this event is for another app or OA than ours, or None when it is ours."""
    given_app = payload.get("app_id")
    if app_id and given_app not in (None, "") and str(given_app) != app_id:
        return f"app_id {str(given_app)[:40]!r} is not ours"
    given_oa = oa_party(payload)
    if oa_id and given_oa is not None and given_oa != oa_id:
        return f"OA {given_oa[:40]!r} is not ours"
    return None


def outside_window(timestamp_ms, now_ms, max_age_ms, max_ahead_ms):
    """Why an event sent at `timestamp_ms` is too old (a replay) or too far ahead, or None."""
    age = now_ms - int(timestamp_ms)
    if age > max_age_ms:
        return f"sent {age // 60_000} minutes ago, older than the replay window"
    if age < -max_ahead_ms:
        return f"timestamp {-age // 1000} s in the future"
    return None
