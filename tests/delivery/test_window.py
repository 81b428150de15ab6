"""The window rules and quiet hours, pure."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zalo_oa.delivery.window import (
    Recipient,
    choose_route,
    cost_class_of,
    cut,
    in_quiet_hours,
    next_morning,
    not_before_morning,
    purpose_of,
    template_data,
)

NOW = dt.datetime(2026, 11, 30, 5, 0)
TEMPLATES = {"both": {"zbs_template_id": "zbs-1", "zns_template_id": "zns-1"},
             "zns_only": {"zns_template_id": "zns-2"},
             "broadcast": {"zbs_template_id": "zbs-news"},
             "staff_overdue": {"zns_template_id": "zns-staff"}}
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize("hours_ago, kind, phone, expected", [
    (1, "both", None, ("cs", "free", None)),
    (47, "both", None, ("cs", "free", None)),
    (49, "both", None, ("cs", "billed", None)),
    (24 * 7 - 1, "both", None, ("cs", "billed", None)),
    (24 * 7, "both", None, ("template", "template", "zbs-1")),
    (24 * 30, "zns_only", "84912345678", ("zns", "zns", "zns-2")),
    (24 * 30, "zns_only", None, ("none", "none", None)),
    (24 * 30, "plain", "84912345678", ("none", "none", None)),
    (None, "plain", None, ("none", "none", None)),
])
def test_route_follows_the_time_since_the_last_interaction(hours_ago, kind, phone, expected):
    last = None if hours_ago is None else NOW - dt.timedelta(hours=hours_ago)
    for purpose in ("reply", "case_update"):
        route = choose_route(purpose, Recipient(last, phone), NOW, TEMPLATES, kind)
        assert (route.channel, route.cost_class, route.template_id) == expected


def test_zalo_saying_the_window_closed_overrides_our_clock():
    route = choose_route("case_update", Recipient(NOW - dt.timedelta(hours=1)), NOW, TEMPLATES,
                         "both", window_closed=True)
    assert route.channel == "template"


def ago(hours):
    return Recipient(NOW - dt.timedelta(hours=hours), phone="84912345678",
                     email="lan@city.example")


@pytest.mark.parametrize("purpose, hours_ago, expected", [
    # Announcements are news: a ZBS "truyền thông" template, never consultation messages.
    ("announcement", 1, ("template", "template")),
    ("announcement", 24 * 30, ("template", "template")),
    # An emergency may use consultation only while it is free.
    ("emergency", 47, ("cs", "free")),
    ("emergency", 49, ("template", "template")),
])
def test_announcements_take_the_broadcast_channels(purpose, hours_ago, expected):
    route = choose_route(purpose, ago(hours_ago), NOW, TEMPLATES, "broadcast")
    assert (route.channel, route.cost_class) == expected


def test_without_a_news_template_an_announcement_cannot_go_per_recipient():
    route = choose_route("announcement", ago(1), NOW, {}, "broadcast")
    assert route.channel == "none" and "article broadcast" in route.reason
    assert choose_route("emergency", ago(3 * 24), NOW, {}, "broadcast").channel == "none"


@pytest.mark.parametrize("hours_ago, email_ready, phone, expected", [
    (2, True, "84912345678", ("cs", "free")),
    (24 * 5, True, "84912345678", ("cs", "billed")),
    (24 * 8, True, "84912345678", ("email", "email")),
    (24 * 8, False, "84912345678", ("zns", "zns")),
    (24 * 8, False, None, ("dashboard", "dashboard")),
    (None, False, None, ("dashboard", "dashboard")),
])
def test_staff_reminders_use_zalo_only_inside_the_staff_members_own_window(
        hours_ago, email_ready, phone, expected):
    last = None if hours_ago is None else NOW - dt.timedelta(hours=hours_ago)
    recipient = Recipient(last, phone=phone, email="lan@city.example")
    route = choose_route("staff_reminder", recipient, NOW, TEMPLATES, "staff_overdue",
                         email_ready=email_ready)
    assert (route.channel, route.cost_class) == expected
    assert route.cost_class != "free" or route.channel == "cs"


def test_each_message_kind_has_its_purpose():
    assert purpose_of("ask_category") == "reply"
    assert purpose_of("staff_reply") == "reply"
    assert purpose_of("status_resolved") == "case_update"
    assert purpose_of("deadline_extended") == "case_update"
    assert purpose_of("broadcast", broadcast=True) == "announcement"
    assert purpose_of("broadcast", broadcast=True, urgent=True) == "emergency"
    assert purpose_of("staff_overdue", to_staff=True) == "staff_reminder"


def test_zalos_quota_type_decides_the_cost_class():
    classes = {"reply": "free", "purchase_quota": "billed", "sub_quota": "billed"}
    forecast_free = choose_route("reply", ago(1), NOW, TEMPLATES, "both")
    assert cost_class_of(forecast_free, "purchase_quota", classes) == "billed"
    assert cost_class_of(forecast_free, "reply", classes) == "free"
    assert cost_class_of(forecast_free, None, classes) == "free"  # no quota: the forecast


def test_template_data_maps_our_parameters_to_the_templates():
    template = {"params": {"ma_phan_anh": "code", "trang_thai": "status"}}
    assert template_data(template, {"code": "PA-1", "status": "Đang xử lý", "x": 1}) == {
        "ma_phan_anh": "PA-1", "trang_thai": "Đang xử lý"}


def test_template_values_are_cut_to_each_parameters_maximum():
    template = {"params": {"don_vi": {"from": "department", "max": 30},
                           "ma_phan_anh": {"from": "code", "max": 30}}}
    name = "Công ty TNHH MTV Công viên Cây xanh TP.HCM"
    data = template_data(template, {"department": name, "code": "PA-2611-000001"})
    assert data["don_vi"] == "Công ty TNHH MTV Công viên Câ…" and len(data["don_vi"]) == 30
    assert data["ma_phan_anh"] == "PA-2611-000001"
    assert cut("ngắn", 30) == "ngắn" and cut("abc", None) == "abc"


@pytest.mark.parametrize("clock, quiet", [
    ((21, 59), False), ((22, 0), True), ((23, 30), True), ((0, 0), True), ((5, 59), True),
    ((6, 0), False), ((12, 0), False),
])
def test_quiet_hours_are_22_to_6(clock, quiet):
    assert in_quiet_hours(dt.datetime(2026, 11, 30, *clock, tzinfo=HCM)) is quiet


def test_a_night_time_moves_to_the_next_morning():
    late = dt.datetime(2026, 11, 30, 23, 15, tzinfo=HCM)
    early = dt.datetime(2026, 12, 1, 3, 0, tzinfo=HCM)
    assert next_morning(late) == dt.datetime(2026, 12, 1, 6, 0, tzinfo=HCM)
    assert not_before_morning(early) == dt.datetime(2026, 12, 1, 6, 0, tzinfo=HCM)
    noon = dt.datetime(2026, 12, 1, 12, 0, tzinfo=HCM)
    assert not_before_morning(noon) == noon


def test_quiet_hours_are_a_setting_and_can_be_switched_off():
    from zalo_oa.timeutil import parse_quiet_hours

    evening = parse_quiet_hours("21:30-05:00")
    at = dt.datetime(2026, 11, 30, 21, 45, tzinfo=HCM)
    assert in_quiet_hours(at, evening) and not in_quiet_hours(at)
    assert next_morning(at, evening) == dt.datetime(2026, 12, 1, 5, 0, tzinfo=HCM)
    off = parse_quiet_hours("off")
    assert off is None and not in_quiet_hours(at.replace(hour=2), off)
    assert not_before_morning(at.replace(hour=2), off) == at.replace(hour=2)
    with pytest.raises(ValueError):
        parse_quiet_hours("late")
