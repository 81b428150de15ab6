"""POST /webhook/zalo: verify the MAC on the raw body, record the event once, answer 200 fast.

The MAC is checked on the raw bytes before the body is parsed (the signed timestamp is found
by a bounded scan), so an unsigned body costs a regex and a hash, whatever its shape.
"""
import json
import logging
import time

from flask import Blueprint, current_app, jsonify, request

from .. import db, metrics
from ..zalo.signature import verify
from . import events, inbox

log = logging.getLogger(__name__)

bp = Blueprint("webhook", __name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
# How far ahead of our clock a timestamp may be (clock skew), in milliseconds.
MAX_AHEAD_MS = 10 * 60 * 1000
_signers_seen = set()
_JSON = {"Content-Type": "application/json"}
ACCEPTED = (b'{"ok":true}\n', 200, _JSON)
DUPLICATE = (b'{"duplicate":true,"ok":true}\n', 200, _JSON)
IGNORED = (b'{"ignored":true,"ok":true}\n', 200, _JSON)
# Zalo retries a delivery that was not acknowledged, so while the database is down the event
# is refused with a 503 (and kept by Zalo) rather than lost or answered with a 500.
UNAVAILABLE = (b'{"error":"database unavailable"}\n', 503, {**_JSON, "Retry-After": "10"})
metrics.watch_webhook(bp, {DUPLICATE[0]: "duplicate", IGNORED[0]: "ignored"})


def refuse(status, reason):
    """A deliberate 4xx with a log line; nothing is stored."""
    log.warning("webhook refused (%s): %r; from %s, %s bytes", status, reason,
                request.remote_addr, request.content_length)
    return jsonify(error=reason), status


def ignore(reason, payload):
    """A validly signed event we acknowledge (so Zalo stops retrying) but do not act on."""
    log.warning("webhook ignored %r: %s (num_retry=%r)", str(payload.get("event_name"))[:64],
                reason, request.headers.get("num_retry", "0")[:8])
    return IGNORED


@bp.post("/webhook/zalo")
def receive():
    """Verify, record and acknowledge one Zalo event."""
    limit = current_app.config["WEBHOOK_MAX_BYTES"]
    if (request.content_length or 0) > limit:
        return refuse(413, "body too large")
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        return refuse(413, "body too large")
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature and raw.strip() in (b"", b"{}"):
        # Zalo probes a newly saved webhook URL with an unsigned empty object.
        log.info("webhook probe answered")
        return ACCEPTED
    if not signature:
        return refuse(401, "missing X-ZEvent-Signature")
    config = current_app.config
    signed = verify(signature, raw, config["ZALO_OA_SECRET_KEY"],
                    (config["ZALO_APP_ID"], config["ZALO_OA_ID"]))
    if signed is None:
        return refuse(403, "signature does not match (or no epoch-ms timestamp to check it)")
    signer, timestamp = signed
    _note_signer(signer, config)
    payload, text, problem = _read(raw, timestamp)
    if problem:
        return refuse(400, problem)
    elsewhere = events.foreign(payload, config["ZALO_APP_ID"], config["ZALO_OA_ID"])
    if elsewhere:
        return ignore(elsewhere, payload)
    stale = events.outside_window(timestamp, time.time_ns() // 1_000_000,
                                  int(config["EVENT_MAX_AGE_HOURS"] * 3_600_000), MAX_AHEAD_MS)
    if stale:
        return ignore(stale, payload)
    if not inbox.record(payload, text):
        log.info("duplicate %r delivery acknowledged (num_retry=%r)", payload["event_name"],
                 request.headers.get("num_retry", "0")[:8])
        return DUPLICATE
    return ACCEPTED


def _read(raw, timestamp):
    """(payload, text to store, None) for a signed body we can use, else (.., why not)."""
    try:
        # Strictly UTF-8, as Zalo sends: json.loads would guess UTF-16/32 from bytes.
        text = raw.decode("utf-8")
        payload = events.cleaned(json.loads(text))
    except UnicodeDecodeError:
        return None, None, "body is not UTF-8"
    except (ValueError, RecursionError) as exc:
        return None, None, str(exc) if isinstance(exc, events.Unreadable) else "body is not JSON"
    if "\\u0000" in text:  # NULs were removed: store what handlers will see
        text = json.dumps(payload, ensure_ascii=False)
    problem = events.problem(payload)
    if problem is None and str(payload.get("timestamp")) != timestamp:
        problem = "timestamp is not the one that was signed"
    return payload, text, problem


def database_unavailable(exc):
    """The event could not be recorded: the database is down (logged once per outage)."""
    db.note_unavailable(exc)
    return UNAVAILABLE


for _error in db.UNAVAILABLE:
    bp.register_error_handler(_error, database_unavailable)


def _note_signer(signer, config):
    """Log once per process which id signed, since sources disagree on it."""
    kind = "app_id" if signer == config["ZALO_APP_ID"] else "oa_id"
    if kind not in _signers_seen:
        _signers_seen.add(kind)
        log.info("webhook signatures match the %s variant", kind)
