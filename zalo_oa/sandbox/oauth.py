"""Stand-in for https://oauth.zaloapp.com (OAuth v4 for an OA): the consent page, and the token
endpoint with PKCE, single-use codes and rotating single-use refresh tokens.

Errors come in Zalo's OAuth shape, often with HTTP 200. Zalo documents -14002, -14003 (the
redirect_uri differs from the registered callback) and -14014 (refresh token); the other
-140xx codes below are the sandbox's own choice.
"""
import base64
import datetime as dt
import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from flask import current_app, jsonify, redirect, render_template, request

from ..models import utcnow
from ..zalo.tokens import CALLBACK_PATH
from . import limits, tokens
from .hosts import host_blueprint
from .models import SandboxAuthCode, SandboxToken

CODE_LIFETIME = dt.timedelta(minutes=10)
REFRESH_LIFETIME = dt.timedelta(days=90)

bp = host_blueprint("oauth")


class OAuthFailure(Exception):
    """A refused OAuth request, answered as `{error, error_name, error_reason, ...}`."""

    def __init__(self, code, name, reason, http_status=200):
        super().__init__(f"{code}: {name}")
        self.code, self.name, self.reason, self.http_status = code, name, reason, http_status

    def body(self):
        return {"error": self.code, "error_name": self.name, "error_reason": self.reason,
                "error_description": self.reason,
                "ref_doc": "https://developers.zalo.me/docs/official-account/bat-dau/"
                           "xac-thuc-va-uy-quyen-cho-ung-dung-new"}


@bp.errorhandler(OAuthFailure)
def oauth_failure(exc):
    return jsonify(exc.body()), exc.http_status


def _consent_request(values):
    """The validated (app_id, redirect_uri, code_challenge, state) of a consent request."""
    app_id, redirect_uri = values.get("app_id", ""), values.get("redirect_uri", "")
    if app_id != current_app.config["ZALO_APP_ID"]:
        raise OAuthFailure(-14002, "Invalid app id", "app_id is not a sandbox app", 400)
    if redirect_uri != registered_callback():
        raise OAuthFailure(-14003, "Invalid redirect uri", "redirect_uri must equal the "
                           "Official Account Callback Url registered for the app", 400)
    if not values.get("code_challenge"):
        raise OAuthFailure(-14001, "Invalid parameter", "code_challenge is required", 400)
    return app_id, redirect_uri, values["code_challenge"], values.get("state", "")


def registered_callback():
    """The app's "Official Account Callback Url": the `oauth_callback` knob, else the service's
    own PUBLIC_URL + /zalo/oauth/callback (what the README tells admins to register)."""
    registered = limits.settings()["oauth_callback"]
    if registered:
        return registered
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + CALLBACK_PATH


@bp.get("/v4/oa/permission")
def permission():
    """The consent page an OA admin sees, with an Allow button."""
    try:
        app_id, redirect_uri, challenge, state = _consent_request(request.args)
    except OAuthFailure as exc:
        return render_template("sandbox/consent.html", failure=exc), exc.http_status
    return render_template("sandbox/consent.html", failure=None, app_id=app_id,
                           redirect_uri=redirect_uri, code_challenge=challenge, state=state,
                           oa_id=current_app.config["ZALO_OA_ID"])


@bp.post("/v4/oa/permission")
def allow():
    """The admin allowed: issue a code and send them back with code, oa_id and state."""
    app_id, redirect_uri, challenge, state = _consent_request(request.form)
    code = SandboxAuthCode.create(code=secrets.token_urlsafe(32), app_id=app_id,
                                  code_challenge=challenge)
    query = urlencode({"code": code.code, "oa_id": current_app.config["ZALO_OA_ID"],
                       "state": state})
    return redirect(f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{query}", code=302)


@bp.post("/v4/oa/access_token")
def access_token():
    """Trade a code (with its PKCE verifier) or a refresh token for a new token pair."""
    _check_app(request.headers.get("secret_key", ""), request.form.get("app_id", ""))
    grant = GRANTS.get(request.form.get("grant_type", ""))
    if grant is None:
        raise OAuthFailure(-14001, "Invalid parameter", "grant_type must be authorization_code "
                           "or refresh_token")
    grant(request.form)
    return jsonify(tokens.issue_token())


def _check_app(secret_key, app_id):
    config = current_app.config
    if not hmac.compare_digest(secret_key, config["ZALO_APP_SECRET"]):
        raise OAuthFailure(-14004, "Invalid secret key", "secret_key header is wrong", 400)
    if app_id != config["ZALO_APP_ID"]:
        raise OAuthFailure(-14002, "Invalid app id", "app_id is not a sandbox app", 400)


def _authorization_code(form):
    """Use up the code, then check the verifier against the challenge it was issued for."""
    now = utcnow()
    code = SandboxAuthCode.get_or_none(SandboxAuthCode.code == form.get("code", ""))
    claimed = code is not None and SandboxAuthCode.update(used_at=now).where(
        (SandboxAuthCode.id == code.id) & SandboxAuthCode.used_at.is_null()
        & (SandboxAuthCode.created_at > now - CODE_LIFETIME)).execute() == 1
    if not claimed:
        raise OAuthFailure(-14005, "Invalid oauth code", "code is unknown, used or expired")
    if not hmac.compare_digest(challenge_of(form.get("code_verifier", "")),
                               code.code_challenge):
        raise OAuthFailure(-14006, "Invalid code verifier", "code_verifier does not match "
                           "the code_challenge")


def _refresh_token(form):
    """Retire the refresh token (single use); its access token lives until it expires."""
    now = utcnow()
    taken = SandboxToken.update(refresh_used_at=now).where(
        (SandboxToken.refresh_token == form.get("refresh_token", ""))
        & SandboxToken.refresh_used_at.is_null() & ~SandboxToken.revoked
        & (SandboxToken.created_at > now - REFRESH_LIFETIME)).execute()
    if taken != 1:
        raise OAuthFailure(-14014, "Invalid refresh token", "refresh_token is invalid, expired "
                           "or already used")


GRANTS = {"authorization_code": _authorization_code, "refresh_token": _refresh_token}


def challenge_of(verifier):
    """base64url_nopad(sha256(verifier)), computed here on its own so the sandbox checks the
    service's PKCE rather than repeating it."""
    digest = hashlib.sha256(verifier.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
