"""Statistics on a small known data set: weeks, medians, on-time, reopen, ratings, costs."""
import datetime as dt

import pytest

from tests.factories import make_case
from zalo_oa.cases import stats
from zalo_oa.models import Case, Category, Department, OutboxMessage

BASE = dt.datetime(2026, 6, 1, 3, 0)  # Monday 10:00 city time
NOW = dt.datetime(2026, 7, 1)
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)


def at(delta):
    return BASE + delta


@pytest.fixture
def known(app):
    """Two finished lighting cases in week one; one late open and one rejected trees case after."""
    with app.app_context():
        make_case(created_at=at(0 * H), first_response_at=at(2 * H), resolved_at=at(10 * H),
                  due_at=at(5 * D), rating=5, status="resolved")
        make_case(created_at=at(D), first_response_at=at(D + 4 * H), resolved_at=at(D + 30 * H),
                  closed_at=at(D + 30 * H), due_at=at(6 * D), rating=3, status="closed",
                  reopen_count=1)
        make_case("trees", created_at=at(7 * D), first_response_at=at(7 * D + 6 * H),
                  due_at=at(7 * D + H), status="in_progress")
        make_case("trees", created_at=at(7 * D), updated_at=at(8 * D), status="rejected",
                  address="7 Pasteur, Quận 1", latitude=None, longitude=None)
        for sent, cost, vnd in ((at(H), "free", 0), (at(2 * H), "free", 0),
                                (at(8 * D), "zns", 200), (None, "billed", None)):
            OutboxMessage.create(zalo_user_id="u1", kind="reply", payload={}, sent_at=sent,
                                 cost_class=cost, cost_vnd=vnd)
        yield app


def ids():
    return {c.slug: c.id for c in Category.select()}, {d.slug: d.id for d in Department.select()}


def test_cases_per_category_per_week(known):
    cats, _ = ids()
    data = stats.weekly(stats.Filters())
    assert stats.per_week(data, lambda r: r["category"]) == {
        "2026-06-01": {cats["lighting"]: 2}, "2026-06-08": {cats["trees"]: 2}}


def test_open_vs_closed_over_time(known):
    filters = stats.Filters()
    finished = stats.finished_weekly(stats.per_department(filters, NOW))
    assert stats.open_vs_closed(stats.weekly(filters), finished) == [
        {"week": "2026-06-01", "opened": 2, "closed": 2, "open": 0},
        {"week": "2026-06-08", "opened": 2, "closed": 1, "open": 1}]


def test_median_times_to_first_response_and_resolution(known):
    assert stats.medians(stats.Filters()) == {"first_response": 4.0,
                                                          "resolution": 20.0}


def test_on_time_rate_ranks_only_units_with_enough_volume(known):
    _, depts = ids()
    result = stats.on_time(stats.per_department(stats.Filters(), NOW), min_volume=2)
    lighting = Case.get(Case.status == "resolved").department_id
    trees = Case.get(Case.status == "in_progress").department_id
    assert result == [
        {"department": lighting, "total": 2, "on_time": 2, "rate": 1.0, "ranked": True},
        {"department": trees, "total": 1, "on_time": 0, "rate": 0.0, "ranked": False}]
    assert lighting == depts["lighting"]


def test_reopen_rate_and_satisfaction(known):
    data = stats.per_department(stats.Filters(), NOW)
    assert stats.reopen_rate(data) == {"finished": 2, "reopened": 1, "rate": 0.5}
    lighting = Case.get(Case.status == "resolved").department_id
    assert stats.satisfaction(data) == [{"department": lighting, "count": 2, "average": 4.0}]


def test_message_cost_classes_per_week(known):
    assert stats.cost_classes(stats.sent(stats.Filters())) == {"2026-06-01": {"free": 2},
                                                               "2026-06-08": {"zns": 1}}
    assert stats.cost_classes(stats.sent(stats.Filters(start=at(7 * D)))) == {
        "2026-06-08": {"zns": 1}}


def test_real_spending_adds_the_vnd_each_sent_message_cost(known):
    assert stats.spending(stats.sent(stats.Filters())) == {
        "classes": {"free": {"count": 2, "vnd": 0}, "zns": {"count": 1, "vnd": 200}},
        "total_vnd": 200}


def test_map_shows_open_cases_with_a_location(known):
    points = stats.open_map(stats.Filters())
    assert [p["status"] for p in points] == ["in_progress"]


def test_filters_by_period_category_department_and_area(known):
    cats, depts = ids()
    assert stats.cases(stats.Filters(start=at(7 * D))).count() == 2
    assert stats.cases(stats.Filters(end=at(7 * D))).count() == 2
    assert stats.cases(stats.Filters(category=cats["lighting"])).count() == 2
    assert stats.cases(stats.Filters(department=depts["lighting"])).count() == 2
    assert stats.cases(stats.Filters(area="Pasteur")).count() == 1


def test_summary_gathers_every_chart(known):
    summary = stats.summary(stats.Filters(), NOW)
    assert summary["total"] == 4 and summary["reopen"]["rate"] == 0.5
    assert set(summary) >= {"per_category", "per_area", "open_vs_closed", "medians", "on_time",
                            "satisfaction", "costs", "map"}


def test_export_batches_read_every_filtered_case_once_in_order(known):
    cats, _ = ids()
    everything = [c.id for c in Case.select().order_by(Case.id)]
    for size in (1, 2, 3, 4, 100):  # 2 and 4 divide the 4 cases: the last batch is empty
        assert [c.id for c in stats.in_batches(stats.Filters(), size=size)] == everything
    trees = stats.Filters(category=cats["trees"])
    assert [c.id for c in stats.in_batches(trees, size=1)] == everything[2:]


def test_ranges_are_joined_when_they_touch_or_overlap_and_open_ones_swallow_the_rest():
    assert stats.merged([(5, 7), (1, 3), (3, 4), (6, 9)]) == [(1, 4), (5, 9)]
    assert stats.merged([(8, None), (1, 2), (9, 12)]) == [(1, 2), (8, None)]
    assert stats.merged([(1, 2), (4, 5)]) == [(1, 2), (4, 5)]
    monday = dt.date(2026, 6, 1)
    weeks = stats.week_ranges([monday + dt.timedelta(days=14), monday,
                               monday + dt.timedelta(days=7)])
    assert weeks == [(dt.datetime(2026, 5, 31, 17), dt.datetime(2026, 6, 21, 17))]
