"""The inbox query without HTTP: filters, search, keyset pages in every order, counts, time left."""
import datetime as dt
from dataclasses import replace

import pytest
from werkzeug.datastructures import MultiDict

from zalo_oa.cases import queries
from zalo_oa.cases.queries import Filters, parse, time_left
from zalo_oa.db import database, is_postgres
from zalo_oa.models import Case, Category, Citizen, Department, Staff

NOW = dt.datetime(2026, 11, 2, 3, 0)


@pytest.fixture
def db(app):
    with app.app_context():
        yield


def staff(role="operator", department=None):
    return Staff(id=7, username="s", role=role,
                 department=Department.get(Department.slug == department) if department
                 else None)


def add(n=1, **fields):
    """`n` cases with these fields (category lighting, status new, due in 3 days by default)."""
    lighting = Category.get(Category.slug == "lighting")
    defaults = {"category": lighting, "department": lighting.department_id,
                "description": "Đèn hỏng", "due_at": NOW + dt.timedelta(days=3)}
    made = []
    for _ in range(n):
        case = Case.create(**{**defaults, **fields})
        case.code = f"PA-2611-{case.id:06d}"
        case.save()
        made.append(case)
    return made


def codes(rows):
    return [c.code for c in rows]


def all_pages(filters, who=None, size=3):
    """Every case the filters give, page by page through the cursors."""
    seen, cursor = [], None
    while True:
        rows, cursor = queries.page(replace(filters, after=cursor), who or staff(), NOW, size)
        seen += rows
        if cursor is None:
            return [c.id for c in seen]


# --- parsing ---------------------------------------------------------------------------------

def test_unknown_filter_values_are_ignored():
    filters = parse(MultiDict({"status": "bogus", "priority": "x", "sort": "y", "category": "z",
                               "due": "soon", "mine": "1"}))
    assert filters == Filters(due="soon", mine=True)


def test_open_is_a_status_filter():
    assert parse(MultiDict({"status": "open"})).status == "open"


# --- filters and search ----------------------------------------------------------------------

def test_filters_combine(db):
    target = add(priority="urgent", address="Phường Bến Thành")[0]
    add(priority="urgent", address="Phường Tân Định")
    add(address="Phường Bến Thành")
    rows, _ = queries.page(Filters(priority="urgent", area="Bến Thành"), staff(), NOW)
    assert codes(rows) == [target.code]


def test_overdue_and_due_soon_count_only_open_cases(db):
    late = add(due_at=NOW - dt.timedelta(hours=1))[0]
    add(due_at=NOW - dt.timedelta(hours=1), status="resolved")
    soon = add(due_at=NOW + dt.timedelta(hours=5))[0]
    add(due_at=NOW + dt.timedelta(days=5))
    assert codes(queries.page(Filters(due="overdue"), staff(), NOW)[0]) == [late.code]
    assert codes(queries.page(Filters(due="soon"), staff(), NOW)[0]) == [soon.code]


def test_search_by_code_in_lower_case(db):
    case = add(3)[1]
    rows, _ = queries.page(Filters(q=case.code.lower()), staff(), NOW)
    assert codes(rows) == [case.code]


def test_search_by_phone_matches_the_case_contact_and_the_citizens_phone(db):
    by_contact = add(contact_phone="84912345678")[0]
    citizen = Citizen.create(zalo_user_id="z1", phone="84912345678")
    by_citizen = add(citizen=citizen)[0]
    add(contact_phone="84900000000")
    rows, _ = queries.page(Filters(q="0912.345.678"), staff(), NOW)
    assert sorted(codes(rows)) == sorted([by_contact.code, by_citizen.code])


def test_search_by_text(db):
    hit = add(description="Cống bị nghẹt gây ngập")[0]
    add(description="Đèn hỏng")
    assert codes(queries.page(Filters(q="nghẹt"), staff(), NOW)[0]) == [hit.code]


def test_assigned_to_me(db):
    Staff.create(id=7, username="s", password_hash="x")
    mine = add(assigned_to=7)[0]
    add()
    assert codes(queries.page(Filters(mine=True), staff(), NOW)[0]) == [mine.code]


def test_department_staff_only_ever_see_their_department(db):
    add(2)
    trees = Category.get(Category.slug == "trees")
    add(category=trees, department=trees.department_id)
    who = staff("department", "lighting")
    assert len(all_pages(Filters(), who)) == 2
    assert len(all_pages(Filters(department=trees.department_id), who)) == 2


# --- keyset pages ----------------------------------------------------------------------------

def test_newest_and_oldest_pages_cover_every_case_once(db):
    ids = [c.id for c in add(8)]
    assert all_pages(Filters()) == sorted(ids, reverse=True)
    assert all_pages(Filters(sort="oldest")) == sorted(ids)


def test_due_order_pages_through_ties_and_missing_deadlines(db):
    tied = add(4, due_at=NOW + dt.timedelta(hours=2))
    early = add(1, due_at=NOW + dt.timedelta(hours=1))
    undated = add(3, due_at=None)
    expected = [c.id for c in early + tied + undated]
    assert all_pages(Filters(sort="due"), size=2) == expected


def test_a_malformed_cursor_means_the_first_page(db):
    add(2)
    for sort, cursor in (("newest", "x"), ("due", "nonsense"), ("due", "2026.x")):
        rows, _ = queries.page(Filters(sort=sort, after=cursor), staff(), NOW)
        assert len(rows) == 2


def test_the_last_page_has_no_cursor(db):
    add(3)
    rows, cursor = queries.page(Filters(), staff(), NOW, size=3)
    assert len(rows) == 3 and cursor is None


def test_counts_per_status_follow_the_other_filters(db):
    add(2)
    add(status="resolved")
    add(status="resolved", priority="high")
    assert queries.counts(Filters(status="new"), staff(), NOW).by_status == {"new": 2,
                                                                             "resolved": 2}
    assert queries.counts(Filters(priority="high"), staff(), NOW).by_status == {"resolved": 1}


def test_pages_are_read_through_an_index_not_a_sort(db):
    if is_postgres():
        pytest.skip("query plans checked on SQLite")
    who = staff("department", "lighting")
    for filters in (Filters(), Filters(status="new"), Filters(sort="oldest", status="new"),
                    Filters(category=1)):
        query = queries.Case.select().where(*queries.conditions(filters, who, NOW, 24))
        query = query.order_by(*queries._order(filters.sort)).limit(51)
        sql, params = query.sql()
        plan = " ".join(str(row) for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql,
                                                                 params))
        assert "USING INDEX" in plan or "USING INTEGER PRIMARY KEY" in plan, plan
        assert "TEMP B-TREE" not in plan, (filters, plan)


# --- time left -------------------------------------------------------------------------------

@pytest.mark.parametrize(("delta", "expected"), [
    (dt.timedelta(hours=5, minutes=10), ("soon", 5, "hours")),
    (dt.timedelta(days=4, hours=2), ("ok", 4, "days")),
    (dt.timedelta(minutes=20), ("soon", 20, "minutes")),
    (-dt.timedelta(days=2, hours=3), ("overdue", 2, "days")),
    (-dt.timedelta(hours=30), ("overdue", 30, "hours")),
])
def test_time_left_reads_in_hours_then_days(delta, expected):
    assert time_left(NOW + delta, "in_progress", NOW) == expected


def test_closed_cases_have_no_time_left():
    assert time_left(NOW, "closed", NOW) == (None, 0, None)
    assert time_left(None, "new", NOW) == (None, 0, None)
