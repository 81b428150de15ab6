"""Stand-in for https://business.openapi.zalo.me: ZNS template messages by phone number."""
import re
import secrets

from flask import current_app, request

from ..models import utcnow
from . import catalogue, strict, users
from .envelope import ApiError, success
from .hosts import host_blueprint, require_token
from .models import SandboxMessage, SandboxUser

PHONE_84 = re.compile(r"84\d{8,10}")
MAX_TRACKING_ID = 48

bp = host_blueprint("zns", latency=True)


@bp.post("/message/template")
def send_zns():
    """Send an approved template to a phone number given as 84..., with the OA's token,
    within each parameter's length, the OA's daily quota and its Zalo Cloud Account."""
    knobs = require_token(-124, "Access token is invalid")
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    phone = str(body.get("phone") or "")
    if not PHONE_84.fullmatch(phone):
        raise ApiError(-108, "Phone number invalid")
    template_id = str(body.get("template_id") or "")
    params = catalogue.params_for(current_app.config, template_id)
    if params is None:
        raise ApiError(-109, "Template ID invalid")
    catalogue.check_data(params, body.get("template_data"), -111, -112)
    strict.check_lengths(catalogue.limits_for(current_app.config, template_id),
                         body.get("template_data"), -1124)
    if len(str(body.get("tracking_id") or "")) > MAX_TRACKING_ID:
        raise ApiError(-201, f"tracking_id exceeds {MAX_TRACKING_ID} characters")
    daily = knobs["zns_daily_quota"]
    if sent_today() >= daily:
        raise ApiError(-144, "OA has reached its daily ZNS quota")
    strict.charge(knobs, strict.ZNS_BILLING)
    message = SandboxMessage.create(user_id=recipient_of(phone), api="zns",
                                    message_id=secrets.token_hex(16), payload=body)
    return success({"msg_id": message.message_id, "sent_time": str(users.to_ms(message.sent_at)),
                    "quota": {"dailyQuota": str(daily),
                              "remainingQuota": str(max(daily - sent_today(), 0))}})


def recipient_of(phone):
    """The sandbox user who shared this phone, else `phone:<number>`."""
    user = (SandboxUser.select(SandboxUser.user_id).where(SandboxUser.shared_phone == phone)
            .order_by(SandboxUser.id).first())
    return user.user_id if user else f"phone:{phone}"


def sent_today():
    """ZNS messages the sandbox accepted since midnight UTC."""
    midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return (SandboxMessage.select()
            .where((SandboxMessage.api == "zns") & (SandboxMessage.sent_at >= midnight)).count())
