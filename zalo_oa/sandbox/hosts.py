"""Blueprints standing in for Zalo's three hosts: faults, error envelope, unknown paths."""
from flask import Blueprint, g, request

from ..config import SANDBOX_PREFIX
from ..models import utcnow
from . import faults, limits, strict, tokens
from .envelope import ApiError, failure

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def host_blueprint(host, latency=False, rate_limited=False):
    """A blueprint for `/sandbox/<host>` that applies faults and answers in Zalo's envelope.

    `latency` adds the configured delay to every call; `rate_limited` counts calls against
    the per-minute limit (-32 past it) and puts X-RateLimit-* headers on the answers.
    """
    prefix = f"{SANDBOX_PREFIX}/{host}"
    bp = Blueprint(f"sandbox_{host}", __name__, url_prefix=prefix)
    # Zalo counts a call when it arrives, not when its answer leaves after the latency.
    bp.before_request(lambda: setattr(g, "sandbox_received_at", utcnow()))
    if latency or rate_limited:
        _apply_knobs(bp, latency, rate_limited)

    @bp.before_request
    def apply_faults():
        return faults.apply(zalo_path(prefix))

    @bp.errorhandler(ApiError)
    def api_error(exc):
        return failure(exc.code, exc.message)

    @bp.route("/", defaults={"rest": ""}, methods=ALL_METHODS)
    @bp.route("/<path:rest>", methods=ALL_METHODS)
    def not_found(rest):
        """Paths the sandbox has no stand-in for yet."""
        return failure(404, f"sandbox has no stand-in for {request.method} /{rest}", 404)

    return bp


def _apply_knobs(bp, latency, rate_limited):
    @bp.before_request
    def apply_knobs():
        knobs = limits.settings()
        if latency:
            limits.delay(knobs)
        return limits.limit_rate(knobs) if rate_limited else None

    if rate_limited:
        bp.after_request(limits.add_rate_headers)


def zalo_path(prefix):
    """This request's path as Zalo's host would see it (the sandbox prefix removed)."""
    return request.path[len(prefix):] or "/"


def require_token(code=-216, message="Access token is invalid"):
    """ApiError(code) unless the `access_token` header holds a valid sandbox token (and, when
    the app requires it, a right `appsecret_proof`: -242); returns the knobs."""
    if not tokens.is_valid(request.headers.get("access_token", "")):
        raise ApiError(code, message)
    knobs = limits.settings()
    strict.check_proof(knobs)
    return knobs
