"""Date arithmetic written once for both engines: the city-time week a stored time falls in,
and the seconds between two stored times, as SQL expressions for peewee queries."""
import datetime as dt

from peewee import SQL, fn

from .db import is_postgres
from .timeutil import zone


def _offset_seconds():
    # The zone's offset now: exact for zones without daylight saving (Asia/Ho_Chi_Minh is UTC+7
    # all year); SQL cannot apply a tz database rule cheaply per row.
    return int(zone().utcoffset(dt.datetime.utcnow()).total_seconds())


def local_week(field):
    """The Monday (city time) of the week `field` (naive UTC) falls in; read it with day()."""
    offset = _offset_seconds()
    if is_postgres():
        return fn.date_trunc("week", field + SQL(f"interval '{offset} seconds'")).cast("date")
    # Back six days, then forward to the next Monday (or stay): the week's Monday.
    return fn.date(field, f"{offset:+d} seconds", "-6 days", "weekday 1").coerce(False)


def offset():
    """The city's offset from UTC, as local_week() applies it."""
    return dt.timedelta(seconds=_offset_seconds())


def week_of(moment):
    """The Monday (city time) of the week the naive-UTC `moment` falls in: local_week() in
    Python."""
    local = moment + offset()
    return local.date() - dt.timedelta(days=local.weekday())


def week_start(monday):
    """The naive-UTC moment the city-time week of `monday` begins."""
    return dt.datetime.combine(monday, dt.time()) - offset()


def as_date(value):
    """A date from local_week (a date on PostgreSQL, text on SQLite) as a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def day(value):
    """A date from local_week (a date on PostgreSQL, text on SQLite) as YYYY-MM-DD."""
    return value if isinstance(value, str) else value.isoformat()


def seconds_between(start, end):
    """`end` - `start` in seconds (NULL when either is NULL)."""
    if is_postgres():
        return fn.date_part("epoch", end - start)
    # julianday is a double of days (~50 µs resolution): rounded to the millisecond so whole
    # seconds come out exact.
    return fn.round((fn.julianday(end) - fn.julianday(start)) * 86400, 3)
