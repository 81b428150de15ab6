"""GET /zalo/oauth/callback: where Zalo sends an OA admin back after consenting."""
import logging

from flask import Blueprint, current_app, render_template, request

from ..zalo import tokens

log = logging.getLogger(__name__)

bp = Blueprint("zalo_oauth", __name__)


@bp.get(tokens.CALLBACK_PATH)
def callback():
    """Complete the consent this callback's `state` belongs to (the state is the proof)."""
    args = request.args
    try:
        tokens.complete_authorization(current_app.config, args.get("state", ""),
                                      args.get("code", ""), args.get("oa_id", ""))
    except tokens.AuthorizationError as exc:
        log.warning("OAuth callback refused: %s", exc.reason)
        return render_template("oauth/callback.html", ok=False, reason=exc.reason), exc.status
    return render_template("oauth/callback.html", ok=True)

