"""user_send_*: what a citizen sends becomes one input of the guided dialogue."""
import logging

from flask import current_app

from ..evidence import archive, fetch
from ..intake import chat, dialogue, events

log = logging.getLogger(__name__)

OTHER_KINDS = ("sticker", "gif", "file", "link", "business_card")
MEDIA_KINDS = ("audio", "video")


def on_user_send_text(event):
    message = event.payload.get("message") or {}
    chat.converse(event.citizen(), dialogue.Text(str(message.get("text") or "")), event.key,
                  at=event.at)


def on_user_send_image(event):
    urls = tuple(a["payload"]["url"] for a in events.attachments(event.payload)
                 if a.get("type") == "image" and isinstance(a.get("payload"), dict)
                 and a["payload"].get("url"))
    taken = tuple(url for url in urls if fetch.allowed(url, current_app.config))
    if len(taken) < len(urls):
        log.warning("event %s: %d media URL(s) not on the allowed hosts were dropped", event.id,
                    len(urls) - len(taken))
    given = dialogue.Photos(taken) if taken else dialogue.Other("image")
    citizen = event.citizen()
    archive.receive(citizen, taken, "image")  # the worker copies them before the CDN forgets
    chat.converse(citizen, given, event.key, at=event.at)


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
    chat.converse(event.citizen(), location_input(event.payload), event.key, at=event.at)


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


ARCHIVED_KINDS = ("audio", "video")


def _other(kind):
    def on_other(event):
        citizen = event.citizen()
        if kind in ARCHIVED_KINDS:  # evidence too: kept even before a report takes it
            urls = [u for u in _urls(event.payload, kind) if fetch.allowed(u, current_app.config)]
            archive.receive(citizen, urls, kind)
        chat.converse(citizen, dialogue.Other(kind), event.key, at=event.at)
    on_other.__name__ = f"on_user_send_{kind}"
    return on_other


def _urls(payload, kind):
    return [a["payload"]["url"] for a in events.attachments(payload)
            if a.get("type") == kind and isinstance(a.get("payload"), dict)
            and isinstance(a["payload"].get("url"), str) and a["payload"]["url"]]


HANDLERS = {"user_send_text": on_user_send_text, "user_send_image": on_user_send_image,
            "user_send_location": on_user_send_location,
            **{f"user_send_{kind}": _media(kind) for kind in MEDIA_KINDS},
            **{f"user_send_{kind}": _other(kind) for kind in OTHER_KINDS}}
