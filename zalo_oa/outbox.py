"""Outbound messages: queued in the caller's transaction, claimed and sent by the worker."""
import datetime as dt
import json
import logging
import random

from flask import current_app

from .config import card_image_url
from .db import is_postgres, write_transaction
from .messages import render
from .models import OutboxMessage, utcnow
from .zalo.errors import ZaloError

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 6
BASE_BACKOFF_SECONDS = 5

# What each error's action leaves on the row.
FINAL_STATUS = {"fail": "failed", "window": "undeliverable", "skip": "skipped",
                "refresh": "failed"}


def queue_replies(citizen, replies, case=None, key=None, urgent=True):
    """Render `replies` in the citizen's language and queue them, in order.

    Replies to what a citizen just said are `urgent` (sent at any hour); scheduled pushes are
    not, and wait out the night (quiet hours).
    """
    return _queue_rendered(citizen.zalo_user_id, citizen, citizen.locale, replies, case, key,
                           urgent)


def queue_to_staff(member, reply, case, key):
    """Queue a message to a staff member's own Zalo account (reminders about their cases)."""
    return _queue_rendered(member.zalo_user_id, None, member.locale, [reply], case, key, False)


def _queue_rendered(user_id, citizen, locale, replies, case, key, urgent):
    rows = []
    now = utcnow()
    card = card_image_url(current_app.config)
    for index, reply in enumerate(replies):
        row = queue(user_id, reply.template, render(reply, locale, card_image_url=card),
                    citizen=citizen, case=case, urgent=urgent,
                    params={"template": reply.template, "locale": locale,
                            "params": _plain(reply.params)},
                    dedupe_key=f"{key}:{index}" if key else None,
                    due_at=now + dt.timedelta(microseconds=index))
        if row is not None:
            rows.append(row)
    return rows


def _plain(params):
    """Template parameters as JSON-ready values (dates and the like as text)."""
    return json.loads(json.dumps(params, default=str))


def queue(user_id, kind, message, citizen=None, case=None, dedupe_key=None, due_at=None,
          urgent=True, params=None, api="cs"):
    """Queue one message; a repeated `dedupe_key` queues nothing and returns None."""
    row = {"citizen": citizen, "zalo_user_id": user_id, "case": case, "kind": kind,
           "api": api, "payload": message, "dedupe_key": dedupe_key, "urgent": urgent,
           "params": params, "due_at": due_at or utcnow()}
    if dedupe_key is None:
        return OutboxMessage.create(**row)
    inserted = OutboxMessage.insert(**row).on_conflict_ignore().as_rowcount().execute()
    return OutboxMessage.get(OutboxMessage.dedupe_key == dedupe_key) if inserted else None


def claim_due(limit=50, now=None):
    """Lease up to `limit` due messages to this worker; stale leases are taken over."""
    now = now or utcnow()
    due = ((OutboxMessage.status == "pending") & (OutboxMessage.due_at <= now)) | (
        (OutboxMessage.status == "sending") & (OutboxMessage.claimed_until < now))
    with write_transaction():
        query = (OutboxMessage.select(OutboxMessage.id).where(due)
                 .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(limit))
        if is_postgres():
            query = query.for_update("FOR UPDATE SKIP LOCKED")
        ids = [row.id for row in query]
        if not ids:
            return []
        (OutboxMessage.update(status="sending", claimed_until=now + LEASE,
                              attempts=OutboxMessage.attempts + 1)
         .where(OutboxMessage.id.in_(ids)).execute())
    return list(OutboxMessage.select().where(OutboxMessage.id.in_(ids))
                .order_by(OutboxMessage.due_at, OutboxMessage.id))


def dispatch_due(client, limit=50):
    """Send what is due through `client`; return how many messages were handled."""
    handled = 0
    while True:
        batch = claim_due(limit)
        for message in batch:
            send_one(client, message)
        handled += len(batch)
        if len(batch) < limit:
            return handled


def send_one(client, message):
    """Send one claimed message and record the outcome on its row."""
    try:
        data = client.send_cs(message.zalo_user_id, message.payload)
    except ZaloError as exc:
        _record_failure(message, exc)
        return
    (OutboxMessage.update(status="sent", sent_at=utcnow(), claimed_until=None, last_error=None,
                          zalo_message_id=str(data.get("message_id") or "") or None)
     .where(OutboxMessage.id == message.id).execute())


def _record_failure(message, exc):
    reason = f"{exc.code}: {exc.message}"
    if exc.action == "retry" and message.attempts < MAX_ATTEMPTS:
        delay = BASE_BACKOFF_SECONDS * 2 ** (message.attempts - 1) * random.uniform(0.8, 1.2)
        update = {"status": "pending", "due_at": utcnow() + dt.timedelta(seconds=delay)}
        log.warning("message %s: %s; retry in %.0f s", message.id, reason, delay)
    else:
        update = {"status": FINAL_STATUS.get(exc.action, "failed")}
        log.warning("message %s %s: %s", message.id, update["status"], reason)
    (OutboxMessage.update(last_error=reason, claimed_until=None, **update)
     .where(OutboxMessage.id == message.id).execute())
