"""Zalo event handlers, looked up by `event_name`; one module per event family."""
import logging

from ..intake import inbox

log = logging.getLogger(__name__)

def _registry():
    from . import anonymous, delivery, echo, follow, messages, submit_info, tags, withdraw

    table = {}
    for module in (messages, anonymous, follow, submit_info, delivery, tags, echo, withdraw):
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


def process_pending(limit=500):
    """Handle up to `limit` recorded events, oldest first per citizen; return the count."""
    return inbox.process_pending(handle, limit)
