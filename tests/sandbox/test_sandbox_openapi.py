"""The Zalo OpenAPI stand-ins over real HTTP: cs sends, user detail, uploads, faults."""
import json
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.sandbox_helpers import (
    CS_PATH,
    TIMEOUT,
    messages_of,
    oa_token,
    openapi,
    patch_citizen,
    png_bytes,
    sandbox,
    send_cs,
)
from zalo_oa.sandbox.tokens import is_valid, issue_token

__all__ = ["sandbox"]  # the fixture, imported so pytest finds it

DAY_MS = 24 * 3600 * 1000
BUTTON = {"title": "Có", "type": "oa.query.show", "payload": "#yes"}


def now_ms():
    return int(time.time() * 1000)


def test_cs_text_is_accepted_stored_and_listed(sandbox):
    patch_citizen(sandbox, "u1", display_name="An", last_message_at=int(time.time() * 1000))
    answer = send_cs(sandbox, "u1", {"text": "Xin chào\nAn"})
    assert answer["error"] == 0 and answer["message"] == "Success"
    data = answer["data"]
    assert data["user_id"] == "u1" and data["sent_time"].isdigit()
    assert data["quota"] == {"quota_type": "reply", "remain": "7", "total": "8"}
    listed = messages_of(sandbox, "u1")
    assert [m["message_id"] for m in listed] == [data["message_id"]]
    assert listed[0]["api"] == "cs"
    assert listed[0]["payload"] == {"recipient": {"user_id": "u1"},
                                    "message": {"text": "Xin chào\nAn"}}


def test_cs_messages_are_listed_oldest_first(sandbox):
    patch_citizen(sandbox, "u1")
    ids = [send_cs(sandbox, "u1", {"text": str(n)})["data"]["message_id"] for n in range(3)]
    assert [m["message_id"] for m in messages_of(sandbox, "u1")] == ids


def test_cs_refuses_a_bad_or_missing_token_with_216(sandbox):
    patch_citizen(sandbox, "u1")
    assert send_cs(sandbox, "u1", {"text": "hi"}, token="not-a-token")["error"] == -216
    response = requests.post(openapi(sandbox, CS_PATH), timeout=TIMEOUT,
                             json={"recipient": {"user_id": "u1"}, "message": {"text": "hi"}})
    assert response.status_code == 200 and response.json()["error"] == -216
    assert messages_of(sandbox, "u1") == []


def test_expired_token_is_invalid(sandbox):
    with sandbox.app.app_context():
        token = issue_token(lifetime_seconds=-1)
        assert token["expires_in"] == "-1" and not is_valid(token["access_token"])
        assert is_valid(issue_token()["access_token"])


def test_cs_refuses_unknown_user_with_201(sandbox):
    answer = send_cs(sandbox, "never-seen", {"text": "hi"})
    assert answer == {"error": -201, "message": "user_id is invalid"}


def test_cs_refuses_a_body_without_recipient_with_201(sandbox):
    response = requests.post(openapi(sandbox, CS_PATH), data="not json", timeout=TIMEOUT,
                             headers={"access_token": oa_token(sandbox)})
    assert response.json()["error"] == -201


def test_cs_refuses_a_user_silent_for_8_days_with_230(sandbox):
    patch_citizen(sandbox, "old", last_interaction_at=now_ms() - 8 * DAY_MS)
    answer = send_cs(sandbox, "old", {"text": "hi"})
    assert answer["error"] == -230
    assert answer["message"] == "User has not interacted with the OA in the past 7 days"


def test_cs_accepts_a_user_silent_for_6_days(sandbox):
    patch_citizen(sandbox, "recent", last_interaction_at=now_ms() - 6 * DAY_MS)
    assert send_cs(sandbox, "recent", {"text": "hi"})["error"] == 0


def test_cs_refuses_text_over_2000_characters_with_210(sandbox):
    patch_citizen(sandbox, "u1")
    assert send_cs(sandbox, "u1", {"text": "a" * 2001})["error"] == -210
    assert send_cs(sandbox, "u1", {"text": "a" * 2000})["error"] == 0


def test_cs_refuses_six_buttons_with_201(sandbox):
    patch_citizen(sandbox, "u1")
    message = {"text": "Chọn", "attachment": {"type": "template",
                                              "payload": {"buttons": [BUTTON] * 6}}}
    assert send_cs(sandbox, "u1", message) == {"error": -201, "message": "buttons is invalid"}
    message["attachment"]["payload"]["buttons"] = [BUTTON] * 5
    assert send_cs(sandbox, "u1", message)["error"] == 0


def test_cs_refuses_an_unknown_button_type_with_201(sandbox):
    patch_citizen(sandbox, "u1")
    message = {"text": "Chọn", "attachment": {"type": "template", "payload": {
        "buttons": [dict(BUTTON, type="oa.open.app")]}}}
    assert send_cs(sandbox, "u1", message)["error"] == -201


def test_uploaded_image_can_be_sent_by_attachment_id(sandbox):
    patch_citizen(sandbox, "u1")
    attachment_id = upload(sandbox, ("a.png", png_bytes(), "image/png")).json()["data"][
        "attachment_id"]
    media = {"attachment": {"type": "template", "payload": {"template_type": "media", "elements": [
        {"media_type": "image", "attachment_id": attachment_id}]}}}
    assert send_cs(sandbox, "u1", media)["error"] == 0
    served = requests.get(f"{sandbox.url}/sandbox/attachments/{attachment_id}", timeout=TIMEOUT)
    assert served.content == png_bytes()
    media["attachment"]["payload"]["elements"][0]["attachment_id"] = "unknown"
    assert send_cs(sandbox, "u1", media)["error"] == -201


def test_request_user_info_template_is_accepted(sandbox):
    patch_citizen(sandbox, "u1")
    message = {"attachment": {"type": "template", "payload": {
        "template_type": "request_user_info",
        "elements": [{"title": "Chia sẻ", "subtitle": "SĐT", "image_url": "https://x/a.png"}]}}}
    assert send_cs(sandbox, "u1", message)["error"] == 0


def user_detail(server, user_id, token=None):
    return requests.get(openapi(server, "/v3.0/oa/user/detail"), timeout=TIMEOUT,
                        params={"data": json.dumps({"user_id": user_id})},
                        headers={"access_token": token or oa_token(server)}).json()


def test_user_detail_has_zalo_profile_shape(sandbox):
    patch_citizen(sandbox, "u1", display_name="Nguyễn An", is_follower=True,
                  last_interaction_at=1700000000000)
    answer = user_detail(sandbox, "u1")
    assert answer["error"] == 0
    data = answer["data"]
    assert data["user_id"] == "u1" and data["user_id_by_app"].isdigit()
    assert data["display_name"] == "Nguyễn An" and data["user_is_follower"] is True
    assert data["user_last_interaction_date"] == "15/11/2023"  # 05:13 in Ho Chi Minh City
    assert data["avatar"].startswith("http") and set(data["avatars"]) == {"120", "240"}
    assert "shared_info" not in data


def test_user_detail_refuses_unknown_user_and_bad_token(sandbox):
    assert user_detail(sandbox, "nobody")["error"] == -201
    patch_citizen(sandbox, "u1")
    assert user_detail(sandbox, "u1", token="bad")["error"] == -216


def upload(server, file_tuple, token=None):
    return requests.post(openapi(server, "/v2.0/oa/upload/image"), timeout=TIMEOUT,
                         files={"file": file_tuple},
                         headers={"access_token": token or oa_token(server)})


def test_upload_image_accepts_png_and_answers_attachment_id(sandbox):
    answer = upload(sandbox, ("a.png", png_bytes(), "image/png")).json()
    assert answer["error"] == 0 and answer["data"]["attachment_id"]


def test_upload_image_refuses_other_types_with_201(sandbox):
    answer = upload(sandbox, ("a.pdf", b"%PDF-1.4 hello", "application/pdf")).json()
    assert answer["error"] == -201


def test_upload_image_refuses_over_1_mb_with_210(sandbox):
    answer = upload(sandbox, ("big.png", png_bytes(1024 * 1024), "image/png")).json()
    assert answer["error"] == -210


def add_fault(server, **fault):
    response = requests.post(f"{server.url}/sandbox/faults", json=fault, timeout=TIMEOUT)
    assert response.status_code == 201, response.text
    return response.json()["fault"]


def test_error_fault_fails_count_calls_then_passes(sandbox):
    patch_citizen(sandbox, "u1")
    add_fault(sandbox, path=CS_PATH, error=-124, count=2)
    codes = [send_cs(sandbox, "u1", {"text": "hi"})["error"] for _ in range(3)]
    assert codes == [-124, -124, 0]


def test_http_status_fault_answers_that_status(sandbox):
    patch_citizen(sandbox, "u1")
    add_fault(sandbox, path=CS_PATH, http_status=503, count=1)
    body = {"recipient": {"user_id": "u1"}, "message": {"text": "hi"}}
    headers = {"access_token": oa_token(sandbox)}
    first = requests.post(openapi(sandbox, CS_PATH), json=body, headers=headers, timeout=TIMEOUT)
    second = requests.post(openapi(sandbox, CS_PATH), json=body, headers=headers, timeout=TIMEOUT)
    assert first.status_code == 503 and second.json()["error"] == 0


def test_delay_fault_slows_calls_until_cleared(sandbox):
    patch_citizen(sandbox, "u1")
    add_fault(sandbox, path=CS_PATH, delay_ms=300)
    for _ in range(2):
        started = time.monotonic()
        assert send_cs(sandbox, "u1", {"text": "hi"})["error"] == 0
        assert time.monotonic() - started >= 0.3
    cleared = requests.delete(f"{sandbox.url}/sandbox/faults", timeout=TIMEOUT).json()
    assert cleared == {"cleared": 1}
    started = time.monotonic()
    send_cs(sandbox, "u1", {"text": "hi"})
    assert time.monotonic() - started < 0.3


def test_faults_apply_to_other_paths_and_hosts_only_as_named(sandbox):
    patch_citizen(sandbox, "u1")
    add_fault(sandbox, path="/v3.0/oa/user/detail", error=-32)
    assert user_detail(sandbox, "u1")["error"] == -32
    assert send_cs(sandbox, "u1", {"text": "hi"})["error"] == 0
    add_fault(sandbox, path="/v4/oa/access_token", http_status=500)
    response = requests.post(f"{sandbox.url}/sandbox/oauth/v4/oa/access_token", timeout=TIMEOUT)
    assert response.status_code == 500


def test_a_counted_fault_is_consumed_exactly_count_times_under_concurrency(sandbox):
    patch_citizen(sandbox, "u1")
    token = oa_token(sandbox)
    add_fault(sandbox, path=CS_PATH, error=-124, count=3)
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: send_cs(sandbox, "u1", {"text": "x"}, token)["error"],
                              range(12)))
    assert codes.count(-124) == 3 and codes.count(0) == 9


def test_bad_fault_bodies_are_refused(sandbox):
    for body in ({"error": -124}, {"path": "/x"}, {"path": "/x", "error": -1, "count": 0},
                 {"path": "/x", "http_status": 200}):
        response = requests.post(f"{sandbox.url}/sandbox/faults", json=body, timeout=TIMEOUT)
        assert response.status_code == 400 and response.json()["error"]


def test_unknown_stand_in_paths_answer_a_404_envelope(sandbox):
    for host in ("openapi", "oauth", "zns"):
        response = requests.get(f"{sandbox.url}/sandbox/{host}/v9/nothing", timeout=TIMEOUT)
        assert response.status_code == 404 and response.json()["error"] == 404
