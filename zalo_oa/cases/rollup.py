"""Statistics kept ahead of time: totals per city-time week, so a year's figures read about a
hundred rows per chart instead of every case and message of the year.

The worker refreshes them (`refresh`, every REFRESH_MINUTES on the leading worker, or
`zalo-oa stats refresh`): each week that has ended gets its totals once, and a week whose cases
changed since (a trigger notes it in `stats_dirty`, migration 0013) gets them again. Until then
`plan` counts a changed week from the cases, so the figures never lag: what the totals hold is
exactly what counting the cases gives (tests/cases/test_rollup.py checks it). The cases'
medians and the map of open cases are always read from the cases.
"""
import datetime as dt
import logging
import time

from peewee import SQL, fn

from ..db import advisory_lock, database, is_postgres, write_transaction
from ..models import (
    Case,
    OutboxMessage,
    StatsCaseWeek,
    StatsDirty,
    StatsRollup,
    StatsSentWeek,
    StatsUnitWeek,
    utcnow,
)
from ..sqltime import as_date, local_week, week_of, week_start
from . import stats
from .rules import OPEN_STATUSES

log = logging.getLogger(__name__)

REFRESH_MINUTES = 10
# A week's sent messages are taken once the week has been over this long: a send stamped just
# before midnight may commit a moment after.
SETTLE = dt.timedelta(hours=1)
# Past this many changed weeks in one period, the totals save little: count everything.
MAX_DIRTY_WEEKS = 26
LOCK_KEY = 0x5A4C4F41  # "ZLOA": PostgreSQL advisory lock held while refreshing


def plan(filters, now):
    """How `stats.summary` reads `filters`' period: whole weeks the totals hold (and whose
    cases did not change since), the rest from the rows. None: everything from the rows."""
    state = StatsRollup.get_or_none()
    if state is None or state.until is None or filters.start is None or filters.area:
        return None  # no totals yet, an open start, or a ward by its name (not in the totals)
    first = week_of(filters.start)
    if week_start(first) < filters.start:
        first += dt.timedelta(days=7)
    end = min(filters.end or now, now)
    last = min(week_of(end), state.until)  # weeks before `last` are whole and totalled
    if last <= first:
        return None
    weeks = [first + dt.timedelta(days=7 * n) for n in range((last - first).days // 7)]
    start_at, end_at = week_start(first), week_start(last)
    head, tail = (filters.start, start_at), (end_at, filters.end)
    edges = [r for r in (head, tail) if r[1] is None or r[0] < r[1]]
    dirty = changed_weeks(start_at, end_at)
    if len(dirty) > MAX_DIRTY_WEEKS:
        return None
    clean = [w for w in weeks if w not in dirty]
    return stats.Plan(case_weeks=clean,
                      case_live=stats.merged(edges + stats.week_ranges(dirty)),
                      sent_weeks=weeks, sent_live=edges)


def changed_weeks(start=None, end=None):
    """The weeks (Mondays) whose cases changed since the refresh, filed in [start, end) when
    given."""
    week = local_week(StatsDirty.created_at)
    query = StatsDirty.select(week.alias("week")).distinct()
    if start is not None:
        query = query.where((StatsDirty.created_at >= start) & (StatsDirty.created_at < end))
    return {as_date(row[0]) for row in query.tuples()}


def refresh(now=None):
    """Bring the weekly totals up to the last week that has ended; returns how many weeks were
    (re)counted. Safe to run from several processes: one refresh at a time."""
    now = now or utcnow()
    until = week_of(now - SETTLE)
    began = time.monotonic()
    # Two refreshes at once would each delete what the other had not committed yet and
    # insert the same totals twice.
    with advisory_lock(LOCK_KEY), write_transaction():
        if is_postgres():
            # One snapshot for the whole refresh: a change committed meanwhile keeps its mark
            # (deleted below are only the marks this snapshot sees) and is counted next time.
            database.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        state = StatsRollup.get_or_none() or StatsRollup.create()
        if state.until is None:
            weeks = None  # all of them, from the first case
        else:
            weeks = {w for w in changed_weeks() if w < state.until}
            weeks |= {state.until + dt.timedelta(days=7 * n)
                      for n in range(max((until - state.until).days // 7, 0))}
        counted = _recount(weeks, state.until, until, now)
        StatsDirty.delete().where(StatsDirty.id <= _last_mark()).execute()
        state.until, state.refreshed_at = until, now
        state.save()
    log.info("statistics totals: %s weeks counted in %.2f s (up to the week of %s)",
             counted, time.monotonic() - began, until)
    return counted


def _recount(weeks, since, until, now):
    """Replace the totals of `weeks` (None: every week before `until`); sent messages are
    counted for the weeks from `since` to `until` (they never change once sent)."""
    if weeks is None:
        for model in (StatsCaseWeek, StatsUnitWeek, StatsSentWeek):
            model.delete().execute()
        case_range = Case.created_at < week_start(until)
        sent_range = OutboxMessage.sent_at < week_start(until)
        count = None
    else:
        if not weeks:
            return 0
        for model in (StatsCaseWeek, StatsUnitWeek):
            model.delete().where(model.week.in_(sorted(weeks))).execute()
        case_range = stats.in_ranges(Case.created_at, stats.week_ranges(weeks))
        new = [w for w in weeks if w >= since]
        sent_range = (stats.in_ranges(OutboxMessage.sent_at, stats.week_ranges(new))
                      if new else None)
        count = len(weeks)
    week = local_week(Case.created_at)
    StatsCaseWeek.insert_from(
        Case.select(week, Case.category, Case.department, Case.area_code, fn.COUNT(SQL("*")))
        .where(case_range).group_by(week, Case.category, Case.department, Case.area_code),
        [StatsCaseWeek.week, StatsCaseWeek.category_id, StatsCaseWeek.department_id,
         StatsCaseWeek.area_code, StatsCaseWeek.cases]).execute()
    done = stats.done_week()
    # Only finished cases: an open case's verdict changes with the clock, so it is counted
    # from the cases whenever the figures are read.
    sums = stats.unit_sums(now)
    StatsUnitWeek.insert_from(
        Case.select(week, Case.category, Case.department, done, *sums)
        .where(case_range & Case.status.not_in(OPEN_STATUSES))
        .group_by(week, Case.category, Case.department, done),
        [StatsUnitWeek.week, StatsUnitWeek.category_id, StatsUnitWeek.department_id,
         StatsUnitWeek.done_week, StatsUnitWeek.cases, StatsUnitWeek.judged,
         StatsUnitWeek.on_time, StatsUnitWeek.first_judged, StatsUnitWeek.finished,
         StatsUnitWeek.reopened, StatsUnitWeek.ratings, StatsUnitWeek.rating_sum]).execute()
    if sent_range is not None:
        sent = stats.sent_weeks(OutboxMessage.select().where(
            OutboxMessage.sent_at.is_null(False) & sent_range))
        StatsSentWeek.insert_from(sent, [StatsSentWeek.week, StatsSentWeek.cost_class,
                                         StatsSentWeek.messages, StatsSentWeek.vnd]).execute()
    if count is None:
        count = StatsCaseWeek.select(fn.COUNT(StatsCaseWeek.week.distinct())).scalar()
    return count


def _last_mark():
    return StatsDirty.select(fn.MAX(StatsDirty.id)).scalar() or 0
