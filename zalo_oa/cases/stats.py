"""Statistics for the dashboard's charts and the CSV export.

The database aggregates (counts per week and unit, sums, medians) in a few grouped queries;
Python only folds their rows into the charts' shapes and never loads the period's cases. Given
a Plan (cases/rollup.py), whole weeks are read from the weekly totals kept ahead of time and
only the rest is counted from the cases; the rows look the same either way.
"""
import datetime as dt
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from functools import reduce

import peewee as pw
from peewee import SQL, EnclosedNodeList, NodeList, fn

from ..db import is_postgres
from ..models import (
    Case,
    Category,
    Department,
    OutboxMessage,
    StatsCaseWeek,
    StatsSentWeek,
    StatsUnitWeek,
)
from ..sqltime import day, local_week, seconds_between, week_start
from .rules import DONE_STATUSES, OPEN_STATUSES

MIN_VOLUME = 5  # a unit is ranked on time only with at least this many finished cases
MAP_LIMIT = 2000
COST_CLASSES = ("free", "billed", "template", "zns")


@dataclass
class Filters:
    """Which cases count: created in [start, end) (naive UTC), and optional narrowing."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    category: int | None = None
    department: int | None = None
    area: str = ""


@dataclass
class Plan:
    """Where each part of a period's figures comes from: weeks (their Mondays) read from the
    weekly totals, and [from, to) ranges (naive UTC; to None: open) counted from the rows."""

    case_weeks: list = field(default_factory=list)
    case_live: list = field(default_factory=list)
    sent_weeks: list = field(default_factory=list)
    sent_live: list = field(default_factory=list)


def in_ranges(column, ranges):
    """`column` within any of the [from, to) `ranges`."""
    return reduce(operator.or_, [(column >= start) if end is None
                                 else ((column >= start) & (column < end))
                                 for start, end in ranges])


def merged(ranges):
    """[from, to) `ranges` (to None: open) sorted, overlapping or touching ones joined."""
    joined = []
    for start, end in sorted(ranges, key=lambda r: r[0]):
        if joined and (joined[-1][1] is None or joined[-1][1] >= start):
            last_start, last_end = joined[-1]
            joined[-1] = (last_start, None if None in (last_end, end) else max(last_end, end))
        else:
            joined.append((start, end))
    return joined


def week_ranges(mondays):
    """The [from, to) ranges the weeks of `mondays` cover, adjacent weeks joined."""
    return merged([(week_start(m), week_start(m + dt.timedelta(days=7))) for m in mondays])


def _counted(query, column, plan, live):
    """`query` narrowed to the part of the period counted from the rows: all of it without a
    plan, else the plan's `live` ranges; None when the plan reads everything from totals."""
    if plan is None:
        return query
    ranges = getattr(plan, live)
    return query.where(in_ranges(column, ranges)) if ranges else None


def _totals(model, filters, weeks):
    query = model.select().where(model.week.in_(weeks))
    if filters.category:
        query = query.where(model.category_id == filters.category)
    if filters.department:
        query = query.where(model.department_id == filters.department)
    return query


def cases(filters):
    """The filtered cases, as a query (also what the CSV export walks)."""
    query = Case.select()
    if filters.start is not None:
        query = query.where(Case.created_at >= filters.start)
    if filters.end is not None:
        query = query.where(Case.created_at < filters.end)
    if filters.category:
        query = query.where(Case.category == filters.category)
    if filters.department:
        query = query.where(Case.department == filters.department)
    if filters.area:
        query = query.where(Case.address.contains(filters.area.strip()))
    return query


def _count_if(condition):
    return fn.SUM(pw.Case(None, [(condition, 1)], 0))


def in_batches(filters, size=1000):
    """The filtered cases in id order, read `size` at a time: the export's memory stays bounded
    on PostgreSQL too, whose driver would otherwise buffer a whole result set."""
    last = 0
    while True:
        batch = list(cases(filters).where(Case.id > last).order_by(Case.id).limit(size))
        yield from batch
        if len(batch) < size:
            return
        last = batch[-1].id


FINISHED = fn.COALESCE(Case.resolved_at, Case.closed_at)  # resolved, else closed


def weekly(filters, plan=None):
    """The filtered cases counted per filing week, category and ward, as dicts."""
    rows = []
    query = _counted(cases(filters), Case.created_at, plan, "case_live")
    if query is not None:
        week = local_week(Case.created_at)
        rows += [dict(row, week=day(row["week"])) for row in query.select(
            week.alias("week"), Case.category, Case.area_code, fn.COUNT(SQL("*")).alias("count"),
        ).group_by(week, Case.category, Case.area_code).dicts()]
    if plan is not None and plan.case_weeks:
        t = StatsCaseWeek
        rows += [dict(row, week=day(row["week"])) for row in _totals(t, filters, plan.case_weeks)
                 .select(t.week, t.category_id.alias("category"), t.area_code,
                         fn.SUM(t.cases).alias("count"))
                 .group_by(t.week, t.category_id, t.area_code).dicts()]
    return rows


def total(groups):
    return sum(row["count"] for row in groups)


def per_week(groups, key):
    """{week: {key value: count}} of cases by their filing week."""
    table = defaultdict(Counter)
    for row in groups:
        table[row["week"]][key(row)] += row["count"]
    return {w: dict(table[w]) for w in sorted(table)}


def finished_weekly(units):
    """{week: cases finished (resolved, closed, rejected, duplicate) that week}."""
    weeks = Counter()
    for unit in units:
        weeks.update(unit["done_weeks"])
    return dict(weeks)


def open_vs_closed(groups, finished):
    """Per week: opened, finished, and still open at the week's end."""
    opened = per_week(groups, lambda r: "all")
    backlog, result = 0, []
    for w in sorted(set(opened) | set(finished)):
        count = opened.get(w, {}).get("all", 0)
        backlog += count - finished.get(w, 0)
        result.append({"week": w, "opened": count, "closed": finished.get(w, 0), "open": backlog})
    return result


def _median(seconds):
    """PostgreSQL: the median of `seconds` over a query's rows (NULLs left out)."""
    ordered = EnclosedNodeList([NodeList((SQL("ORDER BY"), seconds))])
    return NodeList((fn.percentile_cont(0.5), SQL("WITHIN GROUP"), ordered))


def _middle(query, seconds, n):
    """SQLite (no percentile): the median of the `n` non-NULL `seconds` over `query`'s rows,
    read as the middle one or two rows in order; None if there are none."""
    if not n:
        return None
    middle = [row[0] for row in query.select(seconds).where(seconds.is_null(False))
              .order_by(seconds).limit(2 - n % 2).offset((n - 1) // 2).tuples()]
    return sum(middle) / len(middle)


def medians(filters):
    """Median hours to the first staff response and to resolution."""
    spans = {"first_response": seconds_between(Case.created_at, Case.first_response_at),
             "resolution": seconds_between(Case.created_at, FINISHED)}
    if is_postgres():  # both in one pass over the cases
        values = cases(filters).select(*map(_median, spans.values())).tuples().get()
    else:  # one pass counts both, then one ordered read each
        counts = cases(filters).select(*map(fn.COUNT, spans.values())).tuples().get()
        values = [_middle(cases(filters), seconds, n)
                  for seconds, n in zip(spans.values(), counts, strict=True)]
    return {name: None if seconds is None else round(seconds / 3600, 1)
            for name, seconds in zip(spans, values, strict=True)}


SUMS = ("judged", "on_time", "finished", "reopened", "ratings", "rating_sum")


def done_week():
    """The week a case was finished in (resolved, else closed, else last changed); NULL while
    it is open."""
    return pw.Case(None, [(Case.status.not_in(OPEN_STATUSES), local_week(
        fn.COALESCE(Case.resolved_at, Case.closed_at, Case.updated_at)))])


def unit_sums(now):
    """The per-unit sums over a query's cases, as aliased columns (see SUMS)."""
    # A verdict once finished (at a known time), or once late while open; rejected and
    # duplicates never count. A finished case's verdict depends on its row alone, so the
    # weekly totals keep it.
    judged = (Case.due_at.is_null(False) & Case.status.not_in(("rejected", "duplicate"))
              & (FINISHED.is_null(False)
                 | (Case.status.in_(OPEN_STATUSES) & (Case.due_at < now))))
    finished = (Case.reopen_count != 0) | Case.resolved_at.is_null(False) \
        | Case.closed_at.is_null(False)
    return [fn.COUNT(SQL("*")).alias("count"), _count_if(judged).alias("judged"),
            _count_if(judged & FINISHED.is_null(False) & (Case.due_at >= FINISHED))
            .alias("on_time"),
            fn.MIN(pw.Case(None, [(judged, Case.id)])).alias("first_judged"),
            _count_if(finished).alias("finished"),
            _count_if(Case.reopen_count != 0).alias("reopened"),
            fn.COUNT(Case.rating).alias("ratings"),
            fn.COALESCE(fn.SUM(Case.rating), 0).alias("rating_sum")]


def _unit_rows(query, now):
    done = done_week()
    return list(query.select(Case.department, done.alias("done_week"), *unit_sums(now))
                .group_by(Case.department, done).dicts())


def per_department(filters, now, plan=None):
    """Per department: the on-time verdicts, reopenings, ratings and the weeks its cases were
    finished in, from passes grouped by department and finishing week."""
    query = _counted(cases(filters), Case.created_at, plan, "case_live")
    rows = _unit_rows(query, now) if query is not None else []
    if plan is not None and plan.case_weeks:  # totals hold finished cases; open ones here
        rows += _unit_rows(cases(filters).where(
            in_ranges(Case.created_at, week_ranges(plan.case_weeks))
            & Case.status.in_(OPEN_STATUSES)), now)
        t = StatsUnitWeek
        rows += list(_totals(t, filters, plan.case_weeks).select(
            t.department_id.alias("department"), t.done_week,
            fn.SUM(t.cases).alias("count"),
            *[fn.SUM(getattr(t, key)).alias(key) for key in SUMS],
            fn.MIN(t.first_judged).alias("first_judged"),
        ).group_by(t.department_id, t.done_week).dicts())
    units = {}
    for row in rows:
        unit = units.setdefault(row["department"], dict(
            dict.fromkeys(SUMS, 0), department=row["department"], first_judged=None,
            done_weeks=Counter()))
        for key in SUMS:
            unit[key] += int(row[key] or 0)
        firsts = [n for n in (unit["first_judged"], row["first_judged"]) if n is not None]
        unit["first_judged"] = min(firsts, default=None)
        if row["done_week"] is not None:
            unit["done_weeks"][day(row["done_week"])] += row["count"]
    return list(units.values())


def on_time(units, min_volume=MIN_VOLUME):
    """Per department: finished or overdue cases, how many met their deadline, the rate."""
    # Ties keep the order of each unit's first judged case, as reading the cases in order did.
    judged = sorted((u for u in units if u["judged"]), key=lambda u: u["first_judged"])
    result = [{"department": u["department"], "total": u["judged"], "on_time": u["on_time"],
               "rate": round(u["on_time"] / u["judged"], 3), "ranked": u["judged"] >= min_volume}
              for u in judged]
    return sorted(result, key=lambda r: (not r["ranked"], -r["rate"], -r["total"]))


def reopen_rate(units):
    """Reopened cases over cases that were ever resolved or closed."""
    finished = sum(u["finished"] for u in units)
    reopened = sum(u["reopened"] for u in units)
    return {"finished": finished, "reopened": reopened,
            "rate": round(reopened / finished, 3) if finished else None}


def _mean(total_, count):
    # As statistics.mean of whole ratings: an int when exact, else the nearest float.
    value = Fraction(total_, count)
    return value.numerator if value.denominator == 1 else float(value)


def satisfaction(units):
    """Per department: how many ratings and their average."""
    rated = sorted((u for u in units if u["ratings"]), key=lambda u: str(u["department"]))
    return [{"department": u["department"], "count": u["ratings"],
             "average": round(_mean(u["rating_sum"], u["ratings"]), 2)} for u in rated]


def sent(filters, plan=None):
    """Messages sent in the period, counted and priced per week and cost class, as dicts."""
    rows = []
    query = _counted(sent_messages(filters), OutboxMessage.sent_at, plan, "sent_live")
    if query is not None:
        rows += list(sent_weeks(query).dicts())
    if plan is not None and plan.sent_weeks:
        t = StatsSentWeek
        rows += list(t.select(t.week, t.cost_class, fn.SUM(t.messages).alias("count"),
                              fn.SUM(t.vnd).alias("vnd"))
                     .where(t.week.in_(plan.sent_weeks))
                     .group_by(t.week, t.cost_class).dicts())
    return [dict(row, week=day(row["week"]), cost_class=row["cost_class"] or "unknown",
                 vnd=int(row["vnd"] or 0)) for row in rows]


def sent_messages(filters):
    """The messages sent in the filters' period, as a query."""
    query = OutboxMessage.select().where(OutboxMessage.sent_at.is_null(False))
    if filters.start is not None:
        query = query.where(OutboxMessage.sent_at >= filters.start)
    if filters.end is not None:
        query = query.where(OutboxMessage.sent_at < filters.end)
    return query


def sent_weeks(query):
    """`query`'s messages grouped by sending week and cost class: week, cost_class, count, vnd."""
    week = local_week(OutboxMessage.sent_at)
    return (query.select(week.alias("week"), OutboxMessage.cost_class,
                         fn.COUNT(SQL("*")).alias("count"),
                         fn.COALESCE(fn.SUM(OutboxMessage.cost_vnd), 0).alias("vnd"))
            .group_by(week, OutboxMessage.cost_class))


def cost_classes(groups):
    """Messages sent per week by cost class (free, billed, template, zns, email, dashboard)."""
    return per_week(groups, lambda r: r["cost_class"])


def spending(groups):
    """What the messages really cost, per cost class: {"class": {"count", "vnd"}} and the total.

    The class is Zalo's own answer (its quota_type) where it gave one, and the VND the price
    table said when each message went; messages from before prices were kept count 0 VND.
    """
    table = defaultdict(lambda: {"count": 0, "vnd": 0})
    for row in groups:
        table[row["cost_class"]]["count"] += row["count"]
        table[row["cost_class"]]["vnd"] += row["vnd"]
    return {"classes": dict(sorted(table.items())),
            "total_vnd": sum(row["vnd"] for row in table.values())}


def open_map(filters):
    """The newest MAP_LIMIT open cases with a location, oldest first, for the map."""
    query = (cases(filters).select(Case.code, Case.latitude, Case.longitude, Case.status,
                                   Case.category)
             .where(Case.status.in_(OPEN_STATUSES), Case.latitude.is_null(False))
             .order_by(Case.id.desc()).limit(MAP_LIMIT))
    return [{"code": code, "lat": lat, "lon": lon, "status": status, "category": category}
            for code, lat, lon, status, category in reversed(list(query.tuples()))]


def summary(filters, now, plan=None):
    """Everything the statistics page draws, keyed by chart; with a Plan, whole weeks come
    from the weekly totals (the figures are the same)."""
    groups = weekly(filters, plan)
    units, messages = per_department(filters, now, plan), sent(filters, plan)
    return {"total": total(groups), "per_category": per_week(groups, lambda r: r["category"]),
            "per_area": per_week(groups, lambda r: r["area_code"] or ""),
            "open_vs_closed": open_vs_closed(groups, finished_weekly(units)),
            "medians": medians(filters), "on_time": on_time(units),
            "reopen": reopen_rate(units), "satisfaction": satisfaction(units),
            "costs": cost_classes(messages), "spending": spending(messages),
            "map": open_map(filters), "done_statuses": list(DONE_STATUSES)}


def names(locale):
    """Category and department display names by id, for chart labels."""
    field = "name_en" if locale == "en" else "name_vi"
    return ({c.id: getattr(c, field) for c in Category.select()},
            {d.id: getattr(d, field) for d in Department.select()})
