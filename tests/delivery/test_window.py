"""The window rules and quiet hours, pure."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zalo_oa.delivery.window import (
    choose_route,
    in_quiet_hours,
    next_morning,
    not_before_morning,
    template_data,
)

NOW = dt.datetime(2026, 11, 30, 5, 0)
TEMPLATES = {"both": {"zbs_template_id": "zbs-1", "zns_template_id": "zns-1"},
             "zns_only": {"zns_template_id": "zns-2"}}
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
    route = choose_route(last, NOW, TEMPLATES, kind, phone)
    assert (route.channel, route.cost_class, route.template_id) == expected


def test_zalo_saying_the_window_closed_overrides_our_clock():
    route = choose_route(NOW - dt.timedelta(hours=1), NOW, TEMPLATES, "both",
                         window_closed=True)
    assert route.channel == "template"


def test_template_data_maps_our_parameters_to_the_templates():
    template = {"params": {"ma_phan_anh": "code", "trang_thai": "status"}}
    assert template_data(template, {"code": "PA-1", "status": "Đang xử lý", "x": 1}) == {
        "ma_phan_anh": "PA-1", "trang_thai": "Đang xử lý"}


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
