"""Deliver a built event to the OA's webhook the way Zalo does: raw JSON bytes, signed, within
a 2-second budget; a failed delivery is retried on Zalo's ladder (30 s, 5 min, 15 min, 30 min,
1 h, each with a `num_retry` header), and after the last failure the app's webhook subscription
is cancelled until someone grants it again (`POST /sandbox/config {"webhook_subscribed": true}`).

The ladder's steps are multiplied by the `webhook_retry_scale` knob, so a test can run it in
seconds; the worker's sandbox job (or `retry_due`) sends the retries that are due.
"""
import datetime as dt
import json
import logging

import requests

from .. import db
from ..config import public_base
from ..models import utcnow
from ..zalo.signature import signature_header
from . import limits
from .models import SandboxEvent

log = logging.getLogger(__name__)

LADDER = (30, 300, 900, 1800, 3600)  # seconds after a failure, then after each retry


class DeliveryError(RuntimeError):
    """The webhook could not be reached (connection refused, timeout, ...)."""


def webhook_url(config):
    """SANDBOX_WEBHOOK_URL, else PUBLIC_URL (or the local default) + /webhook/zalo.

    Never the request's Host header: a signed event must go only where the settings say.
    """
    if config.get("SANDBOX_WEBHOOK_URL"):
        return config["SANDBOX_WEBHOOK_URL"]
    return public_base(config) + "/webhook/zalo"


def serialise(payload):
    """The exact bytes that are both signed and sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signed_request(payload, app_id, secret_key):
    """(raw body, headers) for `payload`, signed over the body and its `timestamp`."""
    raw = serialise(payload)
    headers = {"Content-Type": "application/json",
               "X-ZEvent-Signature": signature_header(app_id, raw, payload["timestamp"],
                                                       secret_key)}
    return raw, headers


def deliver(payload, url, app_id, secret_key, timeout=2.0, num_retry=None):
    """POST the signed event to `url`; return the HTTP status, or raise DeliveryError."""
    raw, headers = signed_request(payload, app_id, secret_key)
    if num_retry is not None:
        headers["num_retry"] = str(num_retry)
    try:
        response = requests.post(url, data=raw, headers=headers, timeout=timeout)
    except requests.RequestException as exc:
        raise DeliveryError(f"webhook {url} unreachable: {type(exc).__name__}") from exc
    return response.status_code


def attempt(record, config, url, knobs, num_retry=None):
    """One delivery of a recorded event within Zalo's budget: (status or None, error or None).

    Anything but HTTP 200 within the budget is a failure that goes on the retry ladder.
    """
    timeout = knobs["webhook_timeout_ms"] / 1000
    try:
        status = deliver(record.payload, url, config["ZALO_APP_ID"],
                         config["ZALO_OA_SECRET_KEY"], timeout, num_retry)
    except DeliveryError as exc:
        status, error = None, str(exc)
    else:
        error = None if status == 200 else f"webhook answered HTTP {status}"
    changes = {"webhook_status": status}
    if error is None:
        changes["next_retry_at"] = None
    elif (record.retries or 0) < len(LADDER):
        step = LADDER[record.retries or 0] * knobs["webhook_retry_scale"]
        changes["next_retry_at"] = utcnow() + dt.timedelta(seconds=step)
    else:
        changes["next_retry_at"] = None
        _cancel_subscription(record)
    SandboxEvent.update(**changes).where(SandboxEvent.id == record.id).execute()
    return status, error


def retry_due(config, now=None):
    """Send every retry that is due (each with `num_retry`); return how many were sent."""
    knobs = limits.settings()
    if not knobs["webhook_subscribed"]:
        return 0
    url = webhook_url(config)
    sent = 0
    for record in list(SandboxEvent.select().where(SandboxEvent.next_retry_at <= (now or utcnow()))
                       .order_by(SandboxEvent.next_retry_at, SandboxEvent.id)):
        with db.write_transaction():
            taken = (SandboxEvent.update(retries=SandboxEvent.retries + 1, next_retry_at=None)
                     .where((SandboxEvent.id == record.id)
                            & (SandboxEvent.next_retry_at == record.next_retry_at)).execute())
        if not taken:
            continue  # another process sent this retry
        record.retries = (record.retries or 0) + 1
        attempt(record, config, url, knobs, num_retry=record.retries)
        sent += 1
    return sent


def _cancel_subscription(record):
    """Zalo's last retry failed: the app's webhook subscription is cancelled."""
    log.warning("sandbox: event %s failed after %s retries; webhook subscription cancelled",
                record.id, len(LADDER))
    limits.update({"webhook_subscribed": False})
    SandboxEvent.update(next_retry_at=None).where(SandboxEvent.next_retry_at.is_null(False)) \
        .execute()
