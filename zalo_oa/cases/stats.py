"""Statistics for the dashboard's charts and the CSV export.

One portable query fetches the filtered cases' few columns; the sums, weeks and medians are
computed in Python, so SQLite and PostgreSQL give the same answers.
"""
import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..models import Case, Category, Department, OutboxMessage
from ..timeutil import to_local
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


FIELDS = (Case.id, Case.code, Case.category, Case.department, Case.status, Case.area_code,
          Case.created_at, Case.first_response_at, Case.resolved_at, Case.closed_at,
          Case.updated_at, Case.due_at, Case.rating, Case.reopen_count, Case.latitude,
          Case.longitude)


def rows(filters):
    """The filtered cases' statistics columns, as dicts."""
    return list(cases(filters).select(*FIELDS).order_by(Case.id).dicts())


def week(utc_naive):
    """The Monday (city time) of the week this moment falls in, as YYYY-MM-DD."""
    local = to_local(utc_naive).date()
    return (local - dt.timedelta(days=local.weekday())).isoformat()


def done_at(row):
    """When a case was finished (resolved, closed, rejected, duplicate), or None if open."""
    if row["status"] in OPEN_STATUSES:
        return None
    return row["resolved_at"] or row["closed_at"] or row["updated_at"]


def per_week(data, key):
    """{week: {key value: count}} of cases by their filing week."""
    table = defaultdict(Counter)
    for row in data:
        table[week(row["created_at"])][key(row)] += 1
    return {w: dict(table[w]) for w in sorted(table)}


def open_vs_closed(data):
    """Per week: opened, finished, and still open at the week's end."""
    opened = Counter(week(r["created_at"]) for r in data)
    finished = Counter(week(done_at(r)) for r in data if done_at(r) is not None)
    backlog, result = 0, []
    for w in sorted(set(opened) | set(finished)):
        backlog += opened[w] - finished[w]
        result.append({"week": w, "opened": opened[w], "closed": finished[w], "open": backlog})
    return result


def median_hours(data, start, end):
    """The median hours from `start` to `end` over the cases that have both, or None."""
    spans = [(end(r) - r[start]).total_seconds() / 3600 for r in data
             if r[start] is not None and end(r) is not None]
    return round(statistics.median(spans), 1) if spans else None


def medians(data):
    """Median hours to the first staff response and to resolution."""
    return {"first_response": median_hours(data, "created_at", lambda r: r["first_response_at"]),
            "resolution": median_hours(data, "created_at",
                                       lambda r: r["resolved_at"] or r["closed_at"])}


def on_time(data, now, min_volume=MIN_VOLUME):
    """Per department: finished or overdue cases, how many met their deadline, the rate."""
    counts = defaultdict(lambda: [0, 0])
    for row in data:
        finished = row["resolved_at"] or row["closed_at"]
        if row["due_at"] is None or row["status"] in ("rejected", "duplicate"):
            continue
        if finished is None and row["due_at"] >= now:
            continue  # still open and not late yet: no verdict
        counts[row["department"]][0] += 1
        counts[row["department"]][1] += finished is not None and finished <= row["due_at"]
    result = [{"department": d, "total": t, "on_time": ok, "rate": round(ok / t, 3),
               "ranked": t >= min_volume} for d, (t, ok) in counts.items()]
    return sorted(result, key=lambda r: (not r["ranked"], -r["rate"], -r["total"]))


def reopen_rate(data):
    """Reopened cases over cases that were ever resolved or closed."""
    finished = [r for r in data if r["reopen_count"] or r["resolved_at"] or r["closed_at"]]
    reopened = sum(1 for r in finished if r["reopen_count"])
    return {"finished": len(finished), "reopened": reopened,
            "rate": round(reopened / len(finished), 3) if finished else None}


def satisfaction(data):
    """Per department: how many ratings and their average."""
    ratings = defaultdict(list)
    for row in data:
        if row["rating"] is not None:
            ratings[row["department"]].append(row["rating"])
    return [{"department": d, "count": len(v), "average": round(statistics.mean(v), 2)}
            for d, v in sorted(ratings.items(), key=lambda item: str(item[0]))]


def _sent(filters, *fields):
    query = OutboxMessage.select(OutboxMessage.sent_at, *fields).where(
        OutboxMessage.sent_at.is_null(False))
    if filters.start is not None:
        query = query.where(OutboxMessage.sent_at >= filters.start)
    if filters.end is not None:
        query = query.where(OutboxMessage.sent_at < filters.end)
    return query.tuples().iterator()


def cost_classes(filters):
    """Messages sent per week by cost class (free, billed, template, zns, email, dashboard)."""
    table = defaultdict(Counter)
    for sent_at, cost_class in _sent(filters, OutboxMessage.cost_class):
        table[week(sent_at)][cost_class or "unknown"] += 1
    return {w: dict(table[w]) for w in sorted(table)}


def spending(filters):
    """What the messages really cost, per cost class: {"class": {"count", "vnd"}} and the total.

    The class is Zalo's own answer (its quota_type) where it gave one, and the VND the price
    table said when each message went; messages from before prices were kept count 0 VND.
    """
    table = defaultdict(lambda: {"count": 0, "vnd": 0})
    for _sent_at, cost_class, vnd in _sent(filters, OutboxMessage.cost_class,
                                           OutboxMessage.cost_vnd):
        row = table[cost_class or "unknown"]
        row["count"] += 1
        row["vnd"] += vnd or 0
    return {"classes": dict(sorted(table.items())),
            "total_vnd": sum(row["vnd"] for row in table.values())}


def open_map(data):
    """Open cases with a location, for the map."""
    points = [{"code": r["code"], "lat": r["latitude"], "lon": r["longitude"],
               "status": r["status"], "category": r["category"]}
              for r in data if r["status"] in OPEN_STATUSES and r["latitude"] is not None]
    return points[-MAP_LIMIT:]


def summary(filters, now):
    """Everything the statistics page draws, keyed by chart."""
    data = rows(filters)
    return {"total": len(data), "per_category": per_week(data, lambda r: r["category"]),
            "per_area": per_week(data, lambda r: r["area_code"] or ""),
            "open_vs_closed": open_vs_closed(data), "medians": medians(data),
            "on_time": on_time(data, now), "reopen": reopen_rate(data),
            "satisfaction": satisfaction(data), "costs": cost_classes(filters),
            "spending": spending(filters),
            "map": open_map(data), "done_statuses": list(DONE_STATUSES)}


def names(locale):
    """Category and department display names by id, for chart labels."""
    field = "name_en" if locale == "en" else "name_vi"
    return ({c.id: getattr(c, field) for c in Category.select()},
            {d.id: getattr(d, field) for d in Department.select()})
