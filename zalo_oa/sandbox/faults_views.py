"""POST/GET/DELETE /sandbox/faults: arrange failures of the Zalo stand-ins."""
from flask import Blueprint, jsonify, request

from ..config import SANDBOX_PREFIX
from . import faults
from .models import SandboxFault

bp = Blueprint("sandbox_faults", __name__, url_prefix=SANDBOX_PREFIX)


@bp.post("/faults")
def add_fault():
    """Make the next `count` calls (or all, until cleared) to a Zalo path fail or slow down."""
    try:
        fields = faults.parse_fault(request.get_json(silent=True))
    except ValueError as exc:
        return jsonify({"error": str(exc)}), 400
    return jsonify({"fault": faults.describe(SandboxFault.create(**fields))}), 201


@bp.get("/faults")
def list_faults():
    """The faults still armed."""
    armed = SandboxFault.select().where(SandboxFault.remaining.is_null()
                                        | (SandboxFault.remaining > 0)).order_by(SandboxFault.id)
    return jsonify([faults.describe(fault) for fault in armed])


@bp.delete("/faults")
def clear_faults():
    """Remove every fault."""
    return jsonify({"cleared": SandboxFault.delete().execute()})
