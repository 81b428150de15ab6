"""Sandbox knobs kept in the database (so every process agrees): the OA API's per-minute call
limit, answered with -32 like Zalo, and an added latency for benchmarks."""
import time

from flask import g

from .. import db
from .envelope import failure
from .models import SandboxRateWindow, SandboxSetting

DEFAULT_RATE_LIMIT = 4000  # Zalo's calls per minute per app
KNOBS = {"rate_limit_per_minute": 1, "latency_ms": 0}  # name -> smallest allowed value
KEEP_MINUTES = 60


def settings():
    """The current knobs as a dict (defaults when never set)."""
    row = SandboxSetting.select().order_by(SandboxSetting.id).first()
    if row is None:
        return {"rate_limit_per_minute": DEFAULT_RATE_LIMIT, "latency_ms": 0}
    return {"rate_limit_per_minute": row.rate_limit_per_minute, "latency_ms": row.latency_ms}


def parse(body):
    """The knobs a POST /sandbox/config body changes; ValueError if one is wrong."""
    if not isinstance(body, dict) or not set(body) & set(KNOBS):
        raise ValueError(f"give one of {', '.join(KNOBS)}")
    changes = {}
    for name, smallest in KNOBS.items():
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < smallest:
            raise ValueError(f"{name} must be an integer of at least {smallest}")
        changes[name] = value
    return changes


def update(changes):
    """Store changed knobs; return them all."""
    with db.write_transaction():
        row = SandboxSetting.select().order_by(SandboxSetting.id).first()
        if row is None:
            SandboxSetting.create(**{**settings(), **changes})
        elif changes:
            SandboxSetting.update(**changes).where(SandboxSetting.id == row.id).execute()
    return settings()


def count_call(now=None):
    """Count one OA API call in this clock minute, atomically across processes; return the
    minute's count so far."""
    minute = int((now or time.time()) // 60)
    calls = SandboxRateWindow.calls
    with db.write_transaction():
        (SandboxRateWindow.insert(minute=minute, calls=1)
         .on_conflict(conflict_target=[SandboxRateWindow.minute], update={calls: calls + 1})
         .execute())
        count = SandboxRateWindow.get(SandboxRateWindow.minute == minute).calls
    if count == 1:  # first call of a minute: forget old minutes
        SandboxRateWindow.delete().where(SandboxRateWindow.minute < minute - KEEP_MINUTES).execute()
    return count


def delay(knobs):
    """Sleep for the configured latency."""
    if knobs["latency_ms"]:
        time.sleep(knobs["latency_ms"] / 1000)


def limit_rate(knobs):
    """Count this call; answer -32 when over the limit (None to go on)."""
    limit = knobs["rate_limit_per_minute"]
    count = count_call()
    g.sandbox_rate = (limit, max(limit - count, 0))
    if count > limit:
        return failure(-32, "Your application/OA reached limit call api")
    return None


def add_rate_headers(response):
    """X-RateLimit-Limit / X-RateLimit-Remain on answers that were counted."""
    rate = g.get("sandbox_rate")
    if rate is not None:
        response.headers["X-RateLimit-Limit"] = str(rate[0])
        response.headers["X-RateLimit-Remain"] = str(rate[1])
    return response
