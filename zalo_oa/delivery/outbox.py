"""Outbound messages: queued in the caller's transaction, leased to one sender, outcome kept."""
import datetime as dt
import json
import logging
import random

import peewee
from flask import current_app

from ..config import card_image_url
from ..db import is_postgres, write_transaction
from ..models import Citizen, OutboxMessage, Staff, utcnow
from ..timeutil import parse_quiet_hours, to_local, to_utc_naive
from . import window
from .messages import render

log = logging.getLogger(__name__)

# A recipient known only by phone (a caller with no Zalo follower linked): "phone:84912345678".
PHONE_PREFIX = "phone:"
BASE_BACKOFF_SECONDS = 5
MAX_BACKOFF_SECONDS = 3600
IN_FLIGHT = ("pending", "sending")


# --- queueing ---------------------------------------------------------------------------------

def queue_replies(citizen, replies, case=None, key=None, urgent=True):
    """Render `replies` in the citizen's language and queue them, in order.

    Replies to what a citizen just said are `urgent` (sent at any hour); scheduled pushes are
    not, and wait out the night (quiet hours).
    """
    return _queue_rendered(citizen.zalo_user_id, citizen, citizen.locale, replies, case, key,
                           urgent)


def queue_anonymous(anonymous_id, conversation_id, replies, locale, key):
    """Queue replies to an anonymous chatter: text only, through Zalo's anonymous reply."""
    now = utcnow()
    rows = []
    for index, reply in enumerate(replies):
        message = {"text": render(reply, locale)["text"]}
        row = queue(anonymous_id, reply.template, message, dedupe_key=f"{key}:{index}",
                    due_at=now + dt.timedelta(microseconds=index), api=window.ANONYMOUS,
                    conversation_id=conversation_id)
        if row is not None:
            rows.append(row)
    return rows


def queue_to_staff(member, reply, case, key):
    """Queue a reminder to a staff member; the sender picks Zalo, e-mail, ZNS or the dashboard
    (a member without a Zalo account gets a queue of their own, `staff:<id>`)."""
    return _queue_rendered(member.zalo_user_id or f"staff:{member.id}", None, member.locale,
                           [reply], case, key, False, staff=member)


def queue_to_phone(phone, locale, replies, case, key, urgent=False):
    """Queue replies to someone known only by phone (84...): they can only go by ZNS."""
    return _queue_rendered(PHONE_PREFIX + phone, None, locale, replies, case, key, urgent)


def phone_of(message):
    """The phone number a phone-only message goes to, else None."""
    if message.citizen_id is None and message.zalo_user_id.startswith(PHONE_PREFIX):
        return message.zalo_user_id[len(PHONE_PREFIX):]
    return None


def _queue_rendered(user_id, citizen, locale, replies, case, key, urgent, staff=None):
    rows = []
    now = utcnow()
    card = card_image_url(current_app.config)
    for index, reply in enumerate(replies):
        row = queue(user_id, reply.template, render(reply, locale, card_image_url=card),
                    citizen=citizen, case=case, urgent=urgent, staff=staff,
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
          urgent=True, params=None, api="cs", staff=None, conversation_id=None):
    """Queue one message; a repeated `dedupe_key` queues nothing and returns None."""
    now = utcnow()
    due_at = due_at or now
    if not urgent:
        quiet = parse_quiet_hours(current_app.config["QUIET_HOURS"])
        due_at = to_utc_naive(window.not_before_morning(to_local(due_at), quiet))
    max_age = dt.timedelta(hours=current_app.config["SEND_MAX_AGE_HOURS"])
    row = {"citizen": citizen, "staff": staff, "zalo_user_id": user_id, "case": case,
           "kind": kind, "api": api, "conversation_id": conversation_id, "payload": message,
           "dedupe_key": dedupe_key, "urgent": urgent,
           "params": params, "due_at": due_at, "expires_at": due_at + max_age}
    if dedupe_key is None:
        return OutboxMessage.create(**row)
    insert = OutboxMessage.insert(**row).on_conflict_ignore()
    if is_postgres():  # the row comes back with the insert: one round trip, not two
        return next(iter(insert.returning(OutboxMessage).execute()), None)
    inserted = insert.as_rowcount().execute()
    return OutboxMessage.get(OutboxMessage.dedupe_key == dedupe_key) if inserted else None


# --- leasing ----------------------------------------------------------------------------------

def claim_due(limit=50, now=None, lease_seconds=None, exclude_users=(), stale=True):
    """Lease up to `limit` due messages, at most one per recipient, oldest first.

    A recipient's next message is only leased once the one before it is settled, so messages
    reach each citizen in order even with many senders. A lease whose sender died is taken
    over when it runs out (that message may then arrive twice: the price of never losing it;
    each takeover is counted in `resends`, shown on /healthz), unless Zalo's message id was
    recorded for it, which proves it was sent; `stale=False` skips looking for those, for
    callers that look only now and then.
    """
    now = now or utcnow()
    lease = dt.timedelta(seconds=lease_seconds or current_app.config["SEND_LEASE_SECONDS"])
    with write_transaction():
        rows = _settle_sent_leases(_claimable(now, limit, exclude_users, stale))
        if not rows:
            return []
        ids = [row.id for row in rows]
        taken_over = peewee.Case(None, ((OutboxMessage.status == "sending",
                                         OutboxMessage.resends + 1),), OutboxMessage.resends)
        (OutboxMessage.update(status="sending", claimed_until=now + lease,
                              attempts=OutboxMessage.attempts + 1, resends=taken_over)
         .where(OutboxMessage.id.in_(ids)).execute())
    for row in rows:
        if row.status == "sending":
            log.warning("message %s: lease ran out in a sender; sending again (it may arrive "
                        "twice)", row.id)
            row.resends += 1
        row.status, row.attempts = "sending", row.attempts + 1
    return rows


def _settle_sent_leases(rows):
    """Leases that ran out after Zalo's message id was recorded were sent: mark them so rather
    than send again; return the other rows."""
    sent = [row for row in rows if row.status == "sending" and row.zalo_message_id]
    if sent:
        (OutboxMessage.update(status="sent", claimed_until=None,
                              sent_at=peewee.fn.COALESCE(OutboxMessage.sent_at, utcnow()))
         .where(OutboxMessage.id.in_([row.id for row in sent])).execute())
    return [row for row in rows if row not in sent]


def _claimable(now, limit, exclude_users, stale):
    """Leases that ran out (when `stale`), then due messages; each query walks the
    (status, due_at) index in order, where one query with an OR sorted every due row."""
    rows = []
    if stale:
        rows = list(_claim_query((OutboxMessage.status == "sending")
                                 & (OutboxMessage.claimed_until < now), limit, exclude_users))
    if len(rows) < limit:
        due = _claim_query((OutboxMessage.status == "pending") & (OutboxMessage.due_at <= now),
                           limit - len(rows), exclude_users)
        rows += list(due)
    return rows


def _claim_query(condition, limit, exclude_users):
    earlier = OutboxMessage.alias()
    blocked = (earlier.select(earlier.id).where(
        (earlier.zalo_user_id == OutboxMessage.zalo_user_id)
        & earlier.status.in_(IN_FLIGHT)
        & ((earlier.due_at < OutboxMessage.due_at)
           | ((earlier.due_at == OutboxMessage.due_at) & (earlier.id < OutboxMessage.id)))))
    query = OutboxMessage.select().where(condition & ~peewee.fn.EXISTS(blocked))
    if exclude_users:
        query = query.where(OutboxMessage.zalo_user_id.not_in(list(exclude_users)))
    query = query.order_by(OutboxMessage.due_at, OutboxMessage.id).limit(limit)
    return query.for_update("FOR UPDATE SKIP LOCKED") if is_postgres() else query


def attach_citizens(rows):
    """Load the leased messages' citizens (and staff) in one query each: the sender needs them."""
    for model, field in ((Citizen, "citizen"), (Staff, "staff")):
        ids = {getattr(row, f"{field}_id") for row in rows if getattr(row, f"{field}_id")}
        found = {p.id: p for p in model.select().where(model.id.in_(ids))} if ids else {}
        for row in rows:
            if getattr(row, f"{field}_id"):
                setattr(row, field, found.get(getattr(row, f"{field}_id")))


def dashboard_reminders(staff, now, days=7, limit=20):
    """The reminders that could reach `staff` neither by Zalo, e-mail nor ZNS: shown on the
    dashboard instead, newest first."""
    since = now - dt.timedelta(days=days)
    return list(OutboxMessage.select()
                .where((OutboxMessage.staff == staff) & (OutboxMessage.channel == "dashboard")
                       & (OutboxMessage.sent_at >= since))
                .order_by(OutboxMessage.id.desc()).limit(limit))


# --- outcomes ---------------------------------------------------------------------------------

def settle(message, status, **fields):
    """Record a final or interim outcome on the message's row and release its lease."""
    fields.setdefault("claimed_until", None)
    (OutboxMessage.update(status=status, **fields)
     .where(OutboxMessage.id == message.id).execute())


def mark_sent(message, route, zalo_message_id, cost_class=None, quota_type=None, cost_vnd=None):
    """Record a send Zalo accepted: the route it took, what it cost (Zalo's quota_type when it
    said), its message id. When a sender whose lease was taken over finishes too, the message
    went twice: the first id is kept, the repeat logged."""
    fields = {"status": "sent", "sent_at": utcnow(), "last_error": None, "claimed_until": None,
              "channel": route.channel, "cost_class": cost_class or route.cost_class,
              "quota_type": quota_type, "cost_vnd": cost_vnd}
    first_time = (OutboxMessage.update(zalo_message_id=zalo_message_id or None, **fields)
                  .where((OutboxMessage.id == message.id)
                         & OutboxMessage.zalo_message_id.is_null()).execute())
    if not first_time:
        log.warning("message %s was sent twice (the repeat has Zalo id %s)", message.id,
                    zalo_message_id or "-")
        OutboxMessage.update(**fields).where(OutboxMessage.id == message.id).execute()


def retry_later(message, reason, due_at=None, counts=True):
    """Put the message back for a later try, or fail it once it is too old to matter."""
    now = utcnow()
    if due_at is None:
        backoff = BASE_BACKOFF_SECONDS * 2 ** max(message.attempts - 1, 0)
        due_at = now + dt.timedelta(
            seconds=min(backoff, MAX_BACKOFF_SECONDS) * random.uniform(0.8, 1.2))
    if message.expires_at is not None and due_at > message.expires_at:
        log.warning("message %s failed: %s; gave up after %s attempts", message.id, reason,
                    message.attempts)
        settle(message, "failed", last_error=f"gave up after {message.attempts} attempts: "
                                             f"{reason}")
        return
    extra = {} if counts else {"attempts": OutboxMessage.attempts - 1}
    settle(message, "pending", due_at=due_at, last_error=reason, **extra)
    log.info("message %s: %s; retry at %s", message.id, reason, due_at)
