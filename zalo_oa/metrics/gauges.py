"""What the database knows, read at scrape time: the same for every process and host that
scrapes it, so these need no sharing between processes."""
import datetime as dt
import re

import peewee
from prometheus_client.core import GaugeMetricFamily

from .. import db, health, heartbeat
from ..models import Alert, OutboxMessage, WorkerHeartbeat, utcnow
from ..zalo import tokens

# Every outbox count here walks its (status, due_at) index over one status, or a recent range
# of one, so a scrape stays cheap at millions of rows (/healthz's day-long counts scan them).
IN_FLIGHT = ("pending", "sending")
SETTLED = ("sent", "failed", "undeliverable", "skipped")
# Sends of the last minute are looked for among messages due in the past hour: sent_at is not
# indexed, so each candidate costs a row read, and an hour holds at most Zalo's per-app limit
# (~240,000). A backlog older than that is undercounted here; zalo_oa_messages_sent_total
# counts every send.
SENT_DUE_WITHIN = dt.timedelta(hours=1)
ZALO_CODE = re.compile(r"(-\d+): ")


class DatabaseGauges:
    """A prometheus_client collector of queue, token, worker and alert figures."""

    def collect(self):
        up = GaugeMetricFamily("zalo_oa_database_up", "1 when this scrape could read the database")
        try:
            families = list(_families(utcnow()))
        except (*db.UNAVAILABLE, peewee.DatabaseError) as exc:
            db.note_unavailable(exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families


def _families(now):
    yield from _queues(now)
    yield _sent_last_minute(now)
    yield _failed_last_hour(now)
    yield from _token(now)
    yield from _workers(now)
    yield from _alerts()


def _labelled(name, documentation, label, counts):
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value, count in sorted(counts.items()):
        family.add_metric([str(value)], count)
    return family


def _queues(now):
    yield _labelled("zalo_oa_events", "Webhook events recorded and not yet handled, by status",
                    "status", health.event_counts())
    yield _labelled("zalo_oa_outbox_messages", "Outbox messages waiting or being sent, by status",
                    "status", {status: OutboxMessage.select()
                               .where(OutboxMessage.status == status).count()
                               for status in IN_FLIGHT})
    since = now - dt.timedelta(hours=1)
    yield _labelled("zalo_oa_outbox_settled_last_hour",
                    "Outbox messages settled, last due in the past hour, by status", "status",
                    {status: OutboxMessage.select().where((OutboxMessage.status == status)
                                                          & (OutboxMessage.due_at >= since)).count()
                     for status in SETTLED})


def _sent_last_minute(now):
    count = (OutboxMessage.select()
             .where((OutboxMessage.status == "sent")
                    & (OutboxMessage.due_at >= now - SENT_DUE_WITHIN)
                    & (OutboxMessage.sent_at >= now - dt.timedelta(minutes=1))).count())
    return GaugeMetricFamily("zalo_oa_outbox_sent_last_minute",
                             "Messages due in the past hour sent in the last 60 s, by every worker",
                             value=count)


def _failed_last_hour(now):
    """Messages that failed for good, last due in the past hour, by the Zalo code they got."""
    rows = (OutboxMessage.select(OutboxMessage.last_error)
            .where(OutboxMessage.status.in_(("failed", "undeliverable"))
                   & (OutboxMessage.due_at >= now - dt.timedelta(hours=1))).tuples())
    counts = {}
    for (error,) in rows:
        code = ZALO_CODE.search(error or "")
        key = code.group(1) if code else "none"
        counts[key] = counts.get(key, 0) + 1
    return _labelled("zalo_oa_outbox_failed_last_hour",
                     "Messages failed or undeliverable in the last hour, by Zalo error code "
                     "(none: no Zalo code, e.g. no route)", "code", counts)


def _token(now):
    row = tokens.current_token()
    yield GaugeMetricFamily("zalo_oa_token_stored", "1 when an OA access token is stored",
                            value=int(row is not None))
    if row is not None and row.expires_at is not None:
        yield GaugeMetricFamily("zalo_oa_token_expires_in_seconds",
                                "Seconds until the OA access token expires",
                                value=(row.expires_at - now).total_seconds())


def _workers(now):
    beats = [(now - beat_at).total_seconds()
             for (beat_at,) in WorkerHeartbeat.select(WorkerHeartbeat.beat_at).tuples()]
    yield GaugeMetricFamily("zalo_oa_workers_alive", "Worker processes with a recent heartbeat",
                            value=sum(heartbeat.scheduler_alive(age) for age in beats))
    if beats:
        yield GaugeMetricFamily("zalo_oa_worker_heartbeat_age_seconds",
                                "Seconds since the latest heartbeat of any worker",
                                value=min(beats))
    # 1 with the leading worker's name while one leads (leader.py), else 0 without a label:
    # an alert on `zalo_oa_scheduler_led == 0` means follow-ups and broadcasts stand still.
    leading = heartbeat.leader(now)
    led = GaugeMetricFamily("zalo_oa_scheduler_led", "Whether a worker leads the periodic jobs",
                            labels=["worker"])
    led.add_metric([leading or ""], 1 if leading else 0)
    yield led


def _alerts():
    faults = (Alert.faults().select(Alert.kind, peewee.fn.COUNT(Alert.id))
              .group_by(Alert.kind).order_by().tuples())
    yield _labelled("zalo_oa_alerts_open", "Open alerts about the service (billing, quota, "
                    "token, ...), by kind", "kind", dict(faults))
    urgent = Alert.active().where(Alert.kind.startswith(Alert.CASE)).count()
    yield GaugeMetricFamily("zalo_oa_urgent_case_alerts_open",
                            "Open alerts about urgent reports", value=urgent)
