"""GET /sandbox/phone: a chat page where a person plays a citizen."""
from flask import Blueprint, current_app, render_template

from ..config import SANDBOX_PREFIX

bp = Blueprint("sandbox_phone", __name__, url_prefix=SANDBOX_PREFIX)

# Central Ho Chi Minh City, where the location form starts.
DEFAULT_LOCATION = (10.7769, 106.7009)


@bp.get("/phone")
def phone():
    """The citizen's phone: follow, chat, share location and photos, see the OA's replies."""
    return render_template("sandbox/phone.html", default_location=DEFAULT_LOCATION,
                           oa_id=current_app.config.get("ZALO_OA_ID", ""))
