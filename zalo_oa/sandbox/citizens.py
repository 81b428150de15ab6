"""Act as a citizen: send Zalo events to the webhook, age users, read what the OA sent them."""
import secrets
import time

from flask import Blueprint, current_app, jsonify, request

from ..config import SANDBOX_PREFIX
from ..models import utcnow
from . import articles, delivery, events, limits, users
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
    knobs = limits.settings()
    if not knobs["webhook_subscribed"]:
        return jsonify({"webhook_status": None, "event": payload,
                        "error": "the app's webhook subscription was cancelled after its "
                                 "retries failed; grant it again with POST /sandbox/config "
                                 '{"webhook_subscribed": true}'}), 409
    url = delivery.webhook_url(current_app.config)
    status, error = delivery.attempt(record, current_app.config, url, knobs)
    answer = {"webhook_status": status, "event": payload}
    if error:
        retry_at = SandboxEvent.get_by_id(record.id).next_retry_at
        answer.update(error=error, retry_at=retry_at.isoformat() + "Z" if retry_at else None)
    return jsonify(answer), 502 if status is None else 200


@bp.patch("/<user_id>")
def update_citizen(user_id):
    """Create a user or change them: display_name, is_follower, last_interaction_at and
    last_message_at (ms), replies_used, and why Zalo would refuse them messages: banned,
    blocks_invitations, restricted (message types: "cs", "template")."""
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
        return bad_request("times must be epoch milliseconds or null, restricted a list, "
                           "replies_used an integer")
    user.save()
    return jsonify(users.describe(user))


def _apply_patch(user, body):
    if "display_name" in body:
        user.display_name = body["display_name"]
    for flag in ("is_follower", "banned", "blocks_invitations"):
        if flag in body:
            setattr(user, flag, bool(body[flag]))
    if "restricted" in body:
        if not isinstance(body["restricted"], list):
            raise ValueError("restricted must be a list such as [\"cs\", \"template\"]")
        user.restricted = [str(api) for api in body["restricted"]]
    for moment in ("last_interaction_at", "last_message_at"):
        if moment in body:
            value = body[moment]
            setattr(user, moment, None if value is None else users.from_ms(value))
    if "replies_used" in body:
        user.replies_used = int(body["replies_used"])


@bp.get("")
def list_citizens():
    """Users the sandbox knows, most recently active first (for the phone page's picker)."""
    rows = SandboxUser.select().order_by(SandboxUser.last_interaction_at.desc(nulls="LAST"))
    return jsonify([users.describe(user) for user in rows.limit(50)])


@bp.get("/<user_id>/messages")
def list_messages(user_id):
    """What the OA sent this user, oldest first (article broadcasts once Zalo reviewed them)."""
    articles.deliver_due()
    return jsonify([{"api": m.api, "message_id": m.message_id,
                     "sent_at": m.sent_at.isoformat() + "Z",
                     "sent_time": str(users.to_ms(m.sent_at)), "payload": m.payload}
                    for m in SandboxMessage.of_user(user_id)])


@bp.get("/<user_id>/events")
def list_events(user_id):
    """The events this simulated user sent, oldest first, with the webhook's answer."""
    return jsonify([{"event_name": e.event_name, "sent_at": e.sent_at.isoformat() + "Z",
                     "sent_time": str(users.to_ms(e.sent_at)),
                     "webhook_status": e.webhook_status, "retries": e.retries,
                     "event": e.payload}
                    for e in SandboxEvent.of_user(user_id)])
