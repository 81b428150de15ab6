"""Pure checks of a consultation (cs) request, in the order Zalo applies them."""
import unicodedata

from .envelope import ApiError

MAX_TEXT_CHARS = 2000
MAX_BUTTONS = 5
MEDIA_TYPES = ("image", "gif")


def _text(value):
    return isinstance(value, str) and value.strip() != ""


def _object_with(*keys):
    return lambda payload: isinstance(payload, dict) and all(_text(payload.get(k)) for k in keys)


BUTTON_PAYLOAD_CHECKS = {
    "oa.query.show": _text,
    "oa.query.hide": _text,
    "oa.open.url": _object_with("url"),
    "oa.open.phone": _object_with("phone_code"),
    "oa.open.sms": _object_with("content", "phone_code"),
}


def recipient_of(body):
    """The `recipient.user_id` of a send request, or -201."""
    recipient = body.get("recipient") if isinstance(body, dict) else None
    user_id = recipient.get("user_id") if isinstance(recipient, dict) else None
    if not isinstance(user_id, (str, int)) or str(user_id).strip() == "":
        raise ApiError(-201, "recipient is invalid")
    return str(user_id)


def check_message(message, attachment_exists=lambda attachment_id: True):
    """Raise ApiError unless `message` is a cs message the sandbox accepts."""
    if not isinstance(message, dict) or not (message.get("text") or message.get("attachment")):
        raise ApiError(-201, "message is invalid")
    text = message.get("text")
    if text is not None:
        if not isinstance(text, str):
            raise ApiError(-201, "text is invalid")
        if len(unicodedata.normalize("NFC", text)) > MAX_TEXT_CHARS:
            raise ApiError(-210, f"text exceeds the limit of {MAX_TEXT_CHARS} characters")
    if message.get("attachment") is not None:
        _check_attachment(message["attachment"], message, attachment_exists)


def _check_attachment(attachment, message, attachment_exists):
    if not isinstance(attachment, dict) or attachment.get("type") != "template":
        raise ApiError(-201, "attachment is invalid")
    payload = attachment.get("payload")
    if not isinstance(payload, dict):
        raise ApiError(-201, "attachment is invalid")
    check = TEMPLATE_CHECKS.get(payload.get("template_type"))
    if check is None:
        raise ApiError(-201, "template_type is invalid")
    check(payload, message, attachment_exists)
    if "buttons" in payload and payload.get("template_type") is not None:
        check_buttons(payload["buttons"])


def _check_button_template(payload, message, attachment_exists):
    if not _text(message.get("text")):
        raise ApiError(-201, "text is invalid")
    check_buttons(payload.get("buttons"))


def check_buttons(buttons):
    """Raise -201 unless `buttons` is 1 to 5 well-formed buttons of a known type."""
    if not isinstance(buttons, list) or not buttons or len(buttons) > MAX_BUTTONS:
        raise ApiError(-201, "buttons is invalid")
    for button in buttons:
        if not isinstance(button, dict) or button.get("type") not in BUTTON_PAYLOAD_CHECKS:
            raise ApiError(-201, "button type is invalid")
        if not _text(button.get("title")):
            raise ApiError(-201, "button title is invalid")
        if not BUTTON_PAYLOAD_CHECKS[button["type"]](button.get("payload")):
            raise ApiError(-201, "button payload is invalid")


def _single_element(payload):
    elements = payload.get("elements")
    if not isinstance(elements, list) or len(elements) != 1 or not isinstance(elements[0], dict):
        raise ApiError(-201, "elements is invalid")
    return elements[0]


def _check_media_template(payload, message, attachment_exists):
    element = _single_element(payload)
    if element.get("media_type") not in MEDIA_TYPES:
        raise ApiError(-201, "media_type is invalid")
    has_url, has_id = _text(element.get("url")), _text(element.get("attachment_id"))
    if has_url == has_id:  # exactly one of the two, never both
        raise ApiError(-201, "url or attachment_id is invalid")
    if has_id and not attachment_exists(element["attachment_id"]):
        raise ApiError(-201, "attachment_id is invalid")


def _check_request_user_info(payload, message, attachment_exists):
    element = _single_element(payload)
    for key in ("title", "subtitle", "image_url"):
        if not _text(element.get(key)):
            raise ApiError(-201, f"{key} is invalid")


TEMPLATE_CHECKS = {
    None: _check_button_template,
    "media": _check_media_template,
    "request_user_info": _check_request_user_info,
}
