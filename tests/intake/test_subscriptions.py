"""Citizens choose what they hear, in chat: area, topics, stop and resume announcements."""
import pytest

from tests.factories import load_payload
from tests.signing import deliver
from zalo_oa import handlers
from zalo_oa.models import Case, Citizen, Conversation, OutboxMessage

USER = "2468000000000000001"


@pytest.fixture
def say(app, client):
    """Send texts as the sample citizen and run the worker's event pass."""
    counter = iter(range(10_000))

    def send(*texts):
        for text in texts:
            payload = load_payload("user_send_text.json")
            payload["message"] = {"msg_id": f"s{next(counter)}", "text": text}
            deliver(client, app, payload)
        handlers.process_pending()
        return OutboxMessage.select().order_by(OutboxMessage.id.desc()).first().payload

    with app.app_context():
        yield send


def citizen():
    return Citizen.get(Citizen.zalo_user_id == USER)


@pytest.mark.parametrize("text", ["khu vực Bến Thành", "khu vuc ben thanh", "area Ben Thanh"])
def test_a_citizen_sets_their_area_without_diacritics(say, text):
    reply = say(text)
    assert citizen().area_code == "26743"
    assert "Phường Bến Thành" in reply["text"]


def test_an_unclear_area_asks_with_buttons(say):
    reply = say("khu vực Tân")
    titles = [b["title"] for b in reply["attachment"]["payload"]["buttons"]]
    assert titles and all(t.startswith("khu vực ") for t in titles)
    assert citizen().area_code is None


def test_a_report_starting_with_the_word_area_is_still_a_report(say):
    say("khu vực chợ bị ngập nặng sau cơn mưa")
    assert citizen().area_code is None
    assert Conversation.get().draft["category"] == "drainage"


def test_topics_are_listed_and_switched(say):
    assert "Tình huống khẩn cấp" in say("chủ đề")["text"]
    say("chủ đề 4", "chu de khan cap")
    assert citizen().topics == ["lighting", "emergency"]
    say("chủ đề 4")
    assert citizen().topics == ["emergency"]
    say("topics all")
    assert len(citizen().topics) == 15


def test_stop_and_resume_announcements(say):
    say("Dừng thông báo")
    assert citizen().announcements_off is True
    say("nhan thong bao")
    assert citizen().announcements_off is False


def test_the_area_comes_from_shared_contact_details(app, client):
    with app.app_context():
        deliver(client, app, load_payload("user_submit_info_nested.json"))
        handlers.process_pending()
        assert citizen().area_code == "26740"  # Phường Sài Gòn


def test_a_report_sent_privately_stays_off_public_listings(say):
    say("Phản ánh mới", "Cây xanh", "Cây đổ chắn ngang đường Nguyễn Huệ, xe không qua được",
        "Bỏ qua", "Bỏ qua", "Bỏ qua")
    say("Gửi không công khai")
    assert Case.get().is_public is False
