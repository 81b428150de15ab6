"""Recorded webhook events: stored once by the web process, handled in order by the worker.

The webhook only verifies and records, so it answers Zalo well inside 2 s whatever the
handlers cost; handling one citizen's events one at a time, oldest first, keeps a burst of
photos from racing on the same draft.
"""
import datetime as dt
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import peewee
from flask import current_app

from ..db import database, execute_eagerly, is_postgres, release, write_transaction
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
    cursor = execute_eagerly(_insert_sql(), params, "zalo_oa_record_event")
    return cursor.rowcount == 1


# Events claimed per transaction: on PostgreSQL one commit (and its flush to disk) serves the
# whole batch; on SQLite each transaction holds the one write lock the webhook's inserts wait
# for, so it stays one event long.
BATCH = {"postgres": 50, "sqlite": 1}
YIELD_MAX_S = 0.05


def _ready_events(now, limit):
    """The oldest events ready to handle (pending, or due for their retry) whose citizen has
    no older event still waiting: at most one per citizen, so a batch keeps each citizen's
    order. On PostgreSQL they are locked, and events another worker holds are skipped (their
    citizens' later events stay blocked behind them, still waiting)."""
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
             .order_by(InboundEvent.id).limit(limit))
    if is_postgres():
        query = query.for_update("FOR UPDATE SKIP LOCKED")
    return list(query)


def batch_size():
    """How many events one transaction claims on this database."""
    return BATCH["postgres" if is_postgres() else "sqlite"]


def process_batch(handle, limit=None):
    """Handle a batch of ready events with `handle(event)` (False: nobody knows the event) in
    one transaction, each in its own savepoint; return how many were taken (0: none ready).
    A handler that fails leaves nothing behind and its event is retried later, then parked."""
    now = utcnow()
    with write_transaction():
        rows = _ready_events(now, limit or batch_size())
        settled = {"done": [], "ignored": []}
        for row in rows:
            try:
                with database.atomic():
                    handled = handle(_as_event(row))
                settled["done" if handled else "ignored"].append(row.id)
            except Exception as exc:  # a handler bug must not stop the worker or lose the event
                log.exception("event %s (%s) failed", row.id, row.event_name)
                failed_events.record_failure(row, f"{type(exc).__name__}: {exc}",
                                             current_app.config["EVENT_ATTEMPTS"], now)
                row.handled_at = utcnow()
                row.save(only=[InboundEvent.status, InboundEvent.error, InboundEvent.handled_at,
                               InboundEvent.attempts, InboundEvent.next_try_at])
        handled_at = utcnow()
        for status, ids in settled.items():
            if ids:  # one statement per outcome rather than one per event
                (InboundEvent.update(status=status, handled_at=handled_at, next_try_at=None)
                 .where(InboundEvent.id.in_(ids)).execute())
    return len(rows)


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
    """Handle up to `limit` ready events with `handle`, batch by batch; return how many.

    On PostgreSQL a full first batch means a backlog: it is then shared by EVENT_THREADS
    threads, which claim disjoint batches (SKIP LOCKED) and so keep each citizen's order."""
    if not is_postgres():
        return _drain(handle, limit)
    first = process_batch(handle, min(limit, batch_size()))
    threads = current_app.config["EVENT_THREADS"]
    if not first or first >= limit:
        return first
    if threads <= 1 or first < batch_size():  # a short batch: little is waiting
        return first + _drain(handle, limit - first)
    app = current_app._get_current_object()
    share = -(-(limit - first) // threads)
    with ThreadPoolExecutor(threads, thread_name_prefix="events") as pool:
        shares = [pool.submit(_drain_in_context, app, handle, share) for _ in range(threads)]
        return first + sum(future.result() for future in shares)


def _drain(handle, limit):
    count = 0
    while count < limit:
        began = time.monotonic()
        taken = process_batch(handle, min(limit - count, batch_size()))
        if not taken:
            break
        count += taken
        if not is_postgres():
            _let_writers_in(time.monotonic() - began)
    return count


def _let_writers_in(held):
    """Pause as long as the last transaction held SQLite's write lock (at most YIELD_MAX_S).

    A webhook insert that finds the lock taken sleeps in SQLite's busy handler (1, 2, 5 ...
    100 ms) and must wake while the lock is free; back-to-back worker transactions leave it no
    such moment, and acks took seconds. Half the time free keeps its waits to a few tries."""
    time.sleep(min(held, YIELD_MAX_S))


def _drain_in_context(app, handle, limit):
    """_drain in a thread of its own: its own app context and pooled connection."""
    with app.app_context():
        try:
            return _drain(handle, limit)
        finally:
            release()


def _as_event(row):
    payload = json.loads(row.payload)
    return Event(id=row.id, name=row.event_name, payload=payload, user_id=row.zalo_user_id,
                 at=events.occurred_at(payload, row.received_at))
