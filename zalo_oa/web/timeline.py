"""A case's one timeline: its recorded entries and the messages sent about it, with delivery."""
from dataclasses import dataclass, field

from ..models import OutboxMessage, TimelineEntry


@dataclass
class Item:
    """One line of the timeline: an entry (status, note, citizen message…) or a bot message."""

    at: object
    kind: str
    actor: str
    body: str = ""
    entry: TimelineEntry | None = None
    messages: list = field(default_factory=list)


def delivery_state(message):
    """(state, detail) of an outbox message, as staff read it: queued, sent, delivered, seen…"""
    if message.status in ("pending", "sending"):
        return "queued", message.last_error or ""
    if message.status == "sent":
        if message.seen_at:
            return "seen", ""
        return ("delivered" if message.delivered_at else "sent"), ""
    return message.status, message.last_error or ""


def message_text(message):
    """What a queued message says (its text, or the title of a card)."""
    payload = message.payload or {}
    if payload.get("text"):
        return payload["text"]
    elements = payload.get("attachment", {}).get("payload", {}).get("elements") or [{}]
    return elements[0].get("title") or elements[0].get("url") or message.kind


def build(entries, messages):
    """Merge entries and messages into one list, oldest first; a message that an entry names
    (entry.data["messages"]) is shown under that entry, the rest as messages of their own."""
    by_id = {m.id: m for m in messages}
    claimed = set()
    items = []
    for entry in entries:
        ids = (entry.data or {}).get("messages") or []
        attached = [by_id[i] for i in ids if i in by_id]
        claimed.update(m.id for m in attached)
        items.append(Item(entry.created_at, entry.kind, entry.actor, entry.body or "", entry,
                          attached))
    for message in messages:
        if message.id not in claimed:
            kind = "bot_message" if message.citizen_id else "staff_reminder"
            items.append(Item(message.created_at, kind, "bot", message_text(message),
                              None, [message]))
    items.sort(key=lambda item: (item.at, item.entry is None))
    return items


def for_case(case, after_id=None):
    """The timeline of `case` from the database (entries after `after_id` only, when given)."""
    entries = TimelineEntry.select().where(TimelineEntry.case == case)
    if after_id is not None:
        entries = entries.where(TimelineEntry.id > after_id)
    entries = list(entries.order_by(TimelineEntry.created_at, TimelineEntry.id))
    named = [i for e in entries for i in (e.data or {}).get("messages") or []]
    wanted = OutboxMessage.id.in_(named or [0])
    if after_id is None:
        wanted |= OutboxMessage.case == case
    messages = OutboxMessage.select().where(wanted).order_by(OutboxMessage.id)
    return build(entries, list(messages))
