"""Test and benchmark controls: the sandbox's knobs (rate limit, latency), token expiry."""
import datetime as dt

from flask import Blueprint, jsonify, request

from ..config import SANDBOX_PREFIX
from ..models import utcnow
from . import limits
from .models import SandboxToken

bp = Blueprint("sandbox_control", __name__, url_prefix=SANDBOX_PREFIX)


@bp.get("/config")
def get_config():
    """The current rate limit (calls per minute) and added latency (ms)."""
    return jsonify(limits.settings())


@bp.post("/config")
def set_config():
    """Change `rate_limit_per_minute` and/or `latency_ms`; every process sees it at once."""
    try:
        changes = limits.parse(request.get_json(silent=True))
    except ValueError as exc:
        return jsonify({"error": str(exc)}), 400
    return jsonify(limits.update(changes))


@bp.post("/tokens/expire")
def expire_tokens():
    """Expire one access token now (`{"access_token": ...}`), or every one (`{}`)."""
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        return jsonify({"error": "body must be a JSON object"}), 400
    query = SandboxToken.update(expires_at=utcnow() - dt.timedelta(seconds=1))
    if body.get("access_token"):
        query = query.where(SandboxToken.access_token == str(body["access_token"]))
    return jsonify({"expired": query.execute()})
