"""Pure tests of the webhook payloads the sandbox builds (shapes per zalo-api.md §2)."""
import itertools
import json

import pytest

from zalo_oa.sandbox import delivery, rules
from zalo_oa.sandbox.envelope import ApiError
from zalo_oa.sandbox.events import (
    INTERACTIONS,
    EventContext,
    EventError,
    build_event,
    derive_user_id_by_app,
)
from zalo_oa.sandbox.phone_number import to_84
from zalo_oa.zalo.signature import compute_mac

USER, OA, APP = "2468100001", "3886OA", "3608APP"


def context(timestamp="1700000000123"):
    ids = itertools.count(1)
    return EventContext(app_id=APP, oa_id=OA, user_id=USER, user_id_by_app="5521",
                        timestamp=timestamp, new_msg_id=lambda: f"msg{next(ids)}")


def build(**form):
    return build_event(form, context())


def test_text_event_has_the_message_envelope_with_string_ids():
    event = build(event_name="user_send_text", text="Đèn đường hỏng")
    assert event == {"app_id": APP, "sender": {"id": USER}, "recipient": {"id": OA},
                     "event_name": "user_send_text",
                     "message": {"msg_id": "msg1", "text": "Đèn đường hỏng"},
                     "timestamp": "1700000000123", "user_id_by_app": "5521"}


def test_text_event_keeps_a_reply_quote():
    event = build(event_name="user_send_text", text="ok", quote_msg_id="abc")
    assert event["message"]["quote_msg_id"] == "abc"


def test_location_coordinates_are_strings_named_latitude_longitude():
    event = build(event_name="user_send_location", latitude=10.77, longitude=106.7)
    assert event["message"]["attachments"] == [
        {"type": "location", "payload": {"coordinates": {"latitude": "10.77",
                                                         "longitude": "106.7"}}}]


def test_several_image_urls_make_one_event_with_several_attachments():
    event = build(event_name="user_send_image", urls=["http://x/a.jpg", "http://x/b.jpg"])
    attachments = event["message"]["attachments"]
    assert [a["type"] for a in attachments] == ["image", "image"]
    assert attachments[1]["payload"] == {"url": "http://x/b.jpg", "thumbnail": "http://x/b.jpg"}


def test_single_image_url_is_an_array_of_one():
    event = build(event_name="user_send_image", url="http://x/a.jpg")
    assert isinstance(event["message"]["attachments"], list)
    assert len(event["message"]["attachments"]) == 1


def test_file_event_has_size_as_string_and_checksum():
    payload = build(event_name="user_send_file", url="http://x/report.pdf", size=1234)[
        "message"]["attachments"][0]["payload"]
    assert payload["size"] == "1234" and payload["name"] == "report.pdf"
    assert payload["type"] == "pdf" and len(payload["checksum"]) == 32


def test_business_card_description_is_a_json_string_and_text_the_name():
    message = build(event_name="user_send_business_card", name="Chị Lan", phone="0912345678",
                    url="http://x/qr.png")["message"]
    assert message["text"] == "Chị Lan"
    description = json.loads(message["attachments"][0]["payload"]["description"])
    assert description == {"phone": "0912345678", "qrCodeUrl": "http://x/qr.png"}


@pytest.mark.parametrize("name", ["follow", "unfollow"])
def test_follow_events_carry_follower_and_oa_id_not_sender(name):
    event = build(event_name=name)
    assert event == {"app_id": APP, "oa_id": OA, "follower": {"id": USER},
                     "user_id_by_app": "5521", "event_name": name, "source": "oa_profile",
                     "timestamp": "1700000000123"}


def test_click_chatnow_is_flat():
    event = build(event_name="user_click_chatnow")
    assert event["user_id"] == USER and event["oa_id"] == OA and "sender" not in event


def test_submit_info_is_nested_by_default_with_phone_as_84():
    event = build(event_name="user_submit_info", name="An", phone="0912 345 678",
                  address="12 Lê Lợi", city="Hồ Chí Minh", ward="Phường Bến Thành")
    assert event["sender"] == {"id": USER} and event["recipient"] == {"id": OA}
    assert event["info"] == {"name": "An", "phone": "84912345678", "full_address": {
        "user_city": "Hồ Chí Minh", "user_ward": "Phường Bến Thành", "user_address": "12 Lê Lợi"}}


def test_submit_info_flat_shape_on_request():
    info = build(event_name="user_submit_info", name="An", phone="84912345678",
                 address="12 Lê Lợi", city="HCM", ward="Bến Thành", shape="flat")["info"]
    assert info == {"name": "An", "phone": "84912345678", "address": "12 Lê Lợi", "city": "HCM",
                    "district": "", "ward": "Bến Thành"}


def test_receipts_swap_sender_and_recipient():
    seen = build(event_name="user_seen_message", msg_ids=["a", "b"])
    assert seen["sender"] == {"id": OA} and seen["recipient"] == {"id": USER}
    assert seen["message"] == {"msg_ids": ["a", "b"]}
    received = build(event_name="user_received_message", msg_id="a")
    assert received["sender"] == {"id": OA} and received["message"] == {"msg_id": "a"}


def test_reaction_comes_from_the_user():
    event = build(event_name="user_reacted_message", msg_id="a", react_icon="/-strong")
    assert event["sender"] == {"id": USER}
    assert event["message"] == {"msg_id": "a", "react_icon": "/-strong"}


def test_each_message_event_gets_a_fresh_msg_id():
    ctx = context()
    first = build_event({"event_name": "user_send_text", "text": "a"}, ctx)
    second = build_event({"event_name": "user_send_text", "text": "b"}, ctx)
    assert first["message"]["msg_id"] != second["message"]["msg_id"]


@pytest.mark.parametrize("form", [
    {"event_name": "user_sends_smoke"},
    {"event_name": "user_send_text"},
    {"event_name": "user_send_location", "latitude": "north", "longitude": 1},
    {"event_name": "user_send_location", "latitude": 95, "longitude": 1},
    {"event_name": "user_send_image"},
    {"event_name": "user_submit_info", "name": "An", "phone": "12345"},
    {"event_name": "user_seen_message", "msg_ids": "a"},
])
def test_bad_short_forms_raise_event_error(form):
    with pytest.raises(EventError):
        build(**form)


def test_interactions_exclude_receipts_and_unfollow():
    assert "follow" in INTERACTIONS and "user_submit_info" in INTERACTIONS
    assert not {"unfollow", "user_seen_message", "user_received_message"} & INTERACTIONS


@pytest.mark.parametrize("raw, expected", [
    ("0912345678", "84912345678"), ("84912345678", "84912345678"),
    ("+84 912.345.678", "84912345678"), ("091-234-5678", "84912345678")])
def test_phone_numbers_normalise_to_84(raw, expected):
    assert to_84(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "0912abc678", "1912345678"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        to_84(raw)


def test_user_id_by_app_is_stable_numeric_and_app_scoped():
    first = derive_user_id_by_app("app1", "u1")
    assert first == derive_user_id_by_app("app1", "u1") and first.isdigit()
    assert first != derive_user_id_by_app("app2", "u1")


def test_signed_request_signs_the_exact_bytes_sent():
    event = build(event_name="user_send_text", text="xin chào")
    raw, headers = delivery.signed_request(event, APP, "secret")
    assert json.loads(raw) == event
    assert headers["X-ZEvent-Signature"] == "mac=" + compute_mac(APP, raw, event["timestamp"],
                                                                 "secret")


def test_webhook_url_is_the_setting_then_public_url_never_a_host_header():
    assert delivery.webhook_url({"SANDBOX_WEBHOOK_URL": "http://w/h"}) == "http://w/h"
    assert delivery.webhook_url({"PUBLIC_URL": "https://p/"}) == "https://p/webhook/zalo"
    assert delivery.webhook_url({}) == "http://127.0.0.1:5000/webhook/zalo"


BUTTON = {"title": "Có", "type": "oa.query.show", "payload": "#yes"}


@pytest.mark.parametrize("message, code", [
    ({}, -201),
    ({"text": "x" * 2001}, -210),
    ({"text": "hi", "attachment": {"type": "template", "payload": {"buttons": [BUTTON] * 6}}},
     -201),
    ({"text": "hi", "attachment": {"type": "template", "payload": {
        "buttons": [dict(BUTTON, type="oa.share")]}}}, -201),
    ({"attachment": {"type": "template", "payload": {"template_type": "media", "elements": [
        {"media_type": "image", "url": "http://x", "attachment_id": "a"}]}}}, -201),
    ({"attachment": {"type": "template", "payload": {"template_type": "request_user_info",
                                                     "elements": [{"title": "t"}]}}}, -201),
    ({"attachment": "photo"}, -201),
])
def test_cs_rules_refuse_bad_messages(message, code):
    with pytest.raises(ApiError) as caught:
        rules.check_message(message)
    assert caught.value.code == code


def test_text_length_counts_after_nfc_normalisation():
    decomposed = "e\u0301" * 2000  # 4,000 code points, 2,000 characters once composed
    rules.check_message({"text": decomposed})


@pytest.mark.parametrize("message", [
    {"text": "hi"},
    {"text": "Chọn", "attachment": {"type": "template", "payload": {"buttons": [
        BUTTON, {"title": "Web", "type": "oa.open.url", "payload": {"url": "https://x"}},
        {"title": "Gọi", "type": "oa.open.phone", "payload": {"phone_code": "84912345678"}},
        {"title": "SMS", "type": "oa.open.sms", "payload": {"content": "hi",
                                                             "phone_code": "84912345678"}},
        {"title": "Ẩn", "type": "oa.query.hide", "payload": "#hide"}]}}},
    {"attachment": {"type": "template", "payload": {"template_type": "media", "elements": [
        {"media_type": "image", "url": "https://x/a.jpg"}]}}},
    {"attachment": {"type": "template", "payload": {"template_type": "request_user_info",
                                                    "elements": [{"title": "t", "subtitle": "s",
                                                                  "image_url": "https://x"}]}}},
])
def test_cs_rules_accept_the_supported_messages(message):
    rules.check_message(message)


def test_anonymous_events_carry_the_conversation():
    text = build(event_name="anonymous_send_text", text="cho hỏi", conversation_id="c9")
    assert text["event_name"] == "anonymous_send_text"
    assert text["sender"] == {"id": USER}
    assert text["message"] == {"msg_id": "msg1", "text": "cho hỏi", "conversation_id": "c9"}
    sticker = build(event_name="anonymous_send_sticker", url="https://x/s.png")
    assert sticker["message"]["conversation_id"] == f"conversation-{USER}"
    assert sticker["message"]["attachments"] == [
        {"type": "sticker", "payload": {"url": "https://x/s.png", "id": "sandbox-sticker"}}]
    with pytest.raises(EventError, match="text is required"):
        build(event_name="anonymous_send_text")
