"""Deadlines like the city's: working days skip public holidays (Tết on the lunar calendar);
hazards make a case urgent, due in hours; staff extend a deadline with a reason the citizen
receives, and the reminders follow the new date."""
import datetime as dt

import pytest

from tests.factories import make_case
from zalo_oa import timeutil
from zalo_oa.cases import lifecycle, urgency
from zalo_oa.cases.rules import TransitionError
from zalo_oa.models import Category, FollowUp, OutboxMessage, TimelineEntry, utcnow


def local(*args):
    """A city-time wall clock as the naive UTC the database keeps."""
    return timeutil.to_utc_naive(dt.datetime(*args, tzinfo=timeutil.zone()))


def due_day(start, days):
    return timeutil.to_local(timeutil.add_working_days(start, days)).date()


@pytest.fixture
def city_days_off():
    yield timeutil.configure
    timeutil.configure("Asia/Ho_Chi_Minh", "VN", "")


def test_tet_on_the_lunar_calendar_is_not_a_working_day(city_days_off):
    # Tết 2027 (6 February) and its days off run Thursday 4 to Wednesday 10 February.
    assert due_day(local(2027, 2, 3, 12), 5) == dt.date(2027, 2, 17)
    # Tết 2026 (17 February): Monday 16 to Friday 20 February are off.
    assert due_day(local(2026, 2, 13, 9), 1) == dt.date(2026, 2, 23)


def test_reunification_and_labour_day_and_national_day_are_skipped(city_days_off):
    assert due_day(local(2026, 4, 29, 10), 2) == dt.date(2026, 5, 5)
    assert due_day(local(2027, 9, 1, 10), 1) == dt.date(2027, 9, 6)
    assert timeutil.to_local(timeutil.add_working_days(local(2026, 4, 29, 10), 2)).hour == 10


def test_extra_days_off_count_and_holidays_can_be_switched_off(city_days_off):
    city_days_off("Asia/Ho_Chi_Minh", "VN", "2027-02-11, 2027-02-12")
    assert due_day(local(2027, 2, 3, 12), 1) == dt.date(2027, 2, 15)
    city_days_off("Asia/Ho_Chi_Minh", "off", "")
    assert due_day(local(2027, 2, 3, 12), 1) == dt.date(2027, 2, 4)
    with pytest.raises(ValueError, match="2027-13-01"):
        timeutil.parse_days("2027-13-01")


def test_a_hazard_is_found_without_diacritics_as_whole_words():
    terms = ["mất nắp cống", "cây đổ"]
    assert urgency.hazard_in("Mat nap cong truoc nha so 5, rat nguy hiem", terms) == \
        "mất nắp cống"
    assert urgency.hazard_in("Cây đổ chắn ngang đường Nguyễn Huệ", terms) == "cây đổ"
    assert urgency.hazard_in("Cây đổi màu lá", terms) is None


def test_a_report_naming_a_hazard_is_urgent_and_due_in_hours(ctx):
    before = utcnow()
    case = make_case("drainage", "Mất nắp cống trước chợ Bến Thành, xe máy dễ sụp")
    assert case.priority == "urgent"
    assert case.due_at - before <= dt.timedelta(hours=4, seconds=5)
    created = TimelineEntry.get((TimelineEntry.case == case) & (TimelineEntry.kind == "created"))
    assert created.data["urgent"] == "mất nắp cống"
    soon = FollowUp.get((FollowUp.case == case) & (FollowUp.kind == "due_soon"))
    lead = case.due_at - soon.due_at  # halfway, not 24 h before
    assert dt.timedelta(hours=2) - lead < dt.timedelta(seconds=1)


def test_an_ordinary_report_keeps_working_days(ctx):
    case = make_case("drainage", "Cống thoát nước bị nghẹt, mưa là ngập")
    assert case.priority == "normal" and case.due_at - utcnow() > dt.timedelta(days=4)


def test_security_urgency_comes_with_the_113_hotline(ctx):
    case = make_case("security", "Có nhóm người đang đánh nhau có vũ khí ở hẻm 12")
    assert case.priority == "urgent" and case.category.hotline == "113"


def test_staff_making_a_case_urgent_brings_its_deadline_forward_and_back(ctx):
    case = make_case("lighting")
    working_day_due = case.due_at
    lifecycle.set_priority(case, "urgent")
    lighting = Category.get(Category.slug == "lighting")
    assert case.due_at - utcnow() <= dt.timedelta(hours=lighting.urgent_hours)
    overdue = FollowUp.get((FollowUp.case == case) & (FollowUp.kind == "overdue")
                           & (FollowUp.status == "pending"))
    assert overdue.due_at == case.due_at
    lifecycle.set_priority(case, "normal")
    assert case.due_at == working_day_due


def test_an_extension_tells_the_citizen_why_and_moves_the_reminders(ctx):
    case = make_case("lighting")
    old_due = case.due_at
    new_due = old_due + dt.timedelta(days=7)
    lifecycle.extend_deadline(case, None, new_due, "Chờ Điện lực cắt điện để thay cáp ngầm")
    [told] = OutboxMessage.select().where(OutboxMessage.kind == "deadline_extended")
    text = told.payload["text"]
    assert "Chờ Điện lực cắt điện để thay cáp ngầm" in text
    assert timeutil.format_date(new_due) in text and timeutil.format_date(old_due) in text
    entry = TimelineEntry.get(TimelineEntry.kind == "deadline")
    assert entry.public and entry.data["to"] == new_due.isoformat()
    reminders = {f.kind: f.due_at for f in FollowUp.select().where(
        (FollowUp.case == case) & (FollowUp.status == "pending")
        & FollowUp.kind.in_(("due_soon", "overdue", "escalation")))}
    assert reminders["overdue"] == new_due and reminders["due_soon"] > old_due


@pytest.mark.parametrize(("days", "reason", "refusal"), [
    (7, "  ", "extension_reason_required"),
    (-1, "Chờ vật tư", "extension_not_later"),
])
def test_an_extension_needs_a_reason_and_a_later_date(ctx, days, reason, refusal):
    case = make_case("lighting")
    with pytest.raises(TransitionError) as refused:
        lifecycle.extend_deadline(case, None, case.due_at + dt.timedelta(days=days), reason)
    assert refused.value.code == refusal


def test_a_closed_case_gets_no_extension(ctx):
    case = make_case("lighting", status="rejected")
    with pytest.raises(TransitionError) as refused:
        lifecycle.extend_deadline(case, None, case.due_at + dt.timedelta(days=3), "Chờ vật tư")
    assert refused.value.code == "extension_closed"
