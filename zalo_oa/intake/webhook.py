"""POST /webhook/zalo: verify the MAC on the raw body, record the event once, answer 200 fast."""
import json
import logging

from flask import Blueprint, current_app, jsonify, request

from .. import db
from ..zalo.signature import matching_signer
from . import events, inbox

log = logging.getLogger(__name__)

bp = Blueprint("webhook", __name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
_signers_seen = set()
_JSON = {"Content-Type": "application/json"}
ACCEPTED = (b'{"ok":true}\n', 200, _JSON)
DUPLICATE = (b'{"duplicate":true,"ok":true}\n', 200, _JSON)
# Zalo retries a delivery that was not acknowledged, so while the database is down the event
# is refused with a 503 (and kept by Zalo) rather than lost or answered with a 500.
UNAVAILABLE = (b'{"error":"database unavailable"}\n', 503, {**_JSON, "Retry-After": "10"})


def refuse(status, reason):
    """A deliberate 4xx with a log line; nothing is stored."""
    log.warning("webhook refused (%s): %s; from %s, %s bytes", status, reason,
                request.remote_addr, request.content_length)
    return jsonify(error=reason), status


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
    try:
        payload = json.loads(raw)
    except ValueError:
        return refuse(400, "body is not JSON")
    timestamp = payload.get("timestamp", "") if isinstance(payload, dict) else ""
    config = current_app.config
    signer = matching_signer(signature, raw, timestamp, config["ZALO_OA_SECRET_KEY"],
                             (config["ZALO_APP_ID"], config["ZALO_OA_ID"]))
    if signer is None:
        return refuse(403, "signature does not match")
    _note_signer(signer, config)
    problem = events.problem(payload)
    if problem:
        return refuse(400, problem)
    if not inbox.record(payload, raw):
        log.info("duplicate %s delivery acknowledged (num_retry=%s)", payload["event_name"],
                 request.headers.get("num_retry", "0"))
        return DUPLICATE
    return ACCEPTED


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

