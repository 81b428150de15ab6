"""Zalo event handlers, looked up by `event_name`; one module per event family."""
import datetime as dt
import logging
from dataclasses import dataclass

from flask import current_app

from .. import citizens, events

log = logging.getLogger(__name__)


@dataclass
class Event:
    """A recorded webhook event as handlers see it."""

    id: int
    name: str
    payload: dict
    user_id: str | None
    at: dt.datetime

    @property
    def key(self):
        """The prefix of dedupe keys for messages this event causes."""
        return f"evt:{self.id}"

    def citizen(self):
        """The citizen this event is from, created on first contact; interactions move the clock."""
        return citizens.touch(self.user_id, self.at, events.is_interaction(self.name),
                              self.payload.get("user_id_by_app"),
                              locale=current_app.config["DEFAULT_LOCALE"])


def _registry():
    from . import delivery, echo, follow, messages, submit_info, tags, withdraw

    table = {}
    for module in (messages, follow, submit_info, delivery, tags, echo, withdraw):
        table.update(module.HANDLERS)
    return table


REGISTRY = _registry()


def handler_for(name):
    """The handler of `name`; every OA echo shares one, whatever new kind Zalo adds."""
    if name in REGISTRY:
        return REGISTRY[name]
    if name.startswith("oa_send_"):
        return REGISTRY["oa_send_text"]
    return None


def handle(event):
    """Run the event's handler; return False when no handler knows the event."""
    handler = handler_for(event.name)
    if handler is None:
        log.info("event %s (%s) has no handler; acknowledged", event.id, event.name)
        return False
    handler(event)
    return True
