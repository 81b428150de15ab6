"""CSRF protection for every state-changing request, checked app-wide before any view runs.

Machine endpoints authenticate otherwise and are exempt by name: the OAuth callback (its
one-time state, and a GET anyway), the Open311 POST (the partner's API key) and the sandbox
(demo and tests only, loopback only). The webhook (Zalo's signature) is answered in front of
Flask and never gets here (intake/webhook.py).
"""
import hmac
import secrets

from flask import abort, request, session

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
EXEMPT_ENDPOINTS = {
    "zalo_oauth.callback": "Zalo's OAuth redirect; its one-time state is the proof",
    "open311.create": "Open311 partners: authenticated by their API key",
}
EXEMPT_BLUEPRINT_PREFIX = "sandbox"


def token():
    """This session's CSRF token, made on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def new_token():
    """Give the session a fresh token (at login: no fixation)."""
    session["csrf"] = secrets.token_urlsafe(32)


def is_exempt(endpoint):
    """True for the machine endpoints listed above (and unknown URLs, which 404 anyway)."""
    if endpoint is None or endpoint in EXEMPT_ENDPOINTS:
        return True
    return endpoint.split(".", 1)[0].startswith(EXEMPT_BLUEPRINT_PREFIX)


def protect():
    """Refuse a state-changing request that lacks this session's token (form or header)."""
    if request.method not in UNSAFE_METHODS or is_exempt(request.endpoint):
        return
    given = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token", "")
    if not hmac.compare_digest(given, session.get("csrf", "\0")):
        abort(400, "CSRF token missing or wrong")


def init_app(app):
    app.before_request(protect)
    app.jinja_env.globals["csrf_token"] = token
