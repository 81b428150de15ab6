"""Handoff: staff take a citizen's conversation from the bot, talk through the outbox, hand back."""
import pytest

from tests.factories import login, make_case, make_staff, post, token
from zalo_oa.intake import handoff
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
    chat = client.get(f"/cases/{code}/chat.json").json
    assert chat["handoff"] == {"active": True, "mine": True, "staff": "lan"}
    kinds = [(i["kind"], i["body"]) for i in chat["items"]]
    assert ("citizen_message", "<b>Đèn</b> vẫn tắt") in kinds
    assert ("staff_message", "Em cảm ơn") in kinds
    assert chat["items"][-1]["delivery"] == [{"state": "queued", "detail": ""}]
    post(client, f"/cases/{code}/hand-back")
    assert fresh(scene["citizen"]).handoff_staff_id is None
