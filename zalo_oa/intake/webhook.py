"""POST /webhook/zalo: verify the MAC on the raw body, record the event once, answer 200 fast.

Zalo's deliveries are the busiest requests the service gets, and they need none of Flask's
per-request machinery (request context, session, CSRF, URL routing, response objects): a WSGI
layer in front of the Flask app answers them (`WebhookEndpoint`), and everything else goes on
to Flask. Flask's part had cost about as much as the PostgreSQL insert and commit together, and
with it the webhook served 0.42x the requests a bare Flask app served (bench/webhook.py).

The MAC is checked on the raw bytes before the body is parsed (the signed timestamp is found
by a bounded scan), so an unsigned body costs a regex and a hash, whatever its shape.
"""
import json
import logging
import time
from dataclasses import dataclass
from http import HTTPStatus

import peewee
from werkzeug.wsgi import get_input_stream

from .. import db, metrics, security_headers
from ..zalo.signature import verify
from . import events, inbox

log = logging.getLogger(__name__)

PATH = "/webhook/zalo"
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
FAILED = (b'{"error":"internal error"}\n', 500, _JSON)
POST_ONLY = (b'{"error":"method not allowed: POST only"}\n', 405, {**_JSON, "Allow": "POST"})
OUTCOMES = {DUPLICATE[0]: "duplicate", IGNORED[0]: "ignored"}


@dataclass(frozen=True)
class Delivery:
    """What the answer needs from one POST: the raw body (read up to the limit + 1 byte, so
    an oversized one shows), the signature header and a few facts for the log."""

    raw: bytes
    signature: str | None
    remote_addr: str | None
    content_length: int
    num_retry: str


def refuse(status, reason, delivery):
    """A deliberate 4xx with a log line; nothing is stored."""
    log.warning("webhook refused (%s): %r; from %s, %s bytes", status, reason,
                delivery.remote_addr, delivery.content_length)
    return json.dumps({"error": reason}).encode() + b"\n", status, _JSON


def ignore(reason, payload, delivery):
    """A validly signed event we acknowledge (so Zalo stops retrying) but do not act on."""
    log.warning("webhook ignored %r: %s (num_retry=%r)", str(payload.get("event_name"))[:64],
                reason, delivery.num_retry)
    return IGNORED


def answer(delivery, config):
    """Verify, record and acknowledge one Zalo event: (body, status, headers)."""
    limit = config["WEBHOOK_MAX_BYTES"]
    if delivery.content_length > limit or len(delivery.raw) > limit:
        return refuse(413, "body too large", delivery)
    raw = delivery.raw
    if not delivery.signature and raw.strip() in (b"", b"{}"):
        # Zalo probes a newly saved webhook URL with an unsigned empty object.
        log.info("webhook probe answered")
        return ACCEPTED
    if not delivery.signature:
        return refuse(401, "missing X-ZEvent-Signature", delivery)
    signed = verify(delivery.signature, raw, config["ZALO_OA_SECRET_KEY"],
                    (config["ZALO_APP_ID"], config["ZALO_OA_ID"]))
    if signed is None:
        return refuse(403, "signature does not match (or no epoch-ms timestamp to check it)",
                      delivery)
    signer, timestamp = signed
    _note_signer(signer, config)
    payload, text, problem = _read(raw, timestamp)
    if problem:
        return refuse(400, problem, delivery)
    elsewhere = events.foreign(payload, config["ZALO_APP_ID"], config["ZALO_OA_ID"])
    if elsewhere:
        return ignore(elsewhere, payload, delivery)
    stale = events.outside_window(timestamp, time.time_ns() // 1_000_000,
                                  int(config["EVENT_MAX_AGE_HOURS"] * 3_600_000), MAX_AHEAD_MS)
    if stale:
        return ignore(stale, payload, delivery)
    if not inbox.record(payload, text):
        log.info("duplicate %r delivery acknowledged (num_retry=%r)", payload["event_name"],
                 delivery.num_retry)
        return DUPLICATE
    return ACCEPTED


def _read(raw, timestamp):
    """(payload, text to store, None) for a signed body we can use, else (.., why not)."""
    try:
        # Strictly UTF-8, as Zalo sends: json.loads would guess UTF-16/32 from bytes.
        text = raw.decode("utf-8")
        payload = events.parsed(text)
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


def _note_signer(signer, config):
    """Log once per process which id signed, since sources disagree on it."""
    kind = "app_id" if signer == config["ZALO_APP_ID"] else "oa_id"
    if kind not in _signers_seen:
        _signers_seen.add(kind)
        log.info("webhook signatures match the %s variant", kind)


def _delivery(environ, limit):
    """The Delivery in a WSGI request; the body is read through werkzeug's input stream, which
    stops at Content-Length (or at the end of a chunked body)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raw = b""
    elif length:  # the server's input stops at Content-Length (PEP 3333)
        raw = environ["wsgi.input"].read(length)
    else:  # chunked, or no length given: werkzeug's stream knows when to stop
        raw = get_input_stream(environ).read(limit + 1)
    return Delivery(raw, environ.get("HTTP_X_ZEVENT_SIGNATURE"), environ.get("REMOTE_ADDR"),
                    length, environ.get("HTTP_NUM_RETRY", "0")[:8])


class WebhookEndpoint:
    """WSGI middleware: POST /webhook/zalo is answered here, every other request by `wrapped`
    (the Flask app). Each delivery is counted and timed for /metrics, its connection goes
    back to the pool, and a database outage is a 503 logged once per outage, as in Flask."""

    def __init__(self, wrapped, config):
        self.wrapped, self.config = wrapped, config
        self.headers = list(security_headers.headers(config).items())

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            return self.wrapped(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            return self._send(start_response, *POST_ONLY)
        began, began_monotonic = time.perf_counter(), time.monotonic()
        try:
            body, status, headers = answer(_delivery(environ, self.config["WEBHOOK_MAX_BYTES"]),
                                           self.config)
            db.note_success(began_monotonic)
        except db.UNAVAILABLE as exc:
            db.note_unavailable(exc)
            body, status, headers = UNAVAILABLE
        except (peewee.DataError, OverflowError):
            # A value the database cannot store (out of range): the sender's fault, not ours.
            log.exception("webhook: a value did not fit the database (answered 400)")
            body, status, headers = (b'{"error":"a value is out of range or not storable"}\n',
                                     400, _JSON)
        except Exception:  # a bug: Zalo retries a 500, so the event is not lost
            log.exception("webhook failed")
            body, status, headers = FAILED
        finally:
            db.release()
        metrics.webhook_answered(metrics.webhook_outcome(status, body, OUTCOMES),
                                 time.perf_counter() - began)
        return self._send(start_response, body, status, headers)

    def _send(self, start_response, body, status, headers):
        start_response(f"{status} {HTTPStatus(status).phrase}",
                       [*headers.items(), ("Content-Length", str(len(body))), *self.headers])
        return [body]


def install(app):
    """Put the webhook in front of `app` (its config is read live, so tests may change it)."""
    app.wsgi_app = WebhookEndpoint(app.wsgi_app, app.config)
