"""The statistics' weekly totals give exactly the figures counting the cases gives: after the
first refresh, after cases change in weeks already totalled (before and after the next
refresh), for any period, category or unit, on the real engine."""
import datetime as dt
import random

import pytest

from tests.factories import make_case
from zalo_oa.cases import rollup, stats
from zalo_oa.cases.rules import OPEN_STATUSES
from zalo_oa.models import (
    Case,
    Category,
    Department,
    OutboxMessage,
    StatsCaseWeek,
    StatsDirty,
    StatsRollup,
    StatsSentWeek,
    StatsUnitWeek,
)
from zalo_oa.sqltime import week_of, week_start

NOW = dt.datetime(2026, 11, 25, 5, 30)  # a Wednesday, city time 12:30
DAY = dt.timedelta(days=1)
STATUSES = ("new", "in_progress", "resolved", "closed", "rejected", "duplicate", "reopened")


def add_cases(rng, count, first, last):
    """`count` cases filed between `first` and `last`, in every state the lifecycle makes."""
    categories = list(Category.select())
    span = (last - first).total_seconds()
    for _ in range(count):
        created = first + dt.timedelta(seconds=rng.uniform(0, span))
        status = rng.choice(STATUSES)
        finish = created + dt.timedelta(hours=rng.uniform(1, 400))
        make_case(rng.choice(categories).slug, created_at=created, status=status,
                  updated_at=finish if status not in OPEN_STATUSES else created,
                  due_at=created + dt.timedelta(hours=rng.choice((24, 72, 240))),
                  first_response_at=created + dt.timedelta(hours=rng.uniform(0.1, 20)),
                  resolved_at=finish if status in ("resolved", "closed") else None,
                  closed_at=finish if status == "closed" else None,
                  reopen_count=1 if status == "reopened" or rng.random() < 0.1 else 0,
                  rating=rng.choice((None, 1, 3, 5)) if status != "new" else None,
                  area_code=rng.choice(("26734", "26737", "26740", None)))


def add_sent(rng, count, first, last):
    span = (last - first).total_seconds()
    OutboxMessage.insert_many([{
        "zalo_user_id": "u1", "kind": "reply", "payload": "{}",
        "sent_at": first + dt.timedelta(seconds=rng.uniform(0, span)),
        "cost_class": rng.choice(("free", "billed", "zns", None)),
        "cost_vnd": rng.choice((0, 200, 300, None))} for _ in range(count)]).execute()


def periods():
    """Periods as the statistics page asks for them (whole city-time days), and odd ones."""
    cats, depts = [c.id for c in Category.select()], [d.id for d in Department.select()]
    midnight = week_start(week_of(NOW)) + 2 * DAY  # Wednesday 00:00 city time
    yield stats.Filters(start=midnight - 84 * DAY)
    yield stats.Filters(start=midnight - 365 * DAY, end=midnight + DAY)
    yield stats.Filters(start=midnight - 30 * DAY, end=midnight - 3 * DAY, category=cats[0])
    yield stats.Filters(start=midnight - 200 * DAY, department=depts[1])
    yield stats.Filters(start=NOW - 100 * DAY - dt.timedelta(hours=5), end=NOW - 9 * DAY)
    yield stats.Filters(start=midnight - 60 * DAY, area="Pasteur")  # by name: from the cases


def assert_same_figures():
    for filters in periods():
        counted = stats.summary(filters, NOW)
        assert stats.summary(filters, NOW, rollup.plan(filters, NOW)) == counted, filters


@pytest.fixture
def city(app):
    with app.app_context():
        rng = random.Random(7)
        add_cases(rng, 160, NOW - 300 * DAY, NOW)
        add_sent(rng, 300, NOW - 300 * DAY, NOW)
        yield rng


def test_before_any_refresh_everything_is_counted_from_the_cases(city):
    assert rollup.plan(stats.Filters(start=NOW - 84 * DAY), NOW) is None
    assert_same_figures()


def test_after_a_refresh_whole_weeks_come_from_the_totals_with_the_same_figures(city):
    weeks = rollup.refresh(NOW)
    assert weeks >= 40 and StatsCaseWeek.select().count() > 0
    assert StatsUnitWeek.select().count() > 0 and StatsSentWeek.select().count() > 0
    assert StatsDirty.select().count() == 0
    assert StatsRollup.get().until == week_of(NOW)  # this week is still going on
    plan = rollup.plan(stats.Filters(start=NOW - 84 * DAY), NOW)
    assert len(plan.case_weeks) == 11 and plan.case_weeks == plan.sent_weeks
    assert_same_figures()


def test_changes_to_totalled_weeks_are_counted_from_the_cases_until_the_next_refresh(city):
    rollup.refresh(NOW)
    old = list(Case.select().where(Case.created_at < NOW - 20 * DAY).order_by(Case.id))
    trees = Category.get(Category.slug == "trees")
    old[0].status, old[0].closed_at = "closed", old[0].created_at + DAY
    old[0].save()
    Case.update(category=trees, department=trees.department_id).where(
        Case.id == old[1].id).execute()  # a bulk update no model code sees
    Case.update(rating=1).where(Case.id.in_([c.id for c in old[2:40]])).execute()
    old[41].delete_instance(recursive=True)
    make_case(created_at=NOW - 150 * DAY, status="new")  # filed late with an old date
    changed = rollup.changed_weeks(week_start(week_of(NOW - 300 * DAY)), NOW)
    assert week_of(old[0].created_at) in changed and week_of(NOW - 150 * DAY) in changed
    assert week_of(old[1].created_at) in changed
    assert_same_figures()
    rollup.refresh(NOW + 8 * DAY)  # next week: the changed weeks and the one that ended
    assert StatsDirty.select().count() == 0
    assert StatsRollup.get().until == week_of(NOW + 8 * DAY)
    assert_same_figures()


def test_a_case_that_is_only_read_or_has_an_unwatched_column_changed_leaves_no_mark(city):
    rollup.refresh(NOW)
    case = Case.select().order_by(Case.id).first()
    Case.update(follower_count=Case.follower_count + 1, description="sửa mô tả").where(
        Case.id == case.id).execute()
    assert StatsDirty.select().count() == 0


def test_a_refresh_finds_nothing_to_do_when_nothing_changed_in_the_same_week(city):
    rollup.refresh(NOW)
    rows = StatsCaseWeek.select().count()
    assert rollup.refresh(NOW + dt.timedelta(hours=2)) == 0
    assert StatsCaseWeek.select().count() == rows


def test_the_leading_worker_keeps_the_totals_up_to_date(app, city):
    from zalo_oa.worker import Jobs

    jobs = Jobs(app)
    assert (jobs.stats_totals, 60 * rollup.REFRESH_MINUTES) in jobs.leader_only()
    jobs.run(jobs.stats_totals)
    assert StatsRollup.get().until is not None and StatsCaseWeek.select().count() > 0


def test_refreshes_running_at_once_count_each_week_once(app, city):
    """Two workers (or a worker and the command) may refresh together: one waits for the
    other, and no week's totals are written twice."""
    from concurrent.futures import ThreadPoolExecutor

    from zalo_oa.db import release

    def refresh_in_thread():
        with app.app_context():
            try:
                return rollup.refresh(NOW)
            finally:
                release()

    with ThreadPoolExecutor(3) as pool:
        counted = [f.result() for f in [pool.submit(refresh_in_thread) for _ in range(3)]]
    assert sorted(counted)[:2] == [0, 0] and max(counted) > 0  # the first did all the work
    filed = Case.select().where(Case.created_at < week_start(week_of(NOW))).count()
    assert sum(row.cases for row in StatsCaseWeek.select()) == filed
    assert_same_figures()
