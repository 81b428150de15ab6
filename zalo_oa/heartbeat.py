"""Each scheduler process's sign of life, written by the worker and read by /healthz."""
import datetime as dt

from .models import WorkerHeartbeat, utcnow

HEARTBEAT_SECONDS = 10


def beat(name, now=None, leading_since=None, leader_passes=0):
    """Record that the worker `name` is alive now, and whether (since when) it leads."""
    now = now or utcnow()
    state = {"beat_at": now, "leading_since": leading_since, "leader_passes": leader_passes}
    updated = WorkerHeartbeat.update(**state).where(WorkerHeartbeat.name == name).execute()
    if not updated:
        WorkerHeartbeat.create(name=name, started_at=now, **state)


def leader(now=None):
    """The name of the worker leading the schedule by a fresh heartbeat, or None."""
    fresh = (now or utcnow()) - dt.timedelta(seconds=HEARTBEAT_SECONDS * 3)
    row = (WorkerHeartbeat.select(WorkerHeartbeat.name)
           .where(WorkerHeartbeat.leading_since.is_null(False), WorkerHeartbeat.beat_at >= fresh)
           .order_by(WorkerHeartbeat.leading_since.desc()).first())
    return row.name if row else None


def latest_age(now=None):
    """Seconds since the most recent heartbeat of any worker, or None if none ever beat."""
    last = WorkerHeartbeat.select().order_by(WorkerHeartbeat.beat_at.desc()).first()
    return ((now or utcnow()) - last.beat_at).total_seconds() if last else None


def scheduler_alive(age):
    """True when a heartbeat `age` seconds old means a scheduler is running."""
    return age is not None and age < HEARTBEAT_SECONDS * 3
