"""Deliver a built event to the OA's webhook the way Zalo does: raw JSON bytes, signed."""
import json

import requests

from ..config import public_base
from ..zalo.signature import signature_header

WEBHOOK_TIMEOUT = 5.0


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


def deliver(payload, url, app_id, secret_key, timeout=WEBHOOK_TIMEOUT):
    """POST the signed event to `url`; return the HTTP status, or raise DeliveryError."""
    raw, headers = signed_request(payload, app_id, secret_key)
    try:
        response = requests.post(url, data=raw, headers=headers, timeout=timeout)
    except requests.RequestException as exc:
        raise DeliveryError(f"webhook {url} unreachable: {type(exc).__name__}") from exc
    return response.status_code
