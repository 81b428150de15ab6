"""Citizen simulation over real HTTP: signed events to the webhook, users, messages, media."""
import json

import pytest
import requests

from tests.sandbox_helpers import (
    TIMEOUT,
    citizen_event,
    inbound_event,
    oa_token,
    openapi,
    patch_citizen,
    png_bytes,
    receiver,
    sandbox,
    send_cs,
)
from zalo_oa.zalo.signature import compute_mac

__all__ = ["receiver", "sandbox"]  # fixtures, imported so pytest finds them


@pytest.fixture
def to_receiver(live_server_factory, receiver):
    """A sandbox whose webhook is the test's own receiver."""
    return live_server_factory(with_scheduler=False, SANDBOX_WEBHOOK_URL=receiver.url)


def test_event_is_posted_as_signed_raw_json(to_receiver, receiver):
    answer = citizen_event(to_receiver, "u1", event_name="user_send_text", text="Ổ gà ở đường")
    assert answer.status_code == 200 and answer.json()["webhook_status"] == 200
    [delivery] = receiver.deliveries
    event = json.loads(delivery["raw"])
    assert event == answer.json()["event"]
    assert delivery["headers"]["Content-Type"] == "application/json"
    config = to_receiver.app.config
    expected = compute_mac(config["ZALO_APP_ID"], delivery["raw"], event["timestamp"],
                           config["ZALO_OA_SECRET_KEY"])
    assert delivery["headers"]["X-Zevent-Signature"] == "mac=" + expected


def test_event_carries_configured_ids_and_string_timestamp(to_receiver, receiver):
    event = citizen_event(to_receiver, "u1", event_name="follow",
                          timestamp=1700000000123).json()["event"]
    config = to_receiver.app.config
    assert event["app_id"] == config["ZALO_APP_ID"] and event["oa_id"] == config["ZALO_OA_ID"]
    assert event["follower"] == {"id": "u1"} and event["timestamp"] == "1700000000123"
    assert event["user_id_by_app"].isdigit()


def test_user_id_by_app_stays_the_same_across_events(to_receiver, receiver):
    first = citizen_event(to_receiver, "u1", event_name="user_click_chatnow").json()["event"]
    second = citizen_event(to_receiver, "u1", event_name="user_send_text", text="a").json()
    assert first["user_id_by_app"] == second["event"]["user_id_by_app"]


def test_unknown_event_name_is_a_400_with_a_clear_error(to_receiver, receiver):
    answer = citizen_event(to_receiver, "u1", event_name="user_send_smoke")
    assert answer.status_code == 400 and "user_send_smoke" in answer.json()["error"]
    assert receiver.deliveries == []


def test_unreachable_webhook_is_a_502(live_server_factory, receiver):
    receiver.stop()
    server = live_server_factory(with_scheduler=False, SANDBOX_WEBHOOK_URL=receiver.url)
    answer = citizen_event(server, "u1", event_name="user_send_text", text="hi")
    assert answer.status_code == 502
    assert answer.json()["webhook_status"] is None and answer.json()["error"]


def test_an_interaction_opens_the_cs_window(to_receiver, receiver):
    assert send_cs(to_receiver, "new", {"text": "hi"})["error"] == -201
    citizen_event(to_receiver, "new", event_name="user_send_text", text="hello")
    assert send_cs(to_receiver, "new", {"text": "hi"})["error"] == 0


def test_follow_and_shared_info_show_in_user_detail(to_receiver, receiver):
    citizen_event(to_receiver, "u1", event_name="follow", display_name="Chị Lan")
    citizen_event(to_receiver, "u1", event_name="user_submit_info", name="Lan",
                  phone="0912345678", address="1 Lê Lợi", city="HCM")
    data = requests.get(openapi(to_receiver, "/v3.0/oa/user/detail"), timeout=TIMEOUT,
                        params={"data": json.dumps({"user_id": "u1"})},
                        headers={"access_token": oa_token(to_receiver)}).json()["data"]
    assert data["display_name"] == "Chị Lan" and data["user_is_follower"] is True
    assert data["shared_info"]["phone"] == "84912345678"
    assert data["shared_info"]["name"] == "Lan" and data["shared_info"]["city"] == "HCM"
    citizen_event(to_receiver, "u1", event_name="unfollow")
    assert patch_citizen(to_receiver, "u1")["is_follower"] is False


def test_patch_creates_and_ages_a_user(sandbox):
    created = patch_citizen(sandbox, "u9", display_name="Bác Ba", last_interaction_at=1000)
    assert created["display_name"] == "Bác Ba" and created["last_interaction_at"] == 1000
    listed = requests.get(f"{sandbox.url}/sandbox/citizens", timeout=TIMEOUT).json()
    assert [u["user_id"] for u in listed] == ["u9"]


def test_citizen_events_are_listed_with_the_webhook_answer(to_receiver, receiver):
    citizen_event(to_receiver, "u1", event_name="user_send_location", latitude=10.77,
                  longitude=106.7)
    [item] = requests.get(f"{to_receiver.url}/sandbox/citizens/u1/events", timeout=TIMEOUT).json()
    assert item["event_name"] == "user_send_location" and item["webhook_status"] == 200
    coordinates = item["event"]["message"]["attachments"][0]["payload"]["coordinates"]
    assert coordinates == {"latitude": "10.77", "longitude": "106.7"}


def test_media_upload_is_served_back(sandbox):
    answer = requests.post(f"{sandbox.url}/sandbox/media", timeout=TIMEOUT,
                           files={"file": ("p.png", png_bytes(), "image/png")})
    url = answer.json()["url"]
    assert url.startswith(sandbox.url + "/sandbox/media/")
    assert requests.get(url, timeout=TIMEOUT).content == png_bytes()


def test_media_upload_refuses_non_images(sandbox):
    answer = requests.post(f"{sandbox.url}/sandbox/media", timeout=TIMEOUT,
                           files={"file": ("x.txt", b"hello", "text/plain")})
    assert answer.status_code == 400


def test_text_event_reaches_the_real_webhook_and_is_recorded(sandbox):
    answer = citizen_event(sandbox, "u1", event_name="user_send_text", text="Cây đổ")
    assert answer.status_code == 200 and answer.json()["webhook_status"] == 200
    msg_id = answer.json()["event"]["message"]["msg_id"]
    record = inbound_event(sandbox, msg_id)
    assert record is not None and record.event_name == "user_send_text"


def test_the_real_webhook_refuses_a_signature_made_with_a_wrong_key(live_server_factory):
    webhook = live_server_factory(with_scheduler=False)
    forger = live_server_factory(with_scheduler=False, ZALO_OA_SECRET_KEY="wrong-key",
                                 SANDBOX_WEBHOOK_URL=webhook.url + "/webhook/zalo")
    answer = citizen_event(forger, "u1", event_name="user_send_text", text="forged")
    assert answer.json()["webhook_status"] == 403
    assert inbound_event(webhook, answer.json()["event"]["message"]["msg_id"]) is None
