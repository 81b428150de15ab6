"""GET /healthz: is the database reachable and current, is a scheduler alive, what is queued."""
import datetime as dt

import peewee
from flask import Blueprint, jsonify

from . import heartbeat, migrations
from .models import Alert, InboundEvent, OutboxMessage, utcnow

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Service state as JSON; 503 when the database cannot be used."""
    try:
        version = migrations.current_version()
    except Exception as exc:  # noqa: BLE001 - the database itself is down or unreadable
        return jsonify(status="down", database={"ok": False, "error": type(exc).__name__}), 503
    age = heartbeat.latest_age()
    scheduler_ok = heartbeat.scheduler_alive(age)
    body = {
        "status": "ok" if scheduler_ok and version == migrations.LATEST else "degraded",
        "database": {"ok": True, "schema_version": version, "schema_latest": migrations.LATEST},
        "scheduler": {"ok": scheduler_ok, "last_heartbeat_seconds_ago": age},
        "events": {"pending": InboundEvent.select().where(InboundEvent.status == "pending")
                   .count()},
        "outbox": _outbox_counts(),
        "alerts": [{"kind": a.kind, "message": a.message, "since": a.created_at.isoformat()}
                   for a in Alert.faults()],
    }
    if body["alerts"]:
        body["status"] = "degraded"
    return jsonify(body)


def _outbox_counts():
    since = utcnow() - dt.timedelta(days=1)
    rows = (OutboxMessage.select(OutboxMessage.status, peewee.fn.COUNT(OutboxMessage.id))
            .where((OutboxMessage.status == "pending") | (OutboxMessage.created_at >= since))
            .group_by(OutboxMessage.status).tuples())
    return dict(rows)


def init_app(app):
    app.register_blueprint(bp)
