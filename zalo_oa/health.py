"""GET /healthz: is the database reachable and current, is a scheduler alive, what is queued.

Everyone gets the overall status (and whether the sandbox is on); the details (queues, alert
texts) only a monitor with ZALO_OA_HEALTH_TOKEN or a logged-in admin.
"""
import datetime as dt
import hmac
import time

import peewee
from flask import Blueprint, current_app, jsonify, request

from . import db, heartbeat, migrations
from .models import Alert, InboundEvent, OutboxMessage, utcnow
from .outage import reason_of

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Service state as JSON; 503 while the database cannot be used."""
    began = time.monotonic()
    try:
        body = _state()
        detailed = may_see_details()
        if detailed:  # the queue counts cost queries: only for those who see them
            body.update(_queues())
    except (*db.UNAVAILABLE, peewee.DatabaseError) as exc:  # down, or unreadable
        db.note_unavailable(exc)
        database = {"ok": False, "error": type(exc).__name__, "reason": reason_of(exc),
                    **db.outage().report()}
        return _answer({"status": "down", "database": database},
                       may_see_details(ask_database=False)), 503
    db.note_success(began)
    body["database"].update(db.outage().report())
    return _answer(body, detailed)


def _state():
    version = migrations.current_version()
    age = heartbeat.latest_age()
    scheduler_ok = heartbeat.scheduler_alive(age)
    alerts = list(Alert.active())
    return {
        "status": ("ok" if scheduler_ok and version == migrations.LATEST and not alerts
                   else "degraded"),
        "database": {"ok": True, "schema_version": version, "schema_latest": migrations.LATEST},
        "scheduler": {"ok": scheduler_ok, "last_heartbeat_seconds_ago": age,
                      "leader": heartbeat.leader()},
        "alerts": [{"kind": a.kind, "message": a.message, "since": a.created_at.isoformat()}
                   for a in Alert.faults()],
    }


def _queues():
    return {"events": event_counts(), "outbox": _outbox_counts(),
            "outbox_resent_after_lost_lease": _resent()}


def event_counts():
    """Webhook events waiting (pending, retry) or given up on (parked), by status (/metrics too)."""
    return {status: InboundEvent.select().where(InboundEvent.status == status).count()
            for status in ("pending", "retry", "parked")}


def _answer(body, detailed):
    """The JSON answer: status (and the sandbox flag) for everyone, the rest when allowed."""
    body["sandbox"] = bool(current_app.config["SANDBOX"])
    if not detailed:
        body = {key: body[key] for key in ("status", "sandbox")}
    return jsonify(body)


def may_see_details(ask_database=True):
    """A monitor sending `Authorization: Bearer <ZALO_OA_HEALTH_TOKEN>`, or a logged-in admin."""
    token = current_app.config.get("HEALTH_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(
            given[7:].strip().encode(), token.encode()):
        return True
    if not ask_database:
        return False
    # The dashboard registers who is logged in (web/ sits above this module).
    current_staff = current_app.extensions.get("zalo_oa.current_staff")
    staff = current_staff() if current_staff else None
    return staff is not None and staff.role == "admin"


def _resent():
    """Messages sent again because their sender died mid-send (each may have arrived twice)."""
    total = (OutboxMessage.select(peewee.fn.COALESCE(peewee.fn.SUM(OutboxMessage.resends), 0))
             .where(OutboxMessage.resends > 0).scalar())
    return int(total or 0)


def _outbox_counts():
    since = utcnow() - dt.timedelta(days=1)
    rows = (OutboxMessage.select(OutboxMessage.status, peewee.fn.COUNT(OutboxMessage.id))
            .where((OutboxMessage.status == "pending") | (OutboxMessage.created_at >= since))
            .group_by(OutboxMessage.status).tuples())
    return dict(rows)


def init_app(app):
    app.register_blueprint(bp)
