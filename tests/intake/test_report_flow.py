"""End to end over real HTTP: a citizen in the sandbox reports a problem, the worker answers."""
import re
import time

import pytest
import requests

from zalo_oa.models import Case, CasePhoto, OutboxMessage, TimelineEntry


class Citizen:
    """A person playing a citizen through the sandbox, reading what the OA sends back."""

    def __init__(self, server, user_id):
        self.base = f"{server.url}/sandbox/citizens/{user_id}"
        self.seen = 0

    def send(self, event_name, **fields):
        response = requests.post(f"{self.base}/events", json={"event_name": event_name, **fields},
                                 timeout=10)
        assert response.status_code == 200, response.text
        assert response.json()["webhook_status"] == 200
        return response.json()

    def inbox(self):
        return requests.get(f"{self.base}/messages", timeout=5).json()

    def replies(self, count=1, timeout=5.0):
        """Wait for at least `count` new messages and return the texts of all new ones."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.inbox()
            if len(messages) >= self.seen + count:
                # Give a reply that comes in parts time to finish arriving.
                time.sleep(0.3)
                messages = self.inbox()
                new, self.seen = messages[self.seen:], len(messages)
                return [m["payload"]["message"] for m in new]
            assert time.monotonic() < deadline, f"no reply; got {messages[self.seen:]}"
            time.sleep(0.05)

    def say(self, text, count=1):
        return texts(self.replies_to(text, count))

    def replies_to(self, text, count=1):
        """Send text; wait for `count` new messages and return them."""
        self.send("user_send_text", text=text)
        return self.replies(count)


def texts(messages):
    return "\n".join(m.get("text", "") for m in messages)


def buttons(message):
    return [b["title"] for b in message["attachment"]["payload"]["buttons"]]


@pytest.fixture
def citizen(live_server):
    return Citizen(live_server, "citizen-an")


def test_a_citizen_reports_a_broken_street_light_in_vietnamese(live_server, citizen):
    citizen.send("follow", display_name="Nguyễn Văn An")
    assert "Chào mừng" in texts(citizen.replies())

    # The first message says what and where: the bot takes both, says so, and asks for photos.
    citizen.send("user_send_text", text="Đèn đường trước nhà số 12 Lê Lợi bị hỏng 3 ngày nay")
    understood, photos = citizen.replies(2)
    assert "Chiếu sáng công cộng" in understood["text"]
    assert "trước nhà số 12 Lê Lợi" in understood["text"]
    assert buttons(understood) == ["Đổi loại", "Đổi vị trí"]
    assert "ảnh" in photos["text"]

    citizen.send("user_send_image", urls=[f"{live_server.url}/static/img/contact_card.png"])
    assert "1/5" in texts(citizen.replies())

    contact = None
    citizen.send("user_send_text", text="Xong")
    for message in citizen.replies(2):
        if message.get("attachment", {}).get("payload", {}).get("template_type") == \
                "request_user_info":
            contact = message
    assert contact is not None, "the contact card was not sent"

    citizen.send("user_submit_info", name="Nguyễn Văn An", phone="0912345678")
    question = citizen.replies(2)[-1]
    assert "trụ đèn" in question["text"] and buttons(question) == ["Bỏ qua"]
    summary = citizen.say("LED-0412", 1)
    assert "Lĩnh vực: Chiếu sáng công cộng" in summary and "Lê Lợi" in summary
    assert "0912 345 678" in summary  # shown as Vietnamese readers write it, stored as 84...

    confirmation = citizen.say("Gửi")
    code = re.search(r"PA-\d{4}-\d{6}", confirmation).group(0)
    assert confirmation.startswith("✅ Đã ghi nhận phản ánh") and "Hạn xử lý" in confirmation
    assert "Công ty TNHH MTV Chiếu sáng công cộng TP.HCM" in confirmation
    public_page = f"{live_server.url}/p/{code}"
    assert public_page in confirmation
    page = requests.get(public_page, timeout=5)
    assert page.status_code == 200 and code in page.text and "84912345678" not in page.text

    with live_server.app.app_context():
        case = Case.get(Case.code == code)
        assert case.category.slug == "lighting"
        assert case.status == "new" and case.priority == "normal"
        assert case.department.slug == "lighting"
        assert case.address == "trước nhà số 12 Lê Lợi"
        # The address from the first message was looked up when the report was sent.
        assert (case.latitude, case.longitude) == (10.7748, 106.701)
        assert case.attributes == {"pole_number": "LED-0412"}
        assert case.contact_phone == "84912345678"
        assert CasePhoto.select().where(CasePhoto.case == case).count() == 1
        assert [t.kind for t in TimelineEntry.select().where(TimelineEntry.case == case)] == \
            ["created"]
        assert case.due_at > case.created_at

    status = citizen.say(f"mã của tôi là {code.lower()}")
    assert code in status and "Đã ghi nhận, chờ tiếp nhận" in status
    assert code in citizen.say("tra cứu")


def test_the_reply_reaches_the_citizen_within_a_second(live_server, citizen):
    started = time.monotonic()
    citizen.send("user_send_text", text="Phản ánh mới")
    citizen.replies(timeout=1.0)
    assert time.monotonic() - started < 1.0


def test_another_citizens_code_shows_nothing(live_server, citizen):
    other = Citizen(live_server, "citizen-binh")
    other.say("Phản ánh mới")
    for text in ("Cây xanh", "Cây đổ chắn ngang đường Nguyễn Huệ, xe không qua được",
                 "Bỏ qua", "Bỏ qua", "Bỏ qua"):
        other.say(text)
    code = re.search(r"PA-\d{4}-\d{6}", other.say("Gửi")).group(0)
    assert "Không tìm thấy" in citizen.say(code)


def test_english_speakers_can_switch_language(live_server, citizen):
    assert "Switched to English" in citizen.say("English")
    assert "Which category is your report?" in citizen.say("New report")


def test_a_failed_send_is_recorded_with_the_reason(live_server, citizen):
    requests.patch(f"{live_server.url}/sandbox/citizens/citizen-an",
                   json={"last_interaction_at": 0}, timeout=5)
    requests.post(f"{live_server.url}/sandbox/faults",
                  json={"path": "/v3.0/oa/message/cs", "error": -201, "count": 1}, timeout=5)
    citizen.send("user_send_text", text="menu")
    deadline = time.monotonic() + 5
    with live_server.app.app_context():
        while time.monotonic() < deadline:
            message = OutboxMessage.get_or_none(OutboxMessage.kind == "menu")
            if message and message.status != "pending" and message.status != "sending":
                break
            time.sleep(0.05)
        assert message.status == "failed"
        assert message.last_error.startswith("-201")
