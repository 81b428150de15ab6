"""Each scheduler process's sign of life, written by the worker and read by /healthz."""
from .models import WorkerHeartbeat, utcnow

HEARTBEAT_SECONDS = 10


def beat(name, now=None):
    """Record that the worker `name` is alive now."""
    now = now or utcnow()
    updated = (WorkerHeartbeat.update(beat_at=now)
               .where(WorkerHeartbeat.name == name).execute())
    if not updated:
        WorkerHeartbeat.create(name=name, beat_at=now, started_at=now)


def latest_age(now=None):
    """Seconds since the most recent heartbeat of any worker, or None if none ever beat."""
    last = WorkerHeartbeat.select().order_by(WorkerHeartbeat.beat_at.desc()).first()
    return ((now or utcnow()) - last.beat_at).total_seconds() if last else None


def scheduler_alive(age):
    """True when a heartbeat `age` seconds old means a scheduler is running."""
    return age is not None and age < HEARTBEAT_SECONDS * 3
