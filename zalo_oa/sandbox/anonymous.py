"""Stand-in for Zalo's reply to an anonymous chatter: POST /v2.0/oa/message with recipient
{anonymous_id, conversation_id} (zalo-api.md, "2026 review"). The conversation must be one a
simulated chatter opened with an `anonymous_send_*` event."""
import secrets

from . import rules
from .envelope import ApiError, success
from .models import SandboxEvent, SandboxMessage


def conversation_exists(anonymous_id, conversation_id):
    """True when this anonymous chatter wrote in this conversation."""
    events = SandboxEvent.select().where((SandboxEvent.user_id == anonymous_id)
                                         & SandboxEvent.event_name.startswith("anonymous_send_"))
    return any((e.payload.get("message") or {}).get("conversation_id") == conversation_id
               for e in events)


def reply(body):
    """Record the reply for the chatter; -201 for a recipient or message Zalo would refuse."""
    recipient = body.get("recipient") if isinstance(body.get("recipient"), dict) else {}
    anonymous_id = str(recipient.get("anonymous_id") or "")
    conversation_id = str(recipient.get("conversation_id") or "")
    if not anonymous_id or not conversation_id:
        raise ApiError(-201, "recipient is invalid")
    if not conversation_exists(anonymous_id, conversation_id):
        raise ApiError(-201, "conversation_id is invalid")
    rules.check_message(body.get("message"))
    message = SandboxMessage.create(user_id=anonymous_id, api="anonymous",
                                    message_id=secrets.token_hex(16), payload=body)
    return success({"message_id": message.message_id})
