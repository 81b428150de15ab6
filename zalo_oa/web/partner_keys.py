"""Admin page for Open311 partner API keys: issue one per partner, revoke it when needed."""
from flask import Blueprint, flash, g, redirect, render_template, url_for

from .. import audit
from ..models import PartnerKey
from ..open311 import partners
from . import access, forms

bp = Blueprint("partner_keys", __name__, url_prefix="/admin")


@bp.get("/partner-keys")
@access.require(access.ADMIN)
def index():
    """Every key issued, newest first."""
    keys = list(PartnerKey.select().order_by(PartnerKey.id.desc()))
    return render_template("dashboard/partner_keys.html", keys=keys)


@bp.post("/partner-keys")
@access.require(access.ADMIN)
def issue():
    """Issue a key to a partner."""
    with forms.flashing_errors():
        key = partners.issue_key(forms.text("name", partners.MAX_PARTNER_NAME, required=True))
        audit.record(g.staff, "issue_partner_key", key.name)
        flash("partner_key_issued", "success")
    return redirect(url_for("partner_keys.index"))


@bp.post("/partner-keys/revoke")
@access.require(access.ADMIN)
def revoke():
    """Revoke a key: the partner's next request is refused."""
    with forms.flashing_errors():
        key_id = forms.integer("key_id", minimum=1)
        if key_id is None:
            raise forms.FormError("required")
        partners.revoke_key(key_id)
        audit.record(g.staff, "revoke_partner_key", str(key_id))
        flash("partner_key_revoked", "success")
    return redirect(url_for("partner_keys.index"))

