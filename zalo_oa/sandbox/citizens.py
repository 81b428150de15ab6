"""Act as a citizen: send Zalo events to the webhook, age users, read what the OA sent them."""
import secrets
import time

from flask import Blueprint, current_app, jsonify, request

from ..config import SANDBOX_PREFIX
from ..models import utcnow
from . import delivery, events, users
from .models import SandboxEvent, SandboxMessage, SandboxUser

bp = Blueprint("sandbox_citizens", __name__, url_prefix=f"{SANDBOX_PREFIX}/citizens")


def bad_request(message):
    return jsonify({"error": message}), 400


def _timestamp(form):
    """The event's `timestamp`: the form's ms if given, else now; always a string."""
    value = form.get("timestamp")
    if value is None:
        return str(time.time_ns() // 1_000_000)
    if isinstance(value, bool) or not str(value).isdigit():
        raise events.EventError("timestamp must be epoch milliseconds")
    return str(int(value))


def _context(user_id, form):
    config = current_app.config
    app_id = config["ZALO_APP_ID"]
    return events.EventContext(
        app_id=app_id, oa_id=config["ZALO_OA_ID"], user_id=user_id,
        user_id_by_app=users.user_id_by_app(user_id, app_id), timestamp=_timestamp(form),
        new_msg_id=lambda: secrets.token_hex(10))


def _update_user(user_id, form):
    name = form["event_name"]
    interaction = name in events.INTERACTIONS
    user = users.find(user_id)
    if user is None and (interaction or name == "unfollow" or form.get("display_name")):
        user = users.ensure(user_id, current_app.config["ZALO_APP_ID"])
    if user is not None:
        users.record_event(user, name, form, interaction)


@bp.post("/<user_id>/events")
def send_event(user_id):
    """Build the Zalo event for a short form, sign it and POST it to the webhook."""
    form = request.get_json(silent=True)
    if not isinstance(form, dict):
        return bad_request("body must be a JSON object such as "
                           '{"event_name": "user_send_text", "text": "..."}')
    try:
        payload = events.build_event(form, _context(user_id, form))
    except events.EventError as exc:
        return bad_request(str(exc))
    _update_user(user_id, form)
    record = SandboxEvent.create(user_id=user_id, event_name=payload["event_name"],
                                 payload=payload, sent_at=utcnow())
    config = current_app.config
    url = delivery.webhook_url(config)
    try:
        status = delivery.deliver(payload, url, config["ZALO_APP_ID"],
                                  config["ZALO_OA_SECRET_KEY"])
    except delivery.DeliveryError as exc:
        return jsonify({"webhook_status": None, "error": str(exc), "event": payload}), 502
    SandboxEvent.update(webhook_status=status).where(SandboxEvent.id == record.id).execute()
    return jsonify({"webhook_status": status, "event": payload})


@bp.patch("/<user_id>")
def update_citizen(user_id):
    """Create a user or change them: display_name, last_interaction_at (ms), is_follower."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return bad_request("body must be a JSON object")
    user = users.find(user_id)
    if user is None:
        user = users.ensure(user_id, current_app.config["ZALO_APP_ID"])
        user.last_interaction_at = utcnow()
    try:
        _apply_patch(user, body)
    except (TypeError, ValueError, OverflowError):
        return bad_request("last_interaction_at must be epoch milliseconds or null")
    user.save()
    return jsonify(users.describe(user))


def _apply_patch(user, body):
    if "display_name" in body:
        user.display_name = body["display_name"]
    if "is_follower" in body:
        user.is_follower = bool(body["is_follower"])
    if "last_interaction_at" in body:
        value = body["last_interaction_at"]
        user.last_interaction_at = None if value is None else users.from_ms(value)


@bp.get("")
def list_citizens():
    """Users the sandbox knows, most recently active first (for the phone page's picker)."""
    rows = SandboxUser.select().order_by(SandboxUser.last_interaction_at.desc(nulls="LAST"))
    return jsonify([users.describe(user) for user in rows.limit(50)])


@bp.get("/<user_id>/messages")
def list_messages(user_id):
    """What the OA sent this user, oldest first."""
    return jsonify([{"api": m.api, "message_id": m.message_id,
                     "sent_at": m.sent_at.isoformat() + "Z",
                     "sent_time": str(users.to_ms(m.sent_at)), "payload": m.payload}
                    for m in SandboxMessage.of_user(user_id)])


@bp.get("/<user_id>/events")
def list_events(user_id):
    """The events this simulated user sent, oldest first, with the webhook's answer."""
    return jsonify([{"event_name": e.event_name, "sent_at": e.sent_at.isoformat() + "Z",
                     "sent_time": str(users.to_ms(e.sent_at)),
                     "webhook_status": e.webhook_status, "event": e.payload}
                    for e in SandboxEvent.of_user(user_id)])
