"""Zalo's OAuth v4 for an OA: the consent URL, PKCE, and the token exchange and refresh calls.

No Flask and no database here; a failed call raises a typed error whose text holds no token.
"""
import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import requests

PERMISSION_PATH = "/v4/oa/permission"
TOKEN_PATH = "/v4/oa/access_token"
# Zalo's OA access token lasts 25 h; used when an answer's `expires_in` is missing or odd.
DEFAULT_EXPIRES_IN = 90000


class OAuthError(Exception):
    """A token call failed; `reason` is safe to log and show (it never holds a token)."""

    def __init__(self, reason, code=None, http_status=None):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.http_status = http_status


class OAuthNetworkError(OAuthError):
    """Zalo's OAuth host could not be reached or did not answer in time."""


class TokenRefused(OAuthError):
    """Zalo answered without an `access_token` (whatever the HTTP status)."""


@dataclass(frozen=True)
class TokenPair:
    """What a successful exchange or refresh returns; `expires_in` in seconds."""

    access_token: str
    refresh_token: str | None
    expires_in: int

    def __repr__(self):  # keep tokens out of logs and tracebacks
        return f"TokenPair(expires_in={self.expires_in})"


def new_code_verifier():
    """A PKCE verifier: 43 url-safe characters (32 random bytes, base64url, unpadded)."""
    return secrets.token_urlsafe(32)


def code_challenge(verifier):
    """base64url_nopad(sha256(verifier)), as Zalo expects (there is no method parameter)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def permission_url(oauth_base, app_id, redirect_uri, code_challenge, state):
    """The consent page an OA admin opens to grant this app access."""
    query = urlencode({"app_id": app_id, "redirect_uri": redirect_uri,
                       "code_challenge": code_challenge, "state": state})
    return f"{oauth_base.rstrip('/')}{PERMISSION_PATH}?{query}"


def exchange_code(oauth_base, app_id, app_secret, code, code_verifier, timeout=10.0,
                  session=None):
    """Trade an authorization code (and its PKCE verifier) for a token pair."""
    form = {"code": code, "app_id": app_id, "grant_type": "authorization_code",
            "code_verifier": code_verifier}
    return _token_call(oauth_base, app_secret, form, timeout, session)


def refresh(oauth_base, app_id, app_secret, refresh_token, timeout=10.0, session=None):
    """Trade the (single-use) refresh token for a new pair."""
    form = {"refresh_token": refresh_token, "app_id": app_id, "grant_type": "refresh_token"}
    return _token_call(oauth_base, app_secret, form, timeout, session)


def _token_call(oauth_base, app_secret, form, timeout, session):
    url = oauth_base.rstrip("/") + TOKEN_PATH
    try:
        response = (session or requests).post(url, data=form, timeout=timeout,
                                              headers={"secret_key": app_secret})
    except requests.RequestException as exc:
        raise OAuthNetworkError(f"{TOKEN_PATH} unreachable: {type(exc).__name__}") from None
    return parse_token_answer(response)


def parse_token_answer(response):
    """The TokenPair in `response`, or TokenRefused when it has no access_token."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not body.get("access_token"):
        raise TokenRefused(refusal_reason(body, response.status_code),
                           code=body.get("error") if isinstance(body, dict) else None,
                           http_status=response.status_code)
    return TokenPair(access_token=str(body["access_token"]),
                     refresh_token=body.get("refresh_token") or None,
                     expires_in=_seconds(body.get("expires_in")))


def refusal_reason(body, http_status):
    """A short, token-free description of a refused token call."""
    if not isinstance(body, dict):
        return f"Zalo answered HTTP {http_status} without JSON"
    parts = [str(body[key]) for key in ("error", "error_name", "error_reason",
                                        "error_description") if body.get(key)]
    detail = " / ".join(parts) or "no access_token in the answer"
    return f"Zalo refused the token request (HTTP {http_status}): {detail}"


def _seconds(value):
    """`expires_in` arrives as a string ("90000"); tolerate an int or garbage."""
    try:
        seconds = int(str(value).strip())
    except (TypeError, ValueError):
        return DEFAULT_EXPIRES_IN
    return seconds if seconds > 0 else DEFAULT_EXPIRES_IN
