"""The one HTTP client for Zalo's Open API: one Session, a timeout on every call, typed errors.

It knows nothing of Flask or the database; the access token comes from a callable.
"""
import hashlib
import hmac
import json
import logging

import requests

from .errors import TransientError, error_for

log = logging.getLogger(__name__)

CS_PATH = "/v3.0/oa/message/cs"
ANONYMOUS_PATH = "/v2.0/oa/message"
TEMPLATE_PATH = "/v3.0/oa/message/template"
ZNS_PATH = "/message/template"
USER_DETAIL_PATH = "/v3.0/oa/user/detail"
UPLOAD_IMAGE_PATH = "/v2.0/oa/upload/image"


class ZaloClient:
    """Calls the OA API at `api_base` (and ZNS at `zns_base`) with `token_provider()`'s token.

    `on_rate_headers(limit, remain)` is told the X-RateLimit-* figures of every OA answer.
    With `proof_secret` (the app secret, when ZALO_APP_SECRET_PROOF is on) every call carries
    `appsecret_proof`, which an app with that option on requires (-242 without it).
    """

    def __init__(self, api_base, token_provider, timeout=10.0, session=None, zns_base="",
                 on_rate_headers=None, pool_size=10, proof_secret=None):
        self.proof_secret = proof_secret
        self.api_base = api_base.rstrip("/")
        self.zns_base = zns_base.rstrip("/")
        self.token_provider = token_provider
        self.timeout = timeout
        self.on_rate_headers = on_rate_headers
        self.session = session or _session(pool_size)

    def send_cs(self, user_id, message):
        """Send a consultation message; return Zalo's `data` (with `message_id`)."""
        return self._call("POST", CS_PATH, json={"recipient": {"user_id": user_id},
                                                  "message": message})

    def send_anonymous(self, anonymous_id, conversation_id, message):
        """Reply to someone chatting without following the OA (their anonymous id and
        conversation); return Zalo's `data`."""
        return self._call("POST", ANONYMOUS_PATH, json={
            "recipient": {"anonymous_id": anonymous_id, "conversation_id": conversation_id},
            "message": message})

    def send_template(self, user_id, template_id, template_data):
        """Send an approved ZBS template by user id (works outside the 7-day window)."""
        return self._call("POST", TEMPLATE_PATH, json={
            "user_id": user_id, "template_id": template_id, "template_data": template_data})

    def send_zns(self, phone, template_id, template_data, tracking_id):
        """Send an approved ZNS template to a phone number (84...); return `data` (`msg_id`)."""
        return self._call("POST", ZNS_PATH, base=self.zns_base, json={
            "phone": phone, "template_id": template_id, "template_data": template_data,
            "tracking_id": tracking_id[:48]})

    def user_detail(self, user_id):
        """Return the follower's profile (`display_name`, `shared_info`, ...)."""
        return self._call("GET", USER_DETAIL_PATH,
                          params={"data": json.dumps({"user_id": user_id})})

    def upload_image(self, filename, content, mimetype="image/jpeg"):
        """Upload an image; return its `attachment_id`."""
        data = self._call("POST", UPLOAD_IMAGE_PATH, files={"file": (filename, content, mimetype)})
        return data["attachment_id"]

    def _call(self, method, path, base=None, **kwargs):
        url = (base or self.api_base) + path
        token = self.token_provider() or ""
        headers = {"access_token": token}
        if self.proof_secret:
            headers["appsecret_proof"] = appsecret_proof(token, self.proof_secret)
        try:
            response = self.session.request(method, url, headers=headers, timeout=self.timeout,
                                            **kwargs)
        except requests.RequestException as exc:
            raise TransientError("network", type(exc).__name__) from exc
        self._note_rate_headers(response)
        return parse_envelope(response, path)

    def _note_rate_headers(self, response):
        limit = response.headers.get("X-RateLimit-Limit")
        remain = response.headers.get("X-RateLimit-Remain")
        if self.on_rate_headers and limit is not None and remain is not None:
            try:
                self.on_rate_headers(int(limit), int(remain))
            except ValueError:
                log.info("unreadable rate-limit headers %r/%r", limit, remain)


def appsecret_proof(access_token, app_secret):
    """HMAC-SHA256 of the access token keyed with the app secret, as hex."""
    return hmac.new(app_secret.encode("utf-8"), access_token.encode("utf-8"),
                    hashlib.sha256).hexdigest()


def _session(pool_size):
    """A Session whose connection pool fits the number of threads sending through it."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def parse_envelope(response, path):
    """Return `data` from Zalo's `{error, message, data}` envelope or raise the typed error.

    Zalo reports most errors with HTTP 200, so the envelope is checked on every answer.
    """
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientError(f"http_{response.status_code}", f"{path} answered HTTP "
                             f"{response.status_code}", response.status_code)
    try:
        body = response.json()
    except ValueError:
        raise TransientError("bad_response", f"{path} answered non-JSON "
                             f"(HTTP {response.status_code})", response.status_code) from None
    code = body.get("error", 0) if isinstance(body, dict) else None
    if code is None:
        raise TransientError("bad_response", f"{path} answered an unknown shape")
    if code != 0:
        raise error_for(int(code), str(body.get("message", "")), response.status_code)
    if response.status_code >= 400:
        raise error_for(response.status_code, f"HTTP {response.status_code}", response.status_code)
    return body.get("data") or {}
