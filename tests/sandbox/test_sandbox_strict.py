"""The sandbox is as strict as Zalo, over real HTTP: the free-reply counter and its quota
object, paid messages and their billing errors, recipients who cannot get a message, the
platform-standards flag, appsecret_proof, parameter lengths, the ZNS daily quota, upload
expiry, reviewed and capped article broadcasts."""
import datetime as dt
import time

import requests

from tests.sandbox_helpers import (
    TIMEOUT,
    messages_of,
    oa_token,
    openapi,
    patch_citizen,
    png_bytes,
    sandbox,
    send_cs,
)
from zalo_oa.models import utcnow
from zalo_oa.sandbox.models import SandboxUpload
from zalo_oa.sandbox.strict import proof_of

__all__ = ["sandbox"]


def now_ms(hours_ago=0):
    return int((time.time() - hours_ago * 3600) * 1000)


def configure(server, **knobs):
    answer = requests.post(f"{server.url}/sandbox/config", json=knobs, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()


def wrote(server, user_id, hours_ago=0, **fields):
    """A user whose last message to the OA was `hours_ago` hours ago."""
    return patch_citizen(server, user_id, last_interaction_at=now_ms(hours_ago),
                         last_message_at=now_ms(hours_ago), **fields)


def post(server, path, body, token=None, **headers):
    return requests.post(openapi(server, path), json=body, timeout=TIMEOUT,
                         headers={"access_token": token or oa_token(server), **headers}).json()


def template(server, user_id, template_id="zbs-status-closed", **data):
    data = data or {"ma_phan_anh": "PA-2611-000001", "trang_thai": "Đã đóng"}
    return post(server, "/v3.0/oa/message/template",
                {"user_id": user_id, "template_id": template_id, "template_data": data})


def zns(server, phone="84912345678", **data):
    data = data or {"ma_phan_anh": "PA-1", "trang_thai": "Đã xử lý", "ghi_chu": "xong"}
    return requests.post(f"{server.url}/sandbox/zns/message/template", timeout=TIMEOUT,
                         headers={"access_token": oa_token(server)},
                         json={"phone": phone, "template_id": "zns-status-resolved-phone-only",
                               "template_data": data, "tracking_id": "t1"}).json()


# --- the reply counter and what cs costs --------------------------------------------------

def test_eight_free_replies_within_48_hours_then_paid_until_the_user_writes_again(sandbox):
    wrote(sandbox, "u1")
    quotas = [send_cs(sandbox, "u1", {"text": str(n)})["data"]["quota"] for n in range(9)]
    assert [q["quota_type"] for q in quotas] == ["reply"] * 8 + ["purchase_quota"]
    assert [q["remain"] for q in quotas[:8]] == [str(7 - n) for n in range(8)]
    requests.post(f"{sandbox.url}/sandbox/citizens/u1/events", timeout=TIMEOUT,
                  json={"event_name": "user_send_text", "text": "còn đó không?"})
    assert send_cs(sandbox, "u1", {"text": "có"})["data"]["quota"]["quota_type"] == "reply"


def test_cs_after_48_hours_is_paid_and_fails_without_money(sandbox):
    wrote(sandbox, "u1", hours_ago=72)
    assert send_cs(sandbox, "u1", {"text": "x"})["data"]["quota"]["quota_type"] == \
        "purchase_quota"
    configure(sandbox, paid_quota=1)
    assert send_cs(sandbox, "u1", {"text": "x"})["error"] == 0
    assert send_cs(sandbox, "u1", {"text": "x"})["error"] == -211
    configure(sandbox, paid_quota=None, zca_state="none")
    assert send_cs(sandbox, "u1", {"text": "x"})["error"] == -320
    configure(sandbox, zca_state="empty")
    assert send_cs(sandbox, "u1", {"text": "x"})["error"] == -321
    assert template(sandbox, "u1")["error"] == -321
    wrote(sandbox, "u2")  # free replies need no money
    assert send_cs(sandbox, "u2", {"text": "x"})["error"] == 0


# --- recipients Zalo refuses --------------------------------------------------------------

def test_banned_restricting_and_non_following_users_get_zalos_codes(sandbox):
    wrote(sandbox, "banned", banned=True)
    wrote(sandbox, "quiet", restricted=["cs"])
    wrote(sandbox, "stranger", is_follower=False)
    wrote(sandbox, "closed", is_follower=False, blocks_invitations=True)
    assert send_cs(sandbox, "banned", {"text": "x"})["error"] == -227
    assert send_cs(sandbox, "quiet", {"text": "x"})["error"] == -244
    assert template(sandbox, "quiet")["error"] == 0
    news = {"tieu_de": "Cúp nước", "noi_dung": "Phường Bến Thành cúp nước 8-12h"}
    assert template(sandbox, "stranger", "zbs-announcement", **news)["error"] == -213
    assert template(sandbox, "closed", "zbs-announcement", **news)["error"] == -217
    assert template(sandbox, "stranger")["error"] == 0  # a case update needs no follow


def test_an_oa_flagged_for_its_standards_gets_248(sandbox):
    wrote(sandbox, "u1")
    configure(sandbox, oa_violation=True)
    assert send_cs(sandbox, "u1", {"text": "x"})["error"] == -248
    assert template(sandbox, "u1")["error"] == -248


# --- appsecret_proof ----------------------------------------------------------------------

def test_an_app_requiring_appsecret_proof_refuses_calls_without_it(sandbox):
    wrote(sandbox, "u1")
    configure(sandbox, require_appsecret_proof=True)
    token = oa_token(sandbox)
    body = {"recipient": {"user_id": "u1"}, "message": {"text": "x"}}
    assert post(sandbox, "/v3.0/oa/message/cs", body, token)["error"] == -242
    assert post(sandbox, "/v3.0/oa/message/cs", body, token,
                appsecret_proof="0" * 64)["error"] == -242
    good = proof_of(token, sandbox.app.config["ZALO_APP_SECRET"])
    assert post(sandbox, "/v3.0/oa/message/cs", body, token, appsecret_proof=good)["error"] == 0


# --- parameter lengths and the ZNS quota ---------------------------------------------------

def test_a_parameter_longer_than_its_template_allows_is_refused(sandbox):
    wrote(sandbox, "u1")
    unit = "Công ty TNHH MTV Công viên Cây xanh TP.HCM"
    long_unit = {"ma_phan_anh": "PA-1", "don_vi": unit}
    assert template(sandbox, "u1", "zbs-status-reopened", **long_unit)["error"] == -210
    assert template(sandbox, "u1", "zbs-status-reopened",
                    **{**long_unit, "don_vi": unit[:29] + "…"})["error"] == 0
    assert zns(sandbox, ma_phan_anh="PA-1", trang_thai="Đã xử lý", ghi_chu="x" * 91)["error"] \
        == -1124


def test_zns_stops_at_the_daily_quota_and_needs_a_funded_account(sandbox):
    configure(sandbox, zns_daily_quota=2)
    answers = [zns(sandbox) for _ in range(3)]
    assert [a["error"] for a in answers] == [0, 0, -144]
    assert answers[1]["data"]["quota"] == {"dailyQuota": "2", "remainingQuota": "0"}
    configure(sandbox, zns_daily_quota=500, zca_state="empty")
    assert zns(sandbox)["error"] == -115


# --- uploads expire ------------------------------------------------------------------------

def test_an_upload_id_expires_after_about_seven_days(sandbox):
    wrote(sandbox, "u1")
    answer = requests.post(openapi(sandbox, "/v2.0/oa/upload/image"), timeout=TIMEOUT,
                           files={"file": ("a.png", png_bytes(), "image/png")},
                           headers={"access_token": oa_token(sandbox)}).json()
    attachment = answer["data"]["attachment_id"]
    image = {"attachment": {"type": "template", "payload": {
        "template_type": "media",
        "elements": [{"media_type": "image", "attachment_id": attachment}]}}}
    assert send_cs(sandbox, "u1", image)["error"] == 0
    with sandbox.app.app_context():
        SandboxUpload.update(created_at=utcnow() - dt.timedelta(days=7, minutes=1)).execute()
    assert send_cs(sandbox, "u1", image)["error"] == -100
    configure(sandbox, upload_ttl_seconds=30 * 24 * 3600)
    assert send_cs(sandbox, "u1", image)["error"] == 0


# --- article broadcasts ----------------------------------------------------------------------

def broadcast(server, article="art-1"):
    return post(server, "/v2.0/oa/message", {
        "recipient": {"target": {}},
        "message": {"attachment": {"type": "template", "payload": {
            "template_type": "media",
            "elements": [{"media_type": "article", "attachment_id": article}]}}}})


def articles_of(server, user_id):
    return [m for m in messages_of(server, user_id) if m["api"] == "article"]


def test_an_article_is_reviewed_before_followers_get_it(sandbox):
    for user in ("f1", "f2"):
        patch_citizen(sandbox, user, is_follower=True)
    patch_citizen(sandbox, "gone", is_follower=False)
    answer = broadcast(sandbox)
    assert answer["error"] == 0 and answer["data"]["message_id"]
    assert articles_of(sandbox, "f1") == []  # in review (about 30 minutes)
    listed = requests.get(f"{sandbox.url}/sandbox/articles", timeout=TIMEOUT).json()
    assert listed[0]["status"] == "in_review"
    configure(sandbox, article_review_seconds=0)
    broadcast(sandbox, "art-2")
    assert [m["payload"]["article_id"] for m in articles_of(sandbox, "f2")] == ["art-2"]
    assert articles_of(sandbox, "gone") == []


def test_each_follower_gets_one_article_a_day(sandbox):
    patch_citizen(sandbox, "f1", is_follower=True)
    configure(sandbox, article_review_seconds=0)
    for article in ("art-1", "art-2"):
        assert broadcast(sandbox, article)["error"] == 0
    assert [m["payload"]["article_id"] for m in articles_of(sandbox, "f1")] == ["art-1"]
    listed = requests.get(f"{sandbox.url}/sandbox/articles", timeout=TIMEOUT).json()
    assert [a["recipients"] for a in listed] == [0, 1]
