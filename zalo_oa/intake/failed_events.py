"""Events whose handler failed: retried with backoff a few times, then parked where staff see
them (a dashboard alert, `zalo-oa events list`) until `zalo-oa events retry` runs them again.

While an event waits for its retry it still holds back that citizen's later events (they stay
in order); once parked it no longer does, so one broken event never silences a citizen.
"""
import datetime as dt
import logging

from .. import alerts
from ..models import InboundEvent, utcnow

log = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 10
RETRY_FACTOR = 6  # 10 s, 1 min, 6 min, ...
RETRY_MAX_SECONDS = 3600
ALERT_KIND = "events_parked"
# Statuses of events that still wait to be handled (and hold back the citizen's later ones).
WAITING = ("pending", "retry")
# Given up on: `failed` is how the release before retries left such events.
PARKED = ("parked", "failed")


def retry_delay(attempts):
    """The wait before attempt number `attempts + 1`."""
    seconds = RETRY_BASE_SECONDS * RETRY_FACTOR ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, RETRY_MAX_SECONDS))


def record_failure(row, error, attempts_allowed, now=None):
    """Set the failed event `row` to retry later, or park it once it has used its attempts."""
    now = now or utcnow()
    row.attempts = (row.attempts or 0) + 1
    row.error = error[:2000]
    if row.attempts < attempts_allowed:
        row.status, row.next_try_at = "retry", now + retry_delay(row.attempts)
        log.warning("event %s (%s) failed (attempt %d of %d); retry at %s", row.id,
                    row.event_name, row.attempts, attempts_allowed, row.next_try_at)
        return
    row.status, row.next_try_at = "parked", None
    log.error("event %s (%s) failed %d times and is parked: %s", row.id, row.event_name,
              row.attempts, row.error)
    _raise_alert(extra=1)


def _raise_alert(extra=0):
    count = InboundEvent.select().where(InboundEvent.status.in_(PARKED)).count() + extra
    alerts.raise_alert(ALERT_KIND, f"{count} event(s) parked")


def parked(limit=100):
    """The parked events, oldest first."""
    return list(InboundEvent.select().where(InboundEvent.status.in_(PARKED))
                .order_by(InboundEvent.id).limit(limit))


def requeue(ids=None):
    """Put parked events (those with `ids`, or all) back to be handled now; return how many.

    They run after the citizen's later events that were handled meanwhile.
    """
    query = (InboundEvent.update(status="pending", attempts=0, next_try_at=None)
             .where(InboundEvent.status.in_(PARKED)))
    if ids is not None:
        query = query.where(InboundEvent.id.in_(list(ids)))
    count = query.execute()
    if InboundEvent.select().where(InboundEvent.status.in_(PARKED)).exists():
        _raise_alert()
    else:
        alerts.resolve(ALERT_KIND)
    return count
