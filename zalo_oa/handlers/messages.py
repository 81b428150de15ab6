"""user_send_*: what a citizen sends becomes one input of the guided dialogue."""
import logging

from ..intake import chat, dialogue, events

log = logging.getLogger(__name__)

OTHER_KINDS = ("sticker", "gif", "file", "link", "business_card")
MEDIA_KINDS = ("audio", "video")


def on_user_send_text(event):
    message = event.payload.get("message") or {}
    chat.converse(event.citizen(), dialogue.Text(str(message.get("text") or "")), event.key)


def on_user_send_image(event):
    urls = tuple(a["payload"]["url"] for a in events.attachments(event.payload)
                 if a.get("type") == "image" and isinstance(a.get("payload"), dict)
                 and a["payload"].get("url"))
    given = dialogue.Photos(urls) if urls else dialogue.Other("image")
    chat.converse(event.citizen(), given, event.key)


def _media(kind):
    """Voice messages and videos: evidence of the report, kept with its photos."""
    def on_media(event):
        urls = tuple(a["payload"]["url"] for a in events.attachments(event.payload)
                     if a.get("type") == kind and isinstance(a.get("payload"), dict)
                     and a["payload"].get("url"))
        given = dialogue.Media(kind, urls) if urls else dialogue.Other(kind)
        chat.converse(event.citizen(), given, event.key)
    on_media.__name__ = f"on_user_send_{kind}"
    return on_media


def on_user_send_location(event):
    chat.converse(event.citizen(), location_input(event.payload), event.key)


def location_input(payload):
    """The shared location as a dialogue input; a malformed share becomes an `Other` input."""
    for item in events.attachments(payload):
        body = item.get("payload") if isinstance(item.get("payload"), dict) else {}
        coordinates = body.get("coordinates") or body
        latitude = coordinates.get("latitude", coordinates.get("lat"))
        longitude = coordinates.get("longitude", coordinates.get("long", coordinates.get("lng")))
        try:
            lat, lon = float(latitude), float(longitude)
        except (TypeError, ValueError):
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            if "coordinates" not in body:
                log.info("location arrived without `coordinates` (keys %s)", sorted(body))
            return dialogue.Location(lat, lon, body.get("address") or None)
    return dialogue.Other("location")


def _other(kind):
    def on_other(event):
        chat.converse(event.citizen(), dialogue.Other(kind), event.key)
    on_other.__name__ = f"on_user_send_{kind}"
    return on_other


HANDLERS = {"user_send_text": on_user_send_text, "user_send_image": on_user_send_image,
            "user_send_location": on_user_send_location,
            **{f"user_send_{kind}": _media(kind) for kind in MEDIA_KINDS},
            **{f"user_send_{kind}": _other(kind) for kind in OTHER_KINDS}}
