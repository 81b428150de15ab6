"""Test and benchmark controls: the sandbox's knobs (see limits.KNOBS), token expiry, and the
article broadcasts Zalo is reviewing or has sent."""
import datetime as dt

from flask import Blueprint, jsonify, request

from ..config import SANDBOX_PREFIX
from ..models import utcnow
from . import articles, limits
from .models import SandboxArticle, SandboxToken

bp = Blueprint("sandbox_control", __name__, url_prefix=SANDBOX_PREFIX)


@bp.get("/config")
def get_config():
    """The current knobs: rate limit, latency and the strictness rules (limits.KNOBS)."""
    return jsonify(limits.settings())


@bp.post("/config")
def set_config():
    """Change any of the knobs; every process sees it at once."""
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


@bp.get("/articles")
def list_articles():
    """Article broadcasts, newest first: in review, or sent and to how many followers."""
    articles.deliver_due()
    rows = SandboxArticle.select().order_by(SandboxArticle.id.desc()).limit(50)
    return jsonify([articles.describe(article) for article in rows])
