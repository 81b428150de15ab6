"""Case rules: codes, deadlines in working days, status words."""
import datetime as dt

from zalo_oa import timeutil
from zalo_oa.cases import lifecycle, params, rules


def test_code_has_prefix_year_month_and_six_digit_number():
    created = dt.datetime(2026, 11, 30, 18, 0)  # 01:00 on 1 December in Ho Chi Minh City
    assert lifecycle.make_code("PA", 123, created) == "PA-2612-000123"


def test_deadline_skips_the_weekend():
    friday_noon_local = dt.datetime(2026, 11, 27, 5, 0)
    due = timeutil.add_working_days(friday_noon_local, 5)
    assert timeutil.to_local(due).date() == dt.date(2026, 12, 4)
    assert timeutil.to_local(due).hour == 12


def test_status_words_exist_for_every_status_in_both_languages():
    for status in rules.STATUSES:
        assert params.status_name(status, "vi") != params.status_name(status, "en")
