"""Broadcasts: drafts, the estimated split, scheduling, fan-out into the outbox, pause, resume,
cancel, progress and the failure report.

Fan-out is a bulk insert in keyset batches with one dedupe key per (broadcast, citizen), so a
fan-out that is interrupted and run again queues only the citizens still missing.
"""
import csv
import datetime as dt
import io
import json
import logging

import peewee
from flask import current_app

from .. import spreadsheet
from ..config import card_image_url
from ..db import database, is_postgres
from ..delivery import window
from ..delivery.messages import MAX_TEXT, Button, Reply, render
from ..errors import Refused
from ..models import Broadcast, Citizen, OutboxMessage, utcnow
from ..timeutil import parse_quiet_hours, to_local, to_utc_naive
from . import audience, audience_query, channel

log = logging.getLogger(__name__)

KIND = "broadcast"
# Citizens per INSERT ... SELECT: on SQLite each batch holds the write lock the webhook waits
# for; on PostgreSQL fewer, larger statements save commits and round trips.
BATCH = 1000
PG_BATCH = 10_000
EDITABLE = ("draft", "scheduled")
PENDING = ("pending", "sending")
FAILED = ("failed", "undeliverable")


# --- drafts -------------------------------------------------------------------------------------

def _clean_button(button):
    if not button or button.get("kind") not in ("url", "phone"):
        return None
    label, value = str(button.get("label") or "").strip(), str(button.get("value") or "").strip()
    return {"kind": button["kind"], "label": label[:35], "value": value} if label and value \
        else None


def save_draft(fields, staff=None, broadcast=None):
    """Create a draft, or update one not yet sent; Refused (e.g. "too_long") says why not."""
    title, body = str(fields.get("title") or "").strip(), str(fields.get("body") or "").strip()
    if not title or not body:
        raise Refused("required")
    if len(title) + len(body) + 2 > MAX_TEXT:
        raise Refused("too_long")
    if broadcast is not None and broadcast.status not in EDITABLE:
        raise Refused("already_sent")
    broadcast = broadcast or Broadcast(created_by=staff)
    broadcast.title, broadcast.body = title, body
    broadcast.image_url = (fields.get("image_url") or "").strip() or None
    broadcast.button = _clean_button(fields.get("button"))
    broadcast.audience = audience.normalize(fields.get("audience"))
    broadcast.emergency = bool(fields.get("emergency"))
    broadcast.article_id = (fields.get("article_id") or "").strip() or None
    broadcast.channel = "article" if broadcast.article_id and fields.get("channel") == "article" \
        else "message"
    broadcast.status = "draft"
    broadcast.save()
    return broadcast


def reply_of(broadcast):
    """The broadcast as a Reply: title and body, then an optional image or button."""
    buttons = ()
    if broadcast.button:
        button = broadcast.button
        buttons = (Button(button["label"], kind=button["kind"], value=button["value"],
                          literal=True),)
    return Reply(KIND, {"title": broadcast.title, "body": broadcast.body}, buttons,
                 form="image" if broadcast.image_url else "text",
                 image_url=broadcast.image_url)


def preview(broadcast, locale="vi"):
    """The Zalo `message` object one recipient in `locale` gets."""
    return render(reply_of(broadcast), locale, card_image_url=card_image_url(current_app.config))


# --- estimate ---------------------------------------------------------------------------------

def estimate(broadcast, now=None):
    """Each route with its recipients and VND (see channel.estimate)."""
    return channel.estimate(broadcast, now or utcnow())


# --- lifecycle ----------------------------------------------------------------------------------

def _require(broadcast, *statuses):
    if broadcast.status not in statuses:
        raise Refused("wrong_state")


def _set_status(broadcast, status, **fields):
    broadcast.status = status
    for name, value in fields.items():
        setattr(broadcast, name, value)
    broadcast.save()


def _sendable(broadcast):
    _require(broadcast, *EDITABLE)
    if not audience.is_targeted(broadcast.audience):
        raise Refused("no_audience")
    if not channel.has_channel(broadcast):
        raise Refused("no_channel")


def send_now(broadcast):
    """Hand the broadcast to the worker: its next pass fans it out."""
    _sendable(broadcast)
    _set_status(broadcast, "queued", scheduled_at=None)


def schedule(broadcast, at):
    """Send at `at` (naive UTC); a time in the past means now."""
    _sendable(broadcast)
    _set_status(broadcast, "scheduled", scheduled_at=at)


def _move(broadcast, from_statuses, to_status):
    return (OutboxMessage.update(status=to_status)
            .where((OutboxMessage.broadcast == broadcast)
                   & OutboxMessage.status.in_(from_statuses)).execute())


def pause(broadcast):
    """Hold every message not yet sent; a fan-out in progress stops at its next batch."""
    _require(broadcast, "queued", "scheduled", "sending")
    with database.atomic():
        _set_status(broadcast, "paused")
        _move(broadcast, ("pending",), "paused")


def resume(broadcast):
    """Release the held messages (and finish the fan-out if it had not)."""
    _require(broadcast, "paused")
    with database.atomic():
        _set_status(broadcast, "sending" if broadcast.queued_at else "queued")
        _move(broadcast, ("paused",), "pending")


def cancel(broadcast):
    """Drop every message not yet sent; what was sent stays sent."""
    _require(broadcast, "draft", "scheduled", "queued", "sending", "paused")
    with database.atomic():
        _set_status(broadcast, "cancelled", finished_at=utcnow())
        _move(broadcast, ("pending", "paused"), "cancelled")


# --- fan-out ------------------------------------------------------------------------------------

def _due_at(broadcast, now):
    """Now; in the quiet hours not before they end, unless it is an emergency."""
    if broadcast.emergency:
        return now
    quiet = parse_quiet_hours(current_app.config["QUIET_HOURS"])
    return to_utc_naive(window.not_before_morning(to_local(now), quiet))


def _rendered(broadcast):
    """The message per locale, rendered once for the whole audience."""
    card = card_image_url(current_app.config)
    reply = reply_of(broadcast)
    return {locale: render(reply, locale, card_image_url=card) for locale in ("vi", "en")}


def _per_locale(texts):
    """An SQL expression picking the citizen's locale's text (Vietnamese by default)."""
    def text(value):
        # Already JSON: the converter would encode it a second time.
        return peewee.Value(value, converter=False)
    return peewee.Case(Citizen.locale, (("en", text(texts["en"])),), text(texts["vi"]))


def _row_values(broadcast, now, due_at):
    """The outbox columns and the SELECT expressions that fill them, one row per citizen."""
    expires_at = due_at + dt.timedelta(hours=current_app.config["SEND_MAX_AGE_HOURS"])
    messages = _rendered(broadcast)
    params = {locale: json.dumps({"template": KIND, "locale": locale, "params": {
        "title": broadcast.title, "body": broadcast.body}}, ensure_ascii=False)
        for locale in messages}
    payloads = {locale: json.dumps(m, ensure_ascii=False) for locale, m in messages.items()}
    key = peewee.Value(f"bc:{broadcast.id}:").concat(Citizen.id.cast("text"))
    o, v = OutboxMessage, peewee.Value
    return ([o.citizen, o.zalo_user_id, o.broadcast, o.kind, o.api, o.payload, o.params,
             o.urgent, o.dedupe_key, o.status, o.due_at, o.expires_at, o.attempts,
             o.created_at],
            [Citizen.id, Citizen.zalo_user_id, v(broadcast.id), v(KIND), v("cs"),
             _per_locale(payloads), _per_locale(params), v(bool(broadcast.emergency)), key,
             v("pending"), v(due_at), v(expires_at), v(0), v(now)])


def _insert_batch(broadcast, columns, values, low, high, now):
    """Queue the audience members with low < id <= high; those already queued are skipped."""
    select = (audience_query.citizens(broadcast.audience, now, *values)
              .where((Citizen.id > low) & (Citizen.id <= high)))
    with database.atomic():
        OutboxMessage.insert_from(select, columns).on_conflict_ignore().execute()


def _still_wanted(broadcast):
    status = Broadcast.select(Broadcast.status).where(Broadcast.id == broadcast.id).scalar()
    return status not in ("paused", "cancelled", "done")


def fan_out(broadcast, now=None, batch=None):
    """Queue one message per audience member, in batches; safe to run again after a stop.

    Each batch is one INSERT ... SELECT over a keyset range of citizen ids, so neither the
    rows nor their SQL pass through Python.
    """
    now = now or utcnow()
    batch = batch or (PG_BATCH if is_postgres() else BATCH)
    columns, values = _row_values(broadcast, now, _due_at(broadcast, now))
    low = 0
    for ids in audience_query.batches(broadcast.audience, now, batch=batch):
        if not _still_wanted(broadcast):
            log.info("broadcast %s: fan-out stopped", broadcast.id)
            return False
        _insert_batch(broadcast, columns, values, low, ids[-1][0], now)
        low = ids[-1][0]
    recipients = OutboxMessage.select().where(OutboxMessage.broadcast == broadcast).count()
    _set_status(broadcast, "sending", queued_at=utcnow(), recipients=recipients)
    return True


# --- the periodic job ---------------------------------------------------------------------------

def run_due(now=None):
    """Fan out broadcasts that are due, and close those with nothing left to send."""
    now = now or utcnow()
    due = Broadcast.select().where(
        (Broadcast.status == "queued")
        | ((Broadcast.status == "scheduled") & (Broadcast.scheduled_at <= now)))
    started = 0
    for broadcast in list(due.order_by(Broadcast.id)):
        started += bool(fan_out(broadcast, now))
    _finish_done(now)
    return started


def _finish_done(now):
    open_rows = OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.broadcast == Broadcast.id)
        & OutboxMessage.status.in_((*PENDING, "paused")))
    (Broadcast.update(status="done", finished_at=now)
     .where((Broadcast.status == "sending") & ~peewee.fn.EXISTS(open_rows)).execute())


# --- progress and report ------------------------------------------------------------------------

def _of(broadcast):
    return OutboxMessage.broadcast == broadcast


def progress(broadcast, now=None):
    """Counts by status, delivered, seen, reasons for failures, rate per minute, time left."""
    now = now or utcnow()
    counts = dict(OutboxMessage.select(OutboxMessage.status, peewee.fn.COUNT(OutboxMessage.id))
                  .where(_of(broadcast)).group_by(OutboxMessage.status).tuples())
    total = sum(counts.values())
    left = sum(counts.get(s, 0) for s in PENDING)
    minute_ago = now - dt.timedelta(minutes=1)
    rate = (OutboxMessage.select().where(_of(broadcast) & (OutboxMessage.sent_at >= minute_ago))
            .count())
    return {"status": broadcast.status, "total": total, "counts": counts,
            "sent": counts.get("sent", 0), "left": left,
            "delivered": _count(broadcast, OutboxMessage.delivered_at.is_null(False)),
            "seen": _count(broadcast, OutboxMessage.seen_at.is_null(False)),
            "failed": sum(counts.get(s, 0) for s in FAILED),
            "skipped": counts.get("skipped", 0), "reasons": reasons(broadcast),
            "rate_per_minute": rate,
            "minutes_left": round(left / rate, 1) if rate and left else None}


def _count(broadcast, condition):
    return OutboxMessage.select().where(_of(broadcast) & condition).count()


def reasons(broadcast, limit=10):
    """The commonest reasons messages failed or were skipped: [(reason, count)]."""
    count = peewee.fn.COUNT(OutboxMessage.id)
    return list(OutboxMessage.select(OutboxMessage.last_error, count)
                .where(_of(broadcast) & OutboxMessage.status.in_((*FAILED, "skipped")))
                .group_by(OutboxMessage.last_error).order_by(count.desc()).limit(limit)
                .tuples())


def failures_csv(broadcast):
    """The failed, undeliverable and skipped recipients as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["zalo_user_id", "status", "channel", "reason", "attempts"])
    query = (OutboxMessage.select(OutboxMessage.zalo_user_id, OutboxMessage.status,
                                  OutboxMessage.channel, OutboxMessage.last_error,
                                  OutboxMessage.attempts)
             .where(_of(broadcast) & OutboxMessage.status.in_((*FAILED, "skipped")))
             .order_by(OutboxMessage.id).tuples())
    for row in query.iterator():
        writer.writerow(spreadsheet.row("" if value is None else value for value in row))
    return out.getvalue()
