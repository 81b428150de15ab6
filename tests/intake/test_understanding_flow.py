"""The bot understands what citizens write, over real HTTP through the sandbox (issue 11): one
test per thing it must do, each played as a citizen and checked in the database and on the
staff pages."""
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.factories import login, make_staff, post
from tests.intake.test_report_flow import Citizen, buttons, texts
from zalo_oa.intake import learning
from zalo_oa.intake.understanding import category
from zalo_oa.models import (
    Alert,
    Case,
    CasePhoto,
    Category,
    Conversation,
    OutboxMessage,
    Staff,
    TrainingExample,
)

FIRE = "Nhà kế bên đang cháy to, lửa bén qua nhà số 11 hẻm 9 Trần Hưng Đạo"


@pytest.fixture
def citizen(live_server):
    return Citizen(live_server, "citizen-binh")


def phone_buttons(message):
    return [b["payload"]["phone_code"] for b in message["attachment"]["payload"]["buttons"]
            if b["type"] == "oa.open.phone"]


def code_in(text):
    return re.search(r"PA-\d{4}-\d{6}", text).group(0)


def staff_page(server, path, username="lan"):
    """A staff page of the live app, logged in (an admin: every case, every action)."""
    client = server.app.test_client()
    with server.app.app_context():
        if not Staff.select().where(Staff.username == username).exists():
            make_staff(username, role="admin")
    login(client, username)
    return client, client.get(path).get_data(as_text=True)


# --- 1. emergencies first -------------------------------------------------------------------

def test_a_fire_gets_the_number_at_once_then_an_urgent_report_staff_see_first(live_server,
                                                                             citizen):
    with live_server.app.app_context():
        police = Staff.create(username="duty", password_hash="x", role="admin",
                              zalo_user_id="staff-zalo-1")
    [answer] = citizen.replies_to(FIRE)
    assert answer["text"].startswith("🚨 Cháy, nổ")
    assert phone_buttons(answer) == ["114"]
    assert buttons(answer)[-2:] == ["Ghi nhận phản ánh", "Hủy"]

    started = citizen.replies_to("Ghi nhận phản ánh", 2)
    assert buttons(started[-1])[0] == "An ninh trật tự"  # where a fire's report goes first
    citizen.say("An ninh trật tự", 2)  # the address came with the message: photos next
    citizen.say("Bỏ qua", 2)
    assert "Vui lòng kiểm tra" in citizen.say("Bỏ qua")
    confirmation = citizen.say("Gửi", 2)
    assert "khẩn cấp" in confirmation
    code = code_in(confirmation)
    with live_server.app.app_context():
        case = Case.get(Case.code == code)
        assert case.priority == "urgent"
        assert case.address == "nhà số 11 hẻm 9 Trần Hưng Đạo"
        assert case.due_at - case.created_at == dt.timedelta(hours=case.category.urgent_hours)
        assert Alert.get(Alert.kind == f"urgent_case:{code}").resolved_at is None
        assert OutboxMessage.get(OutboxMessage.kind == "staff_urgent").zalo_user_id == \
            police.zalo_user_id
    client, inbox = staff_page(live_server, "/")
    pinned = inbox.split('id="urgent-cases"', 1)[1].split("</table>", 1)[0]
    assert code in pinned
    assert f"🚨 {code}" in inbox  # the alert, on every staff page until someone acts
    post(client, f"/cases/{code}/status", status="received")
    with live_server.app.app_context():
        assert Alert.get(Alert.kind == f"urgent_case:{code}").resolved_at is not None


def test_routine_reports_with_fire_words_get_no_emergency_numbers(live_server, citizen):
    for text in ("Bình chữa cháy ở nhà chờ xe buýt trước chợ Tân Định bị mất rồi",
                 "Đèn đường trước bệnh viện Nhân dân 115 bị cháy bóng, tối om"):
        replies = citizen.replies_to(text, 2)
        assert not any(phone_buttons(m) for m in replies if m.get("attachment")), text
        citizen.say("Hủy")


# --- 2. categories from real messages; staff corrections teach -------------------------------

def test_an_unaccented_water_cut_is_understood_and_can_be_changed(live_server, citizen):
    understood, _ = citizen.replies_to(
        "cup nc 2 ngay r, hem 12 Le Van Sy phuong Nhieu Loc k co nuoc xai", 2)
    assert "Cấp nước" in understood["text"]
    assert buttons(understood) == ["Đổi loại", "Đổi vị trí"]
    [question] = citizen.replies_to("Đổi loại")
    assert buttons(question)[0] == "Cấp nước"


def test_a_staff_correction_is_learnt(live_server, citizen):
    citizen.replies_to("Chủ trọ thu tiền điện 4 nghìn một số, vậy có đúng quy định không", 2)
    with live_server.app.app_context():
        draft = Conversation.get().draft
        draft.update(category="electricity", location={"latitude": None, "longitude": None,
                                                       "address": "12 Lê Lợi"},
                     photos_done=True, contact_done=True, questions_done=True, step="confirm")
        Conversation.update(draft=draft).execute()
    code = code_in(citizen.say("Gửi"))
    client, _ = staff_page(live_server, f"/cases/{code}")
    with live_server.app.app_context():
        other = Category.get(Category.slug == "other")
    post(client, f"/cases/{code}/category", category=other.id)
    with live_server.app.app_context():
        case = Case.get(Case.code == code)
        assert (case.category.slug, case.department.slug) == ("other", "intake")
        example = TrainingExample.get()
        assert (example.text, example.category_slug, example.case_id) == \
            (case.description, "other", case.id)
        assert learning.retrain_if_changed()
        assert not learning.retrain_if_changed()  # nothing new since
        assert category.model().examples == len(category.data.examples()) + 1


def test_the_worker_declares_the_retrain_job(live_server):
    jobs = [job.__name__ for job, _ in live_server.scheduler.jobs.declared()]
    assert "retrain" in jobs and "events" in jobs


def test_the_retrain_command_reports_what_it_learnt(live_server):
    with live_server.app.app_context():
        TrainingExample.create(text="Chủ trọ tính tiền điện quá giá", category_slug="other")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZALO_")}
    env.update(ZALO_OA_DATABASE_URL=live_server.app.config["DATABASE_URL"],
               ZALO_OA_SECRET="retrain-test")
    done = subprocess.run([Path(sys.executable).parent / "zalo-oa", "intake", "retrain",
                           "--folds", "0"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "and 1 staff corrections" in done.stdout


# --- 3. facts from the first message ------------------------------------------------------

def test_an_address_in_the_first_message_is_not_asked_again(live_server, citizen):
    understood, ask = citizen.replies_to("Ổ gà lớn trước số 45 đường Nguyễn Thị Minh Khai, "
                                         "phường Bến Thành, xe máy té mấy vụ rồi", 2)
    assert "trước số 45 đường Nguyễn Thị Minh Khai, phường Bến Thành" in understood["text"]
    assert "ảnh" in ask["text"]
    citizen.say("Bỏ qua", 2)
    citizen.say("Bỏ qua")
    summary = citizen.say("Lớn, trên 1 m")
    assert "Nguyễn Thị Minh Khai" in summary
    code = code_in(citizen.say("Gửi"))
    with live_server.app.app_context():
        case = Case.get(Case.code == code)
        assert case.area_code == "26743"  # Phường Bến Thành
        assert case.attributes == {"size": "large"}
    _, page = staff_page(live_server, f"/cases/{code}")
    assert "<dt>Chỗ hư hỏng lớn cỡ nào?</dt><dd>Lớn, trên 1 m</dd>" in page


def test_a_wrong_guess_of_place_is_changed_in_one_tap(live_server, citizen):
    citizen.replies_to("Cây đổ chắn ngang đường Nguyễn Huệ từ tối qua", 2)
    assert "Sự cố ở đâu?" in citizen.say("Đổi vị trí")
    citizen.say("Trước số 5 Nguyễn Huệ, phường Sài Gòn", 1)
    with live_server.app.app_context():
        location = Conversation.get().draft["location"]
        assert location["ward_code"] == "26740"
        assert Conversation.get().draft["when"] == "từ tối qua"


# --- 4. no dead ends ----------------------------------------------------------------------

def test_a_description_at_the_category_question_is_taken(live_server, citizen):
    citizen.say("Phản ánh mới")
    reply = citizen.say("đèn đường trong hẻm 45 tắt cả tuần, tối thui", 2)
    assert "Chưa rõ lĩnh vực" not in reply and "Chiếu sáng công cộng" in reply


def test_two_misses_offer_other_help_and_cancel(live_server, citizen):
    citizen.say("Phản ánh mới")
    assert "Chưa rõ lĩnh vực" in citizen.say("gửi", 2)
    [stuck] = citizen.replies_to("skip đi")
    assert buttons(stuck) == ["Khác", "Trợ giúp", "Hủy"]
    assert "Lĩnh vực: Khác" in citizen.say("Khác", 2)


def test_gibberish_and_an_unknown_ward_start_no_report(live_server, citizen):
    [reply] = citizen.replies_to("asdfgh qwerty zxcvb")
    assert "chưa hiểu" in reply["text"] and "Phản ánh mới" in buttons(reply)
    assert "Không tìm thấy phường, xã \"Hoàn Kiếm\"" in citizen.say("khu vực Hoàn Kiếm")
    with live_server.app.app_context():
        assert Conversation.get().draft is None


# --- 5. extra questions -------------------------------------------------------------------

def test_the_extra_question_can_be_skipped(live_server, citizen):
    citizen.replies_to("Nước ngập tới đầu gối ở hẻm 60 Tân Hòa Đông sau cơn mưa", 2)
    citizen.say("Bỏ qua", 2)
    question = citizen.replies_to("Bỏ qua", 1)[-1]
    assert "Nước ngập sâu đến đâu?" in question["text"]
    assert buttons(question) == ["Không ngập, chỉ hư cống", "Đến mắt cá chân", "Đến đầu gối",
                                 "Trên đầu gối", "Bỏ qua"]
    citizen.say("Bỏ qua")
    code = code_in(citizen.say("Gửi"))
    with live_server.app.app_context():
        assert Case.get(Case.code == code).attributes is None


# --- 6. anonymous chatters ----------------------------------------------------------------

def test_an_anonymous_chatter_is_answered_in_their_conversation(live_server):
    chatter = Citizen(live_server, "anon-77")
    chatter.send("anonymous_send_text", text="có người ngất xỉu trước cổng chợ, cứu với",
                 conversation_id="conv-9")
    emergency, invite = chatter.replies(2)
    assert "115" in emergency["text"] and "Quan tâm" in invite["text"]
    sent = requests.get(f"{live_server.url}/sandbox/citizens/anon-77/messages",
                        timeout=5).json()
    assert {m["api"] for m in sent} == {"anonymous"}
    assert sent[0]["payload"]["recipient"] == {"anonymous_id": "anon-77",
                                               "conversation_id": "conv-9"}
    chatter.send("anonymous_send_sticker", url="https://example.org/s.png",
                 conversation_id="conv-9")
    assert "Quan tâm" in texts(chatter.replies())
    with live_server.app.app_context():
        assert not Conversation.select().exists()  # no citizen, no draft for them
        assert OutboxMessage.select().where(OutboxMessage.status == "sent").count() == 3


def test_the_sandbox_refuses_a_reply_to_a_conversation_nobody_opened(live_server):
    from tests.sandbox_helpers import oa_token

    response = requests.post(f"{live_server.url}/sandbox/openapi/v2.0/oa/message", json={
        "recipient": {"anonymous_id": "nobody", "conversation_id": "c1"},
        "message": {"text": "hi"}}, headers={"access_token": oa_token(live_server)},
        timeout=5).json()
    assert response["error"] == -201


# --- 7. voice and video -------------------------------------------------------------------

def test_voice_and_video_are_kept_with_the_photos(live_server, citizen):
    citizen.replies_to("Karaoke nhà số 20 hẻm 5 Cô Giang hát tới 1h sáng mỗi đêm", 2)
    citizen.send("user_send_audio", url=f"{live_server.url}/static/sandbox/voice.amr")
    assert "tin nhắn thoại" in texts(citizen.replies())
    citizen.send("user_send_video", url=f"{live_server.url}/static/sandbox/clip.mp4")
    assert "2/5" in texts(citizen.replies())
    citizen.say("Xong", 2)
    citizen.say("Bỏ qua")
    citizen.say("Sau 22 giờ")
    code = code_in(citizen.say("Gửi"))
    with live_server.app.app_context():
        kinds = [p.kind for p in CasePhoto.select().join(Case).where(Case.code == code)]
        assert kinds == ["audio", "video"]
    _, page = staff_page(live_server, f"/cases/{code}")
    assert "<audio controls" in page and "<video controls" in page
