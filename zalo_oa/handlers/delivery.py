"""Receipts and reactions on what the OA sent: delivered, seen, reacted."""
import logging

from ..models import OutboxMessage

log = logging.getLogger(__name__)


def _message_ids(payload):
    message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    ids = message.get("msg_ids")
    if isinstance(ids, list):
        return [str(i) for i in ids if i]
    return [str(message["msg_id"])] if message.get("msg_id") else []


def _mark(field, event):
    ids = _message_ids(event.payload)
    if ids:
        (OutboxMessage.update({field: event.at})
         .where(OutboxMessage.zalo_message_id.in_(ids) & field.is_null())
         .execute())


def on_user_received_message(event):
    _mark(OutboxMessage.delivered_at, event)


def on_user_seen_message(event):
    # Seen implies delivered, and Zalo only sends receipts from mobile clients.
    _mark(OutboxMessage.delivered_at, event)
    _mark(OutboxMessage.seen_at, event)


def on_user_reacted_message(event):
    message = event.payload.get("message") or {}
    log.info("citizen reacted %s to message %s", message.get("react_icon"),
             message.get("msg_id"))
    event.citizen()


HANDLERS = {"user_received_message": on_user_received_message,
            "user_seen_message": on_user_seen_message,
            "user_reacted_message": on_user_reacted_message,
            "oa_reacted_message": lambda event: None}
