"""Sign and post Zalo events the way Zalo does, for tests."""
import hashlib
import json

import requests


def mac(app_id, raw, timestamp, secret):
    """Zalo's MAC, computed here independently of zalo_oa.zalo.signature."""
    return hashlib.sha256(app_id.encode() + raw + timestamp.encode() + secret.encode()).hexdigest()


def signed(app, payload, signer=None, secret=None):
    """(raw body, headers) for `payload` signed with the app's settings (or the given ones)."""
    raw = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    signer = signer or app.config["ZALO_APP_ID"]
    secret = secret or app.config["ZALO_OA_SECRET_KEY"]
    header = "mac=" + mac(signer, raw, str(payload.get("timestamp", "")), secret)
    return raw, {"Content-Type": "application/json", "X-ZEvent-Signature": header}


def post_event(server, payload, **kwargs):
    """POST a signed event to a live server's webhook over HTTP."""
    raw, headers = signed(server.app, payload, **kwargs)
    return requests.post(server.url + "/webhook/zalo", data=raw, headers=headers, timeout=5)


def deliver(client, app, payload, **kwargs):
    """POST a signed event through Flask's test client."""
    raw, headers = signed(app, payload, **kwargs)
    return client.post("/webhook/zalo", data=raw, headers=headers)
