"""GET /healthz: is the database reachable and current, is a scheduler alive, what is queued.

Everyone gets the overall status (and whether the sandbox is on); the details (queues, alert
texts) only a monitor with ZALO_OA_HEALTH_TOKEN or a logged-in admin.
"""
import datetime as dt
import hmac

import peewee
from flask import Blueprint, current_app, jsonify, request

from . import heartbeat, migrations
from .models import Alert, InboundEvent, OutboxMessage, utcnow

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Service state as JSON; 503 when the database cannot be used."""
    try:
        version = migrations.current_version()
    except Exception as exc:  # noqa: BLE001 - the database itself is down or unreadable
        body = {"status": "down", "database": {"ok": False, "error": type(exc).__name__}}
        return _answer(body, may_see_details(ask_database=False)), 503
    age = heartbeat.latest_age()
    scheduler_ok = heartbeat.scheduler_alive(age)
    alerts = list(Alert.active())
    body = {
        "status": ("ok" if scheduler_ok and version == migrations.LATEST and not alerts
                   else "degraded"),
        "database": {"ok": True, "schema_version": version, "schema_latest": migrations.LATEST},
        "scheduler": {"ok": scheduler_ok, "last_heartbeat_seconds_ago": age},
        "alerts": [{"kind": a.kind, "message": a.message, "since": a.created_at.isoformat()}
                   for a in alerts],
    }
    detailed = may_see_details()
    if detailed:  # the queue counts cost queries: only for those who see them
        body["events"] = {status: InboundEvent.select()
                          .where(InboundEvent.status == status).count()
                          for status in ("pending", "retry", "parked")}
        body["outbox"] = _outbox_counts()
        body["outbox_resent_after_lost_lease"] = _resent()
    return _answer(body, detailed)


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
