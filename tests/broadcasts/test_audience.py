"""Audience rules: who hears a broadcast (pure), and the SQL query that agrees with them."""
import datetime as dt
import itertools

import pytest

from zalo_oa.broadcasts import audience, audience_query
from zalo_oa.broadcasts.audience import Facts, Report
from zalo_oa.models import Case, Category, Citizen, utcnow

NOW = dt.datetime(2026, 6, 1, 12, 0)


def facts(**fields):
    return Facts(zalo_user_id=fields.pop("zalo_user_id", "100"), **fields)


def test_everyone_subscribed_hears_an_announcement_to_all():
    assert audience.includes({"all": True}, facts(), NOW)


@pytest.mark.parametrize("who", [facts(announcements_off=True), facts(withdrawn=True),
                                 facts(is_follower=False)])
def test_opted_out_withdrawn_and_unfollowed_citizens_never_hear_it(who):
    assert not audience.includes({"all": True}, who, NOW)
    assert not audience.includes({"user_ids": [who.zalo_user_id]}, who, NOW)


def test_an_empty_spec_reaches_nobody():
    assert not audience.includes({}, facts(area_code="26734"), NOW)


def test_area_targets_only_citizens_of_those_areas():
    spec = {"areas": ["26734", "26737"]}
    assert audience.includes(spec, facts(area_code="26737"), NOW)
    assert not audience.includes(spec, facts(area_code="11111"), NOW)
    assert not audience.includes(spec, facts(), NOW)


def test_area_and_topic_together_need_both():
    spec = {"areas": ["26734"], "topics": ["water"]}
    assert audience.includes(spec, facts(area_code="26734", topics=("water",)), NOW)
    assert not audience.includes(spec, facts(area_code="26734", topics=("lighting",)), NOW)
    assert not audience.includes(spec, facts(area_code="1", topics=("water",)), NOW)


def test_reported_in_counts_only_recent_reports_of_that_category():
    spec = {"reported_in": {"category": "lighting", "days": 7}}
    recent = Report("lighting", "26734", NOW - dt.timedelta(days=2))
    old = Report("lighting", "26734", NOW - dt.timedelta(days=20))
    other = Report("water", "26734", NOW - dt.timedelta(days=1))
    assert audience.includes(spec, facts(reports=(recent,)), NOW)
    assert not audience.includes(spec, facts(reports=(old, other)), NOW)


def test_an_uploaded_list_targets_exactly_those_ids():
    spec = {"user_ids": ["100", "200"]}
    assert audience.includes(spec, facts(zalo_user_id="200"), NOW)
    assert not audience.includes(spec, facts(zalo_user_id="300"), NOW)


def test_csv_upload_takes_the_first_column_and_skips_the_header():
    assert audience.parse_user_ids('user_id,name\n"123",An\n456,Binh\n123,dup\n') == \
        ["123", "456"]


def test_all_overrides_other_criteria():
    assert audience.normalize({"all": True, "areas": ["1"]})["areas"] == []


# --- the SQL query agrees with the pure rules on a sample ----------------------------------------

AREAS = (None, "26734", "26737")
TOPICS = ((), ("water",), ("water", "emergency"), ("lighting",))
SPECS = [{"all": True}, {"areas": ["26734"]}, {"topics": ["water"]},
         {"areas": ["26737"], "topics": ["emergency", "lighting"]},
         {"user_ids": ["u3", "u7", "u11"]},
         {"reported_in": {"category": "lighting", "days": 7}},
         {"reported_in": {"area": "26734", "days": 30}, "topics": ["water"]}, {}]


def _sample(now):
    lighting = Category.get(Category.slug == "lighting")
    sample = []
    combos = itertools.product(AREAS, TOPICS, (True, False), (False, True))
    for index, (area, topics, follower, off) in enumerate(combos):
        citizen = Citizen.create(zalo_user_id=f"u{index}", area_code=area, topics=list(topics),
                                 is_follower=follower, announcements_off=off,
                                 withdrawn_at=now if index % 13 == 5 else None)
        reports = ()
        if index % 3 == 0:
            created = now - dt.timedelta(days=3 if index % 2 else 12)
            Case.create(citizen=citizen, category=lighting, description="x", area_code=area,
                        created_at=created)
            reports = (Report("lighting", area, created),)
        sample.append((citizen.id, Facts(citizen.zalo_user_id, follower, off,
                                         citizen.withdrawn_at is not None, area, topics,
                                         reports)))
    return sample


def test_the_query_selects_exactly_whom_the_rules_include(app):
    now = utcnow()
    with app.app_context():
        sample = _sample(now)
        for spec in SPECS:
            expected = {cid for cid, f in sample if audience.includes(spec, f, now)}
            found = {cid for (cid,) in audience_query.citizens(spec, now).tuples()}
            assert found == expected, spec
            assert audience_query.size(spec, now) == len(expected)
