"""oa_send_*: Zalo echoes every message the OA sends, ours included. Recorded, never answered,
or the bot would talk to itself."""
import logging

log = logging.getLogger(__name__)

ECHOES = ("text", "image", "gif", "file", "sticker", "list")


def on_oa_send(event):
    sender = event.payload.get("sender") or {}
    if isinstance(sender, dict) and sender.get("admin_id"):
        # A person replied from Zalo's own OA chat tool, outside this service.
        log.info("event %s: an OA admin replied by hand (%s)", event.id, event.name)


HANDLERS = {f"oa_send_{kind}": on_oa_send for kind in ECHOES}
