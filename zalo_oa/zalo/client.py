"""The one HTTP client for Zalo's Open API: one Session, a timeout on every call, typed errors.

It knows nothing of Flask or the database; the access token comes from a callable.
"""
import json
import logging

import requests

from .errors import TransientError, error_for

log = logging.getLogger(__name__)

CS_PATH = "/v3.0/oa/message/cs"
USER_DETAIL_PATH = "/v3.0/oa/user/detail"
UPLOAD_IMAGE_PATH = "/v2.0/oa/upload/image"


class ZaloClient:
    """Calls the OA API at `api_base` with the token `token_provider()` returns."""

    def __init__(self, api_base, token_provider, timeout=10.0, session=None):
        self.api_base = api_base.rstrip("/")
        self.token_provider = token_provider
        self.timeout = timeout
        self.session = session or requests.Session()

    def send_cs(self, user_id, message):
        """Send a consultation message; return Zalo's `data` (with `message_id`)."""
        return self._call("POST", CS_PATH, json={"recipient": {"user_id": user_id},
                                                  "message": message})

    def user_detail(self, user_id):
        """Return the follower's profile (`display_name`, `shared_info`, ...)."""
        return self._call("GET", USER_DETAIL_PATH,
                          params={"data": json.dumps({"user_id": user_id})})

    def upload_image(self, filename, content, mimetype="image/jpeg"):
        """Upload an image; return its `attachment_id`."""
        data = self._call("POST", UPLOAD_IMAGE_PATH, files={"file": (filename, content, mimetype)})
        return data["attachment_id"]

    def _call(self, method, path, **kwargs):
        url = self.api_base + path
        headers = {"access_token": self.token_provider() or ""}
        try:
            response = self.session.request(method, url, headers=headers, timeout=self.timeout,
                                            **kwargs)
        except requests.RequestException as exc:
            raise TransientError("network", type(exc).__name__) from exc
        return parse_envelope(response, path)


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
