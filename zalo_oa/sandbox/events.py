"""Pure building of the webhook payloads Zalo sends, from the sandbox's short forms.

Shapes follow /work/shared/zalo-api.md §2: ids and timestamps are strings, timestamps epoch ms.
"""
import hashlib
import json
import math
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

from .phone_number import to_84

# Events that count as the user interacting with the OA (they open the 7-day window).
INTERACTIONS = frozenset({
    "user_send_text", "user_send_image", "user_send_location", "user_send_file",
    "user_send_sticker", "user_send_gif", "user_send_audio", "user_send_video",
    "user_send_link", "user_send_business_card", "follow", "user_click_chatnow",
    "user_submit_info",
})


class EventError(ValueError):
    """The short form cannot become a Zalo event (unknown name, missing or bad field)."""


@dataclass(frozen=True)
class EventContext:
    """Everything about an event that does not come from the short form."""

    app_id: str
    oa_id: str
    user_id: str
    user_id_by_app: str
    timestamp: str
    new_msg_id: Callable[[], str]


def derive_user_id_by_app(app_id, user_id):
    """A stable, numeric app-scoped id for a user, as Zalo gives each app its own."""
    digest = hashlib.sha256(f"{app_id}:{user_id}".encode()).hexdigest()
    return str(int(digest, 16))[:19]


def build_event(form, ctx):
    """The full Zalo payload for the short form `form` (a dict with `event_name`)."""
    name = form.get("event_name") if isinstance(form, dict) else None
    builder = BUILDERS.get(name)
    if builder is None:
        known = ", ".join(sorted(BUILDERS))
        raise EventError(f"unknown event_name {name!r}; known: {known}")
    return builder(form, ctx)


def _required(form, key):
    value = form.get(key)
    if value is None or (isinstance(value, str) and value.strip() == ""):
        raise EventError(f"{key} is required for {form['event_name']}")
    return value


def _from_user(ctx, name, body_key, body):
    return {"app_id": ctx.app_id, "sender": {"id": ctx.user_id}, "recipient": {"id": ctx.oa_id},
            "event_name": name, body_key: body, "timestamp": ctx.timestamp,
            "user_id_by_app": ctx.user_id_by_app}


def _to_user(ctx, name, message):
    # Receipts come from the OA's side: sender and recipient are swapped.
    event = _from_user(ctx, name, "message", message)
    event["sender"], event["recipient"] = event["recipient"], event["sender"]
    return event


def _message(form, ctx, **fields):
    message = {"msg_id": ctx.new_msg_id(), **fields}
    if form.get("text") and "text" not in message:
        message["text"] = str(form["text"])
    if form.get("quote_msg_id"):
        message["quote_msg_id"] = str(form["quote_msg_id"])
    return message


def _send_text(form, ctx):
    return _from_user(ctx, "user_send_text", "message",
                      _message(form, ctx, text=str(_required(form, "text"))))


def _attachments_event(kind, payloads_of):
    """A builder for a user_send_* event whose attachments `payloads_of(form)` lists."""
    def build(form, ctx):
        attachments = [{"type": kind, "payload": p} for p in payloads_of(form)]
        return _from_user(ctx, form["event_name"], "message",
                          _message(form, ctx, attachments=attachments))
    return build


def _image_urls(form):
    urls = form.get("urls") or ([form["url"]] if form.get("url") else [])
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) and u for u in urls):
        raise EventError("url or urls (a list of image urls) is required for "
                         f"{form['event_name']}")
    return urls


def _coordinate(form, key, limit):
    value = _required(form, key)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EventError(f"{key} must be a number") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise EventError(f"{key} is out of range")
    return str(value).strip()


def _location(form):
    return [{"coordinates": {"latitude": _coordinate(form, "latitude", 90),
                             "longitude": _coordinate(form, "longitude", 180)}}]


def _file(form):
    url = str(_required(form, "url"))
    name = form.get("name") or posixpath.basename(urlparse(url).path) or "file.pdf"
    return [{"url": url, "name": name, "size": str(form.get("size", 0)),
             "checksum": form.get("checksum") or hashlib.md5(url.encode()).hexdigest(),
             "type": form.get("type") or posixpath.splitext(name)[1].lstrip(".") or "pdf"}]


def _url_with(*keys):
    """Payload `{url, <keys>...}` where each key defaults to '' (thumbnail to the url)."""
    def payloads(form):
        url = str(_required(form, "url"))
        payload = {"url": url}
        for key in keys:
            payload[key] = form.get(key) or (url if key == "thumbnail" else "")
        return [payload]
    return payloads


def _sticker(form):
    return [{"url": str(_required(form, "url")), "id": str(form.get("id") or "sandbox-sticker")}]


def _anonymous(kind, payloads_of=None):
    """A builder for anonymous_send_<kind>: a chatter who does not follow the OA, in one
    conversation (`conversation_id`, else one per chatter)."""
    def build(form, ctx):
        fields = {"conversation_id": str(form.get("conversation_id")
                                         or f"conversation-{ctx.user_id}")}
        if kind == "text":
            fields["text"] = str(_required(form, "text"))
        else:
            fields["attachments"] = [{"type": kind, "payload": p} for p in payloads_of(form)]
        return _from_user(ctx, form["event_name"], "message", _message(form, ctx, **fields))
    return build


def _business_card(form, ctx):
    name = str(_required(form, "name"))
    qr_url = str(form.get("url") or "")
    description = json.dumps({"phone": str(_required(form, "phone")), "qrCodeUrl": qr_url})
    # The attachment type of a business card is undocumented; its payload matches a link's.
    attachment = {"type": "link", "payload": {"url": qr_url, "thumbnail": form.get("thumbnail")
                                              or qr_url, "description": description}}
    return _from_user(ctx, "user_send_business_card", "message",
                      _message(form, ctx, text=name, attachments=[attachment]))


def _follow_event(form, ctx):
    return {"app_id": ctx.app_id, "oa_id": ctx.oa_id, "follower": {"id": ctx.user_id},
            "user_id_by_app": ctx.user_id_by_app, "event_name": form["event_name"],
            "source": str(form.get("source") or "oa_profile"), "timestamp": ctx.timestamp}


def _click_chatnow(form, ctx):
    return {"app_id": ctx.app_id, "oa_id": ctx.oa_id, "user_id": ctx.user_id,
            "user_id_by_app": ctx.user_id_by_app, "event_name": "user_click_chatnow",
            "timestamp": ctx.timestamp}


def submitted_info(form):
    """The `info` object of user_submit_info: nested `full_address` or, with shape flat, flat."""
    try:
        phone = to_84(_required(form, "phone"))
    except ValueError as exc:
        raise EventError(str(exc)) from None
    base = {"name": str(_required(form, "name")), "phone": phone}
    if form.get("shape") == "flat":
        return {**base, **{k: str(form.get(k) or "") for k in ("address", "city", "district",
                                                                 "ward")}}
    optional = {k: str(form[k]) for k in ("user_dob", "gender") if form.get(k)}
    return {**base, **optional, "full_address": {"user_city": str(form.get("city") or ""),
                                                 "user_ward": str(form.get("ward") or ""),
                                                 "user_address": str(form.get("address") or "")}}


def _submit_info(form, ctx):
    return _from_user(ctx, "user_submit_info", "info", submitted_info(form))


def _received(form, ctx):
    return _to_user(ctx, "user_received_message", {"msg_id": str(_required(form, "msg_id"))})


def _seen(form, ctx):
    msg_ids = _required(form, "msg_ids")
    if not isinstance(msg_ids, list) or not msg_ids:
        raise EventError("msg_ids must be a non-empty list")
    return _to_user(ctx, "user_seen_message", {"msg_ids": [str(m) for m in msg_ids]})


def _reacted(form, ctx):
    message = {"msg_id": str(_required(form, "msg_id")),
               "react_icon": str(form.get("react_icon") or "/-heart")}
    return _from_user(ctx, "user_reacted_message", "message", message)


BUILDERS = {
    "user_send_text": _send_text,
    "user_send_image": _attachments_event("image", lambda form: [
        {"url": url, "thumbnail": url} for url in _image_urls(form)]),
    "user_send_location": _attachments_event("location", _location),
    "user_send_file": _attachments_event("file", _file),
    "user_send_sticker": _attachments_event("sticker", _sticker),
    "user_send_gif": _attachments_event("gif", _url_with("thumbnail")),
    "user_send_audio": _attachments_event("audio", _url_with()),
    "user_send_video": _attachments_event("video", _url_with("thumbnail", "description")),
    "user_send_link": _attachments_event("link", _url_with("thumbnail", "description")),
    "user_send_business_card": _business_card,
    "anonymous_send_text": _anonymous("text"),
    "anonymous_send_image": _anonymous("image", lambda form: [
        {"url": url, "thumbnail": url} for url in _image_urls(form)]),
    "anonymous_send_file": _anonymous("file", _file),
    "anonymous_send_sticker": _anonymous("sticker", _sticker),
    "follow": _follow_event,
    "unfollow": _follow_event,
    "user_click_chatnow": _click_chatnow,
    "user_submit_info": _submit_info,
    "user_received_message": _received,
    "user_seen_message": _seen,
    "user_reacted_message": _reacted,
}
