"""Alerts the sender raises for admins (shown on every dashboard page and /healthz), one active
per kind: quota or billing trouble (paid routes paused until a paid send succeeds again), a
refused appsecret_proof, a platform-standards warning."""
import logging
import time

from .. import db
from ..db import database
from ..models import Alert, utcnow

log = logging.getLogger(__name__)

BILLING = "zalo_billing"
PROOF = "zalo_appsecret_proof"
STANDARDS = "zalo_standards"
CHECK_SECONDS = 1.0
_seen = {}  # (database, kind) -> (checked at, active): asked by every send, read once a second


def _key(kind):
    return id(database.obj), kind


def raise_alert(kind, message):
    """Raise the alert of `kind`, or refresh the message of the one already active."""
    with db.write_transaction():
        active = Alert.active().where(Alert.kind == kind).first()
        if active is None:
            Alert.create(kind=kind, message=message)
            log.warning("alert %s: %s", kind, message)
        elif active.message != message:
            Alert.update(message=message).where(Alert.id == active.id).execute()
    _seen[_key(kind)] = (time.monotonic(), True)


def resolve(kind):
    """Mark the alert of `kind` resolved; True when one was active."""
    done = (Alert.update(resolved_at=utcnow())
            .where((Alert.kind == kind) & Alert.resolved_at.is_null()).execute())
    _seen[_key(kind)] = (time.monotonic(), False)
    if done:
        log.info("alert %s resolved", kind)
    return bool(done)


def is_active(kind):
    """True while an alert of `kind` is unresolved (checked at most once a second)."""
    checked_at, active = _seen.get(_key(kind), (0.0, False))
    if time.monotonic() - checked_at > CHECK_SECONDS:
        active = Alert.active().where(Alert.kind == kind).exists()
        _seen[_key(kind)] = (time.monotonic(), active)
    return active
