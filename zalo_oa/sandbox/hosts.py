"""Blueprints standing in for Zalo's three hosts: faults, error envelope, unknown paths."""
from flask import Blueprint, request

from ..config import SANDBOX_PREFIX
from . import faults
from .envelope import ApiError, failure

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def host_blueprint(host):
    """A blueprint for `/sandbox/<host>` that applies faults and answers in Zalo's envelope."""
    prefix = f"{SANDBOX_PREFIX}/{host}"
    bp = Blueprint(f"sandbox_{host}", __name__, url_prefix=prefix)

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


def zalo_path(prefix):
    """This request's path as Zalo's host would see it (the sandbox prefix removed)."""
    return request.path[len(prefix):] or "/"
