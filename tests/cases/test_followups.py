"""Scheduled pushes: status changes, "still being handled", "is it fixed?", deadlines."""
import datetime as dt

import pytest

from tests.factories import load_payload
from tests.signing import deliver
from zalo_oa import handlers, seed
from zalo_oa.cases import followups, lifecycle
from zalo_oa.cases.rules import TransitionError
from zalo_oa.models import Case, Citizen, Department, FollowUp, OutboxMessage, TimelineEntry, utcnow

DRAFT = {"category": "trees", "description": "Cây đổ chắn ngang đường Nguyễn Huệ",
         "location": {"latitude": 10.77, "longitude": 106.7, "address": None}, "photos": []}


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def reporter(user="u-1"):
    return Citizen.create(zalo_user_id=user, last_interaction_at=utcnow())


def kinds(citizen=None):
    query = OutboxMessage.select().order_by(OutboxMessage.id)
    if citizen is not None:
        query = query.where(OutboxMessage.citizen == citizen)
    return [m.kind for m in query]


def pending(case):
    return sorted(f.kind for f in FollowUp.select().where((FollowUp.case == case)
                                                         & (FollowUp.status == "pending")))


def say(app, client, user, text, msg_id):
    payload = load_payload("user_send_text.json")
    payload["sender"]["id"] = user
    payload["message"] = {"msg_id": msg_id, "text": text}
    deliver(client, app, payload)
    handlers.process_pending()


def test_a_new_case_schedules_deadline_reminders_and_an_update(ctx):
    case = lifecycle.open_case(reporter(), DRAFT)
    assert pending(case) == ["due_soon", "escalation", "overdue", "still_handling"]


def test_a_status_change_is_pushed_to_the_reporter_with_the_note(ctx):
    citizen = reporter()
    case = lifecycle.open_case(citizen, DRAFT)
    lifecycle.change_status(case, "in_progress", note="Đội cây xanh đang đến")
    [message] = OutboxMessage.select().where(OutboxMessage.kind == "status_in_progress")
    assert "Đội cây xanh đang đến" in message.payload["text"]
    assert message.case_id == case.id and not message.urgent


def test_transitions_outside_the_rules_are_refused(ctx):
    case = lifecycle.open_case(reporter(), DRAFT)
    with pytest.raises(TransitionError) as refused:
        lifecycle.change_status(case, "closed")
    assert refused.value.code == "not_allowed"
    with pytest.raises(TransitionError):
        lifecycle.change_status(case, "rejected", reason="  ")
    assert Case.get_by_id(case.id).status == "new"


def test_a_rejection_tells_the_citizen_the_reason(ctx):
    case = lifecycle.open_case(reporter(), DRAFT)
    lifecycle.change_status(case, "rejected", reason="Không thuộc thẩm quyền thành phố")
    [message] = OutboxMessage.select().where(OutboxMessage.kind == "status_rejected")
    assert "Không thuộc thẩm quyền thành phố" in message.payload["text"]
    assert pending(case) == []


def test_the_reporter_of_a_duplicate_follows_the_target_case(ctx):
    first, second = reporter("u-1"), reporter("u-2")
    target = lifecycle.open_case(first, DRAFT)
    copy = lifecycle.open_case(second, DRAFT)
    lifecycle.change_status(copy, "duplicate", duplicate_of=target)
    lifecycle.change_status(target, "in_progress")
    assert kinds(second) == ["status_duplicate", "status_in_progress"]
    assert kinds(first) == ["status_in_progress"]


def test_resolution_sends_the_after_photo_and_schedules_the_fixed_check(ctx):
    case = lifecycle.open_case(reporter(), DRAFT)
    lifecycle.change_status(case, "in_progress")
    lifecycle.change_status(case, "resolved", after_photo_url="https://city.example/after.jpg")
    assert kinds()[-2:] == ["status_resolved", "after_photo"]
    assert pending(case) == ["auto_close", "fixed_check"]


def resolved_case():
    """A case of the sample payloads' citizen, worked on and resolved."""
    citizen = Citizen.create(zalo_user_id="2468000000000000001", last_interaction_at=utcnow())
    case = lifecycle.open_case(citizen, DRAFT)
    lifecycle.change_status(case, "in_progress")
    lifecycle.change_status(case, "resolved")
    return citizen, case


def run_fixed_check(case):
    later = utcnow() + dt.timedelta(hours=25)
    followups.run_due(now=later)
    [check] = OutboxMessage.select().where(OutboxMessage.kind == "fixed_check")
    return [b["payload"] for b in check.payload["attachment"]["payload"]["buttons"]]


def test_not_fixed_reopens_the_case_and_tells_the_department(ctx, client):
    with ctx.app_context():
        seed.create_staff("tree", "pw", role="department",
                          department=Department.get(Department.slug == "greenery"))
        from zalo_oa.models import Staff

        Staff.update(zalo_user_id="staff-zalo-1").execute()
        citizen, case = resolved_case()
        yes, no = run_fixed_check(case)
        assert (yes, no) == (f"#fixed {case.code}", f"#notfixed {case.code}")
        say(ctx, client, citizen.zalo_user_id, no, "tap-no")
        case = Case.get_by_id(case.id)
        assert (case.status, case.reopen_count, case.citizen_confirmed) == ("reopened", 1, False)
        assert "status_reopened" in kinds(citizen)
        told = [m.kind for m in OutboxMessage.select().where(
            OutboxMessage.zalo_user_id == "staff-zalo-1")]
        assert "staff_reopened" in told  # (a fallen tree is urgent: staff heard of it first)
        assert TimelineEntry.select().where(TimelineEntry.kind == "reminder").exists()
        assert "auto_close" not in pending(case)


def test_fixed_closes_the_case_and_asks_for_a_rating(ctx, client):
    with ctx.app_context():
        citizen, case = resolved_case()
        yes, _ = run_fixed_check(case)
        say(ctx, client, citizen.zalo_user_id, yes, "tap-yes")
        assert Case.get_by_id(case.id).status == "closed"
        [ask] = OutboxMessage.select().where(OutboxMessage.kind == "rating_ask")
        rates = [b["payload"] for b in ask.payload["attachment"]["payload"]["buttons"]]
        assert rates == [f"#rate {case.code} {n}" for n in range(1, 6)]
        say(ctx, client, citizen.zalo_user_id, rates[3], "tap-4")
        assert Case.get_by_id(case.id).rating == 4
        assert kinds(citizen)[-1] == "rating_thanks"


def test_no_answer_closes_the_case_after_the_waiting_days(ctx):
    case = lifecycle.open_case(reporter(), DRAFT)
    lifecycle.change_status(case, "in_progress")
    lifecycle.change_status(case, "resolved")
    followups.run_due(now=utcnow() + dt.timedelta(days=5))
    assert Case.get_by_id(case.id).status == "closed"
    assert kinds()[-1] == "status_closed"


def test_an_open_case_gets_a_still_handling_update_and_the_next_one_is_planned(ctx):
    case = lifecycle.open_case(reporter(), DRAFT)
    lifecycle.change_status(case, "in_progress")
    followups.run_due(now=utcnow() + dt.timedelta(days=3, hours=1))
    assert kinds().count("still_handling") == 1
    assert "still_handling" in pending(case)


def test_deadline_reminders_reach_department_staff_in_zalo(ctx):
    greenery = Department.get(Department.slug == "greenery")
    member = seed.create_staff("lan", "pw", role="department", department=greenery)
    member.zalo_user_id = "staff-zalo-2"
    member.save()
    case = lifecycle.open_case(reporter(), DRAFT)
    followups.run_due(now=case.due_at + dt.timedelta(hours=49))
    sent = [m.kind for m in OutboxMessage.select().where(
        OutboxMessage.zalo_user_id == "staff-zalo-2").order_by(OutboxMessage.id)]
    # A fallen tree is urgent: staff hear of it at once, then of its (hours-long) deadline.
    assert sent == ["staff_urgent", "staff_due_soon", "staff_overdue", "staff_escalation"]


def test_a_resolved_case_gets_no_deadline_reminders(ctx):
    case = lifecycle.open_case(reporter(), DRAFT)
    lifecycle.change_status(case, "in_progress")
    lifecycle.change_status(case, "resolved")
    assert not set(pending(case)) & {"due_soon", "overdue", "escalation"}


def test_running_the_job_twice_does_nothing_twice(ctx):
    case = lifecycle.open_case(reporter(), DRAFT)
    lifecycle.change_status(case, "in_progress")
    later = utcnow() + dt.timedelta(days=3, hours=1)
    followups.run_due(now=later)
    followups.run_due(now=later)
    assert kinds().count("still_handling") == 1
