"""Handoff: staff take a citizen's conversation from the bot, talk through the outbox, hand back.
A citizen with two cases: the conversation stays on the case it was taken over from."""
import pytest

from tests.factories import http_login, login, make_case, make_staff, post, token
from tests.sandbox_helpers import TIMEOUT, citizen_event, wait_for
from zalo_oa.intake import chat, dialogue, handoff
from zalo_oa.models import AuditLog, Citizen, OutboxMessage, TimelineEntry


@pytest.fixture
def scene(app):
    with app.app_context():
        lan = make_staff("lan")
        case = make_case()
        yield {"lan": lan, "case": case, "citizen": case.citizen}


def fresh(citizen):
    return Citizen.get_by_id(citizen.id)


def test_taking_over_marks_the_citizen_and_is_audited(scene):
    handoff.take_over(scene["citizen"], scene["lan"])
    citizen = fresh(scene["citizen"])
    assert citizen.handoff_staff_id == scene["lan"].id and citizen.handoff_at is not None
    assert TimelineEntry.get(TimelineEntry.kind == "handoff_taken").case_id == scene["case"].id
    assert AuditLog.get(AuditLog.action == "handoff_taken").target == citizen.zalo_user_id


def test_someone_elses_conversation_is_only_taken_with_force(scene):
    other = make_staff("binh")
    handoff.take_over(scene["citizen"], scene["lan"])
    with pytest.raises(handoff.HandoffError):
        handoff.take_over(fresh(scene["citizen"]), other)
    handoff.take_over(fresh(scene["citizen"]), other, force=True)
    assert fresh(scene["citizen"]).handoff_staff_id == other.id


def test_handing_back_clears_the_handoff(scene):
    handoff.take_over(scene["citizen"], scene["lan"])
    handoff.hand_back(fresh(scene["citizen"]), scene["lan"])
    citizen = fresh(scene["citizen"])
    assert citizen.handoff_staff_id is None and citizen.handoff_at is None
    assert AuditLog.select().where(AuditLog.action == "handoff_returned").count() == 1


def test_a_staff_message_is_queued_and_on_the_timeline(scene):
    entry = handoff.send_as_staff(scene["citizen"], scene["lan"], " Anh gửi giúp em ảnh nhé ")
    message = OutboxMessage.get(OutboxMessage.kind == "staff_reply")
    assert "Anh gửi giúp em ảnh nhé" in message.payload["text"]
    assert message.case_id == scene["case"].id
    assert entry.kind == "staff_message" and entry.data == {"messages": [message.id]}
    assert AuditLog.select().where(AuditLog.action == "handoff_message").exists()


def test_an_empty_staff_message_is_refused(scene):
    with pytest.raises(handoff.HandoffError):
        handoff.send_as_staff(scene["citizen"], scene["lan"], "   ")


def test_the_case_page_takes_over_talks_and_hands_back(scene, client):
    login(client)
    code = scene["case"].code
    assert post(client, f"/cases/{code}/message", body="x").status_code == 409
    post(client, f"/cases/{code}/take-over")
    assert fresh(scene["citizen"]).handoff_staff_id == scene["lan"].id
    TimelineEntry.create(case=scene["case"], kind="citizen_message", actor="citizen",
                         body="<b>Đèn</b> vẫn tắt")
    response = client.post(f"/cases/{code}/message", headers={"Accept": "application/json"},
                           data={"csrf_token": token(client),
                                 "body": "Em cảm ơn"})
    assert response.status_code == 200 and response.json["id"]
    answer = client.get(f"/cases/{code}/chat.json").json
    assert answer["handoff"] == {"active": True, "mine": True, "staff": "lan",
                                 "elsewhere": None}
    kinds = [(i["kind"], i["body"]) for i in answer["items"]]
    assert ("citizen_message", "<b>Đèn</b> vẫn tắt") in kinds
    assert ("staff_message", "Em cảm ơn") in kinds
    assert answer["items"][-1]["delivery"] == [{"state": "queued", "detail": ""}]
    assert {i["actor"] for i in answer["items"]} == {"Người dân", "lan"}
    post(client, f"/cases/{code}/hand-back")
    assert fresh(scene["citizen"]).handoff_staff_id is None


def kinds_on(case):
    return [e.kind for e in TimelineEntry.select().where(TimelineEntry.case == case)
            .order_by(TimelineEntry.id)]


def test_a_taken_over_older_case_gets_the_citizens_messages_until_handed_back(scene):
    older, citizen = scene["case"], scene["citizen"]
    newer = make_case("trees", description="Cây đổ chắn ngang đường")
    handoff.take_over(citizen, scene["lan"], case=older)
    chat.converse(fresh(citizen), dialogue.Text("Đèn vẫn chưa sáng ạ"), "k1")
    chat.converse(fresh(citizen), dialogue.Photos(("https://photo.example/1.jpg",)), "k2")
    handoff.send_as_staff(fresh(citizen), scene["lan"], "Em ghi nhận ạ")
    handoff.hand_back(fresh(citizen), scene["lan"])
    assert kinds_on(older)[-5:] == ["handoff_taken", "citizen_message", "citizen_message",
                                    "staff_message", "handoff_returned"]
    assert not {"citizen_message", "handoff_taken", "handoff_returned"} & set(kinds_on(newer))
    assert fresh(citizen).handoff_case_id is None
    # Handed back: the bot answers again, and nothing more lands on the older case.
    chat.converse(fresh(citizen), dialogue.Text("menu"), "k3")
    assert kinds_on(older)[-1] == "handoff_returned"


def test_the_other_cases_page_says_where_the_conversation_is(scene, client):
    older = scene["case"]
    newer = make_case("trees", description="Cây đổ chắn ngang đường")
    login(client)
    post(client, f"/cases/{older.code}/take-over")
    answer = client.get(f"/cases/{newer.code}/chat.json").json
    assert answer["handoff"] == {"active": False, "mine": False, "staff": "lan",
                                 "elsewhere": older.code}
    assert post(client, f"/cases/{newer.code}/message", body="x").status_code == 409
    page = client.get(f"/cases/{newer.code}").get_data(as_text=True)
    assert f'href="/cases/{older.code}#chat"' in page


def test_replies_over_http_land_on_the_taken_over_case(live_server):
    """Through the sandbox webhook and the worker: the citizen's reply to the operator who took
    over the older of two cases appears in that case's chat, not the newer one's."""
    with live_server.app.app_context():
        make_staff("lan")
        older = make_case(user_id="two-cases")
        newer = make_case("trees", description="Cây đổ chắn ngang đường", user_id="two-cases")
    session, csrf = http_login(live_server.url)
    taken = session.post(f"{live_server.url}/cases/{older.code}/take-over", timeout=TIMEOUT,
                         data={"csrf_token": csrf})
    assert taken.status_code == 200
    assert citizen_event(live_server, "two-cases", event_name="user_send_text",
                         text="Đèn vẫn tắt ạ").json()["webhook_status"] == 200

    def bodies(case):
        items = session.get(f"{live_server.url}/cases/{case.code}/chat.json",
                            timeout=TIMEOUT).json()["items"]
        return [i["body"] for i in items if i["kind"] == "citizen_message"]

    assert wait_for(lambda: bodies(older) == ["Đèn vẫn tắt ạ"], timeout=5)
    assert bodies(newer) == []
