"""Recorded webhook events: stored once by the web process, handled in order by the worker.

The webhook only verifies and records, so it answers Zalo well inside 2 s whatever the
handlers cost; handling one citizen's events one at a time, oldest first, keeps a burst of
photos from racing on the same draft.
"""
import json
import logging

import peewee

from . import events, handlers
from .db import database, is_postgres, write_transaction
from .models import InboundEvent, utcnow

log = logging.getLogger(__name__)


_COLUMNS = "dedupe_key, event_name, zalo_user_id, payload, status, received_at"


def _insert_sql():
    # Written out once rather than built by peewee per call: this runs on every webhook
    # request, where query building cost more than the SQLite commit itself.
    table = InboundEvent._meta.table_name
    if is_postgres():
        return (f"INSERT INTO {table} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (dedupe_key) DO NOTHING")
    return f"INSERT OR IGNORE INTO {table} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"


def record(payload, raw):
    """Store an event under its dedupe key; return False when it was already recorded."""
    params = (events.dedupe_key(payload), payload["event_name"], events.user_id(payload),
              raw.decode("utf-8"), "pending", InboundEvent.received_at.db_value(utcnow()))
    cursor = database.execute_sql(_insert_sql(), params)
    return cursor.rowcount == 1


def _next_event():
    """The oldest pending event whose citizen has no older event pending."""
    earlier = InboundEvent.alias()
    blocked = (earlier.select(earlier.id)
               .where((earlier.status == "pending") & (earlier.zalo_user_id ==
                                                        InboundEvent.zalo_user_id)
                      & (earlier.id < InboundEvent.id)))
    query = (InboundEvent.select()
             .where((InboundEvent.status == "pending") & ~peewee.fn.EXISTS(blocked))
             .order_by(InboundEvent.id).limit(1))
    if is_postgres():
        query = query.for_update("FOR UPDATE SKIP LOCKED")
    return query.first()


def process_one():
    """Handle the next event in its own transaction; return False when none is pending."""
    with write_transaction():
        row = _next_event()
        if row is None:
            return False
        try:
            with database.atomic():
                handled = handlers.handle(_as_event(row))
            row.status = "done" if handled else "ignored"
        except Exception as exc:  # a handler bug must not block the citizen's later events
            log.exception("event %s (%s) failed", row.id, row.event_name)
            row.status, row.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        row.handled_at = utcnow()
        row.save(only=[InboundEvent.status, InboundEvent.error, InboundEvent.handled_at])
    return True


def process_pending(limit=500):
    """Handle up to `limit` pending events; return how many were handled."""
    count = 0
    while count < limit and process_one():
        count += 1
    return count


def _as_event(row):
    payload = json.loads(row.payload)
    return handlers.Event(id=row.id, name=row.event_name, payload=payload,
                          user_id=row.zalo_user_id,
                          at=events.occurred_at(payload, row.received_at))
