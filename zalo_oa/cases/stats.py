"""Statistics for the dashboard's charts and the CSV export.

The database aggregates (counts per week and unit, sums, medians) in a few grouped queries;
Python only folds their rows into the charts' shapes and never loads the period's cases.
"""
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from fractions import Fraction

import peewee as pw
from peewee import SQL, EnclosedNodeList, NodeList, fn

from ..db import is_postgres
from ..models import Case, Category, Department, OutboxMessage
from ..sqltime import day, local_week, seconds_between
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


def weekly(filters):
    """The filtered cases counted per filing week, category and ward, as dicts."""
    week = local_week(Case.created_at)
    query = (cases(filters).select(week.alias("week"), Case.category, Case.area_code,
                                   fn.COUNT(SQL("*")).alias("count"))
             .group_by(week, Case.category, Case.area_code))
    return [dict(row, week=day(row["week"])) for row in query.dicts()]


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


def per_department(filters, now):
    """Per department: the on-time verdicts, reopenings, ratings and the weeks its cases were
    finished in, from one pass grouped by department and finishing week."""
    # A verdict once finished, or once late while open; rejected and duplicates never count.
    judged = (Case.due_at.is_null(False) & Case.status.not_in(("rejected", "duplicate"))
              & (FINISHED.is_null(False) | (Case.due_at < now)))
    finished = (Case.reopen_count != 0) | Case.resolved_at.is_null(False) \
        | Case.closed_at.is_null(False)
    done_week = pw.Case(None, [(Case.status.not_in(OPEN_STATUSES), local_week(
        fn.COALESCE(Case.resolved_at, Case.closed_at, Case.updated_at)))])
    query = cases(filters).select(
        Case.department, done_week.alias("done_week"), fn.COUNT(SQL("*")).alias("count"),
        _count_if(judged).alias("judged"),
        _count_if(judged & FINISHED.is_null(False) & (Case.due_at >= FINISHED)).alias("on_time"),
        fn.MIN(pw.Case(None, [(judged, Case.id)])).alias("first_judged"),
        _count_if(finished).alias("finished"), _count_if(Case.reopen_count != 0).alias("reopened"),
        fn.COUNT(Case.rating).alias("ratings"), fn.SUM(Case.rating).alias("rating_sum"),
    ).group_by(Case.department, done_week)
    units = {}
    for row in query.dicts():
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


def sent(filters):
    """Messages sent in the period, counted and priced per week and cost class, as dicts."""
    week = local_week(OutboxMessage.sent_at)
    query = OutboxMessage.select(
        week.alias("week"), OutboxMessage.cost_class, fn.COUNT(SQL("*")).alias("count"),
        fn.SUM(OutboxMessage.cost_vnd).alias("vnd")).where(OutboxMessage.sent_at.is_null(False))
    if filters.start is not None:
        query = query.where(OutboxMessage.sent_at >= filters.start)
    if filters.end is not None:
        query = query.where(OutboxMessage.sent_at < filters.end)
    return [dict(row, week=day(row["week"]), cost_class=row["cost_class"] or "unknown",
                 vnd=int(row["vnd"] or 0))
            for row in query.group_by(week, OutboxMessage.cost_class).dicts()]


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


def summary(filters, now):
    """Everything the statistics page draws, keyed by chart."""
    groups, units, messages = weekly(filters), per_department(filters, now), sent(filters)
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
