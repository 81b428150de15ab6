"""ZBS template by user id and ZNS by phone, over real HTTP against the sandbox."""
import json

import requests

from tests.sandbox_helpers import (
    TIMEOUT,
    citizen_event,
    messages_of,
    oa_token,
    openapi,
    patch_citizen,
    sandbox,
)
from zalo_oa.config import REFERENCE_DIR

__all__ = ["sandbox"]

DATA = {"ma_phan_anh": "PA-0001", "trang_thai": "Đã xử lý", "ghi_chu": "Đã vá ổ gà"}
ZNS_DATA = {"ma_phan_anh": "PA-0001", "trang_thai": "Đã xử lý", "ghi_chu": "xong"}


def send_template(server, body, token=None):
    return requests.post(openapi(server, "/v3.0/oa/message/template"), json=body,
                         headers={"access_token": token or oa_token(server)},
                         timeout=TIMEOUT).json()


def send_zns(server, body, token=None):
    return requests.post(f"{server.url}/sandbox/zns/message/template", json=body,
                         headers={"access_token": token or oa_token(server)},
                         timeout=TIMEOUT).json()


def test_catalogue_gives_every_status_a_zbs_template_and_some_a_zns_one():
    catalogue = json.loads((REFERENCE_DIR / "zalo_templates.json").read_text(encoding="utf-8"))
    statuses = [kind for kind in catalogue if kind.startswith("status_")]
    assert len(statuses) >= 8 and all(catalogue[k]["zbs_template_id"] for k in statuses)
    with_zns = [kind for kind in catalogue if catalogue[kind].get("zns_template_id")]
    assert 0 < len(with_zns) < len(catalogue)
    ours = {"code", "category", "status", "department", "due_date", "note", "reason", "title",
            "body"}
    for entry in catalogue.values():
        assert {spec["from"] for spec in entry["params"].values()} <= ours
        # Every parameter has Zalo's maximum length, so a long value is cut before sending.
        assert all(isinstance(spec["max"], int) for spec in entry["params"].values())


def test_template_by_uid_reaches_a_user_silent_for_a_month(sandbox):
    patch_citizen(sandbox, "u1", last_interaction_at=0)
    answer = send_template(sandbox, {"user_id": "u1", "template_id": "zbs-status-resolved",
                                     "template_data": DATA})
    assert answer["error"] == 0
    assert answer["data"]["user_id"] == "u1" and answer["data"]["message_id"]
    [listed] = messages_of(sandbox, "u1")
    assert listed["api"] == "template" and listed["message_id"] == answer["data"]["message_id"]
    assert listed["payload"]["template_data"] == DATA


def test_template_by_uid_refusals(sandbox):
    patch_citizen(sandbox, "u1")
    body = {"user_id": "u1", "template_id": "zbs-status-resolved", "template_data": DATA}
    assert send_template(sandbox, body, token="bad")["error"] == -216
    assert send_template(sandbox, {**body, "user_id": "nobody"})["error"] == -201
    assert send_template(sandbox, {**body, "template_id": "no-such"})["error"] == -201
    assert send_template(sandbox, {**body, "template_data": {"ma_phan_anh": "x"}})["error"] == -201
    phone_only = {**body, "template_id": "zns-status-resolved-phone-only"}
    assert send_template(sandbox, phone_only)["error"] == -249
    assert messages_of(sandbox, "u1") == []


def test_zns_is_stored_under_the_user_who_shared_the_phone(sandbox):
    citizen_event(sandbox, "u2", event_name="user_submit_info", name="Lan", phone="0912345678")
    answer = send_zns(sandbox, {"phone": "84912345678", "tracking_id": "case-1-resolved",
                                "template_id": "zns-status-resolved-phone-only",
                                "template_data": ZNS_DATA})
    assert answer["error"] == 0, answer
    data = answer["data"]
    assert data["msg_id"] and data["sent_time"].isdigit()
    assert data["quota"] == {"dailyQuota": "500", "remainingQuota": "499"}
    [listed] = messages_of(sandbox, "u2")
    assert listed["api"] == "zns" and listed["message_id"] == data["msg_id"]
    assert listed["payload"]["tracking_id"] == "case-1-resolved"


def test_zns_to_an_unknown_phone_is_listed_under_the_number(sandbox):
    answer = send_zns(sandbox, {"phone": "84987654321", "template_id": "zbs-status-closed",
                                "template_data": {"ma_phan_anh": "PA-1", "trang_thai": "x"},
                                "tracking_id": "t"})
    assert answer["error"] == 0
    assert [m["api"] for m in messages_of(sandbox, "phone:84987654321")] == ["zns"]


def test_zns_refusals(sandbox):
    body = {"phone": "84912345678", "template_id": "zns-still-handling-phone-only",
            "template_data": {"ma_phan_anh": "PA-1", "trang_thai": "x", "han_xu_ly": "1/1"},
            "tracking_id": "t"}
    assert send_zns(sandbox, body, token="bad")["error"] == -124
    for phone in ("0912345678", "+84912345678", "84-912", ""):
        assert send_zns(sandbox, {**body, "phone": phone})["error"] == -108
    assert send_zns(sandbox, {**body, "template_id": "no-such"})["error"] == -109
    assert send_zns(sandbox, {**body, "template_data": {}})["error"] == -111
    assert send_zns(sandbox, {**body, "template_data": {"ma_phan_anh": "x"}})["error"] == -112
    assert send_zns(sandbox, body)["error"] == 0
