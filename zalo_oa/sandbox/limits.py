"""Sandbox knobs kept in the database (so every process agrees): the OA API's per-minute call
limit, answered with -32 like Zalo, an added latency for benchmarks, and the rules that make
the sandbox as strict as Zalo (webhook retry ladder, upload expiry, article review, ZNS daily
quota, the OA's paid quota and Zalo Cloud Account, appsecret_proof, the OAuth callback)."""
import time

from flask import g

from .. import db
from .envelope import failure
from .models import SandboxRateWindow, SandboxSetting

DEFAULT_RATE_LIMIT = 4000  # Zalo's calls per minute per app
ZCA_STATES = ("ok", "none", "empty")  # funded, no Zalo Cloud Account (-320), no money (-321)
# name -> (kind, smallest allowed value or the allowed values, may be null)
KNOBS = {
    "rate_limit_per_minute": (int, 1, False),
    "latency_ms": (int, 0, False),
    # Zalo's webhook budget (2 s) and a scale for its retry ladder (1.0 = 30 s ... 1 h).
    "webhook_timeout_ms": (int, 1, False),
    "webhook_retry_scale": (float, 0.0, False),
    "webhook_subscribed": (bool, None, False),
    "upload_ttl_seconds": (int, 0, False),
    "article_review_seconds": (int, 0, False),
    "zns_daily_quota": (int, 0, False),
    # Paid messages the OA may still send (null: as many as it likes).
    "paid_quota": (int, 0, True),
    "zca_state": (str, ZCA_STATES, False),
    "require_appsecret_proof": (bool, None, False),
    # The "Official Account Callback Url" registered in the app (null: PUBLIC_URL's).
    "oauth_callback": (str, None, True),
    "oa_violation": (bool, None, False),
}
KEEP_MINUTES = 60


def settings():
    """The current knobs as a dict (defaults when never set)."""
    row = SandboxSetting.select().order_by(SandboxSetting.id).first() or SandboxSetting()
    return {name: getattr(row, name) for name in KNOBS}


def parse(body):
    """The knobs a POST /sandbox/config body changes; ValueError if one is wrong."""
    if not isinstance(body, dict) or not set(body) & set(KNOBS):
        raise ValueError(f"give one of {', '.join(KNOBS)}")
    changes = {}
    for name, (kind, allowed, nullable) in KNOBS.items():
        if name not in body:
            continue
        value = body[name]
        if value is None and nullable:
            changes[name] = None
            continue
        if not _fits(value, kind, allowed):
            raise ValueError(f"{name} must be {_describe(kind, allowed)}")
        changes[name] = float(value) if kind is float else value
    return changes


def _fits(value, kind, allowed):
    if kind is bool:
        return isinstance(value, bool)
    if kind is str:
        return isinstance(value, str) and (not isinstance(allowed, tuple) or value in allowed)
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
        return False
    return value >= allowed


def _describe(kind, allowed):
    if kind is bool:
        return "true or false"
    if kind is str:
        return f"one of {', '.join(allowed)}" if isinstance(allowed, tuple) else "text"
    return f"{'a number' if kind is float else 'an integer'} of at least {allowed}"


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
