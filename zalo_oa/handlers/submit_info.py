"""user_submit_info: contact details a citizen chose to share (nested or older flat shape)."""
import logging

from flask import current_app

from ..intake import chat, citizens, dialogue, subscriptions
from ..text import normalize_phone

log = logging.getLogger(__name__)


def shared_info(payload):
    """(name, phone as 84..., address) from either payload shape; missing parts are None."""
    info = payload.get("info") if isinstance(payload.get("info"), dict) else {}
    nested = info.get("full_address") if isinstance(info.get("full_address"), dict) else None
    if nested is not None:
        parts = [nested.get("user_address"), nested.get("user_ward"), nested.get("user_city")]
    else:
        parts = [info.get("address"), info.get("ward"), info.get("district"), info.get("city")]
    address = ", ".join(str(p).strip() for p in parts if p and str(p).strip()) or None
    name = str(info["name"]).strip() if info.get("name") else None
    return name, normalize_phone(str(info.get("phone") or "")), address


def shared_ward(payload):
    """The ward the citizen shared, in either shape, or None."""
    info = payload.get("info") if isinstance(payload.get("info"), dict) else {}
    nested = info.get("full_address") if isinstance(info.get("full_address"), dict) else {}
    return nested.get("user_ward") or info.get("ward")


def on_user_submit_info(event):
    citizen = event.citizen()
    name, phone, address = shared_info(event.payload)
    citizens.save_shared_info(citizen, name, phone, address)
    subscriptions.area_from_shared_info(citizen, shared_ward(event.payload),
                                        current_app.config["PROVINCE_CODE"])
    chat.converse(citizen, dialogue.Contact(name, phone), event.key, at=event.at)


HANDLERS = {"user_submit_info": on_user_submit_info}
