"""Recorded webhook events: stored once by the web process, handled in order by the worker.

The webhook only verifies and records, so it answers Zalo well inside 2 s whatever the
handlers cost; handling one citizen's events one at a time, oldest first, keeps a burst of
photos from racing on the same draft.
"""
import datetime as dt
import json
import logging
from dataclasses import dataclass

import peewee
from flask import current_app

from ..db import database, is_postgres, write_transaction
from ..models import InboundEvent, utcnow
from . import citizens, events, failed_events

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

_COLUMNS = "dedupe_key, event_name, zalo_user_id, payload, status, received_at"


def _insert_sql():
    # Written out once rather than built by peewee per call: this runs on every webhook
    # request, where query building cost more than the SQLite commit itself.
    table = InboundEvent._meta.table_name
    if is_postgres():
        return (f"INSERT INTO {table} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (dedupe_key) DO NOTHING")
    return f"INSERT OR IGNORE INTO {table} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"


def record(payload, text):
    """Store an event (`text`: its JSON) under its dedupe key; False when already recorded."""
    params = (events.dedupe_key(payload), payload["event_name"], events.user_id(payload),
              text, "pending", InboundEvent.received_at.db_value(utcnow()))
    cursor = database.execute_sql(_insert_sql(), params)
    return cursor.rowcount == 1


def _next_event(now):
    """The oldest event ready to handle (pending, or due for its retry) whose citizen has no
    older event still waiting."""
    earlier = InboundEvent.alias()
    blocked = (earlier.select(earlier.id)
               .where(earlier.status.in_(failed_events.WAITING)
                      & (earlier.zalo_user_id == InboundEvent.zalo_user_id)
                      & (earlier.id < InboundEvent.id)))
    ready = ((InboundEvent.status == "pending")
             | ((InboundEvent.status == "retry") & (InboundEvent.next_try_at <= now)))
    query = (InboundEvent.select()
             .where(InboundEvent.status.in_(failed_events.WAITING) & ready
                    & ~peewee.fn.EXISTS(blocked))
             .order_by(InboundEvent.id).limit(1))
    if is_postgres():
        query = query.for_update("FOR UPDATE SKIP LOCKED")
    return query.first()


def process_one(handle):
    """Handle the next event with `handle(event)` (False: nobody knows the event) in its own
    transaction; return False when none is ready. A handler that fails leaves nothing behind
    (its savepoint is rolled back) and the event is retried later, then parked."""
    now = utcnow()
    with write_transaction():
        row = _next_event(now)
        if row is None:
            return False
        try:
            with database.atomic():
                handled = handle(_as_event(row))
            row.status, row.next_try_at = ("done" if handled else "ignored"), None
        except Exception as exc:  # a handler bug must not stop the worker or lose the event
            log.exception("event %s (%s) failed", row.id, row.event_name)
            failed_events.record_failure(row, f"{type(exc).__name__}: {exc}",
                                         current_app.config["EVENT_ATTEMPTS"], now)
        row.handled_at = utcnow()
        row.save(only=[InboundEvent.status, InboundEvent.error, InboundEvent.handled_at,
                       InboundEvent.attempts, InboundEvent.next_try_at])
    return True


def prune(now=None, batch=5000):
    """Delete handled events received longer ago than the replay window (plus an hour, for
    clock skew): the webhook refuses their replays by age, so the dedupe rows are no longer
    needed. Events still waiting or parked are kept. Returns how many were deleted."""
    now = now or utcnow()
    hours = current_app.config["EVENT_MAX_AGE_HOURS"] + 1
    try:
        before = now - dt.timedelta(hours=hours)
    except OverflowError:  # a window wider than the calendar: nothing is ever old enough
        return 0
    deleted = 0
    while True:
        ids = [row.id for row in InboundEvent.select(InboundEvent.id)
               .where(InboundEvent.status.in_(("done", "ignored"))
                      & (InboundEvent.received_at < before))
               .order_by(InboundEvent.id).limit(batch)]
        if not ids:
            return deleted
        deleted += InboundEvent.delete().where(InboundEvent.id.in_(ids)).execute()


def process_pending(handle, limit=500):
    """Handle up to `limit` ready events with `handle`; return how many were handled."""
    count = 0
    while count < limit and process_one(handle):
        count += 1
    return count


def _as_event(row):
    payload = json.loads(row.payload)
    return Event(id=row.id, name=row.event_name, payload=payload, user_id=row.zalo_user_id,
                 at=events.occurred_at(payload, row.received_at))
