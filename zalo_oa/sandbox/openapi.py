"""Stand-ins for https://openapi.zalo.me: cs and template messages, user detail, upload."""
import datetime as dt
import json
import secrets

from flask import current_app, request, url_for

from ..media import image_kind
from ..models import utcnow
from . import catalogue, limits, rules, storage, strict, users
from .envelope import ApiError, success
from .hosts import host_blueprint, require_token
from .models import SandboxMessage, SandboxUpload

MAX_IMAGE_BYTES = 1024 * 1024
UPLOAD_KINDS = ("jpg", "png")

bp = host_blueprint("openapi", latency=True, rate_limited=True)


def _interacted_user(user_id):
    user = users.find(user_id)
    if user is None:
        raise ApiError(-201, "user_id is invalid")
    if not users.within_window(user):
        raise ApiError(-230, "User has not interacted with the OA in the past 7 days")
    return user


def _attachment_exists(attachment_id):
    """True for a live upload; -100 once it is older than the upload lifetime (about 7 days)."""
    upload = SandboxUpload.get_or_none(SandboxUpload.attachment_id == attachment_id)
    if upload is None:
        return False
    ttl = dt.timedelta(seconds=limits.settings()["upload_ttl_seconds"])
    if utcnow() - upload.created_at > ttl:
        raise ApiError(-100, "attachment_id was expired")
    return True


@bp.post("/v3.0/oa/message/cs")
def send_cs():
    """Send a consultation message to a user who interacted within 7 days; the answer's
    `quota` says whether it was one of the 8 free replies or a paid message."""
    knobs = require_token()
    strict.check_oa(knobs)
    body = request.get_json(silent=True)
    user_id = rules.recipient_of(body)
    user = users.find(user_id)
    if user is not None:
        strict.check_recipient(user, "cs")
    user = _interacted_user(user_id)
    rules.check_message(body.get("message"), _attachment_exists)
    quota = strict.reply_quota(user, knobs)
    message = SandboxMessage.create(user_id=user_id, api="cs", message_id=secrets.token_hex(16),
                                    payload=body)
    return success({"message_id": message.message_id, "user_id": user_id,
                    "sent_time": str(users.to_ms(message.sent_at)), "quota": quota})


@bp.post("/v3.0/oa/message/template")
def send_template():
    """ZBS template by user id: no 7-day window, but an approved, UID-capable template, a
    recipient who accepts it (an announcement template: a follower), values within each
    parameter's length, and a paid message the OA can pay for."""
    knobs = require_token()
    strict.check_oa(knobs)
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    user_id = str(body.get("user_id") or "")
    user = users.find(user_id) if user_id else None
    if user is None:
        raise ApiError(-201, "user_id is invalid")
    template_id = str(body.get("template_id") or "")
    config = current_app.config
    params = catalogue.params_for(config, template_id)
    if params is None:
        raise ApiError(-201, "template_id is invalid")
    if not catalogue.uid_capable(template_id):
        raise ApiError(-249, "Template is not allowed to send by user_id")
    strict.check_recipient(user, "template",
                           needs_follower=catalogue.is_announcement(config, template_id))
    catalogue.check_data(params, body.get("template_data"), -201, -201)
    strict.check_lengths(catalogue.limits_for(config, template_id), body.get("template_data"),
                         -210)
    strict.charge(knobs)
    message = SandboxMessage.create(user_id=user_id, api="template",
                                    message_id=secrets.token_hex(16), payload=body)
    return success({"message_id": message.message_id, "user_id": user_id,
                    "sent_time": str(users.to_ms(message.sent_at))})


@bp.get("/v3.0/oa/user/detail")
def user_detail():
    """A user's profile; `data` is a JSON-encoded query parameter, as on Zalo."""
    require_token()
    try:
        query = json.loads(request.args.get("data", ""))
    except ValueError:
        raise ApiError(-201, "data is invalid") from None
    user_id = query.get("user_id") if isinstance(query, dict) else None
    user = users.find(user_id) if user_id else None
    if user is None:
        raise ApiError(-201, "user_id is invalid")
    avatar = storage.external_url(url_for("static", filename="sandbox/avatar.svg"))
    return success(users.profile(user, avatar, current_app.config.get("TIMEZONE")
                                 or "Asia/Ho_Chi_Minh"))


@bp.post("/v2.0/oa/upload/image")
def upload_image():
    """Store a jpg/png of at most 1 MB and return its attachment_id."""
    require_token()
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(-201, "file is invalid")
    content = upload.read(MAX_IMAGE_BYTES + 1)
    kind = image_kind(content)
    if kind not in UPLOAD_KINDS:
        raise ApiError(-201, "file is invalid: only jpg and png images are accepted")
    if len(content) > MAX_IMAGE_BYTES:
        raise ApiError(-210, "file exceeds the limit of 1 MB")
    record = SandboxUpload.create(attachment_id=secrets.token_hex(16),
                                  file_name=storage.save(content, kind), size=len(content))
    return success({"attachment_id": record.attachment_id})
