"""anonymous_send_*: someone who does not follow the OA writes to it; the answer goes back
through Zalo's anonymous reply (their anonymous id and conversation)."""
from ..intake import anonymous, events

KINDS = ("text", "image", "file", "sticker")


def on_anonymous_send(event):
    message = event.payload.get("message") or {}
    text = message.get("text") if event.name == "anonymous_send_text" else None
    anonymous.answer(event.user_id, events.conversation_id(event.payload),
                     str(text) if text else None, event.key)


HANDLERS = {f"anonymous_send_{kind}": on_anonymous_send for kind in KINDS}
