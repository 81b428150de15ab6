"""The city's clock: times are stored as naive UTC and shown in the city's zone; working days
skip weekends and the country's public holidays (Tết and Hùng Kings' day on the lunar
calendar, from the `holidays` package) and any extra days off the government decrees."""
import datetime as dt
import functools
from zoneinfo import ZoneInfo

import holidays

_city = {"zone": ZoneInfo("Asia/Ho_Chi_Minh"), "country": "VN", "extra": frozenset()}


def configure(name, holiday_country="VN", extra_days_off=""):
    """Set the city's time zone (ZALO_OA_TIMEZONE) and its days off (ZALO_OA_HOLIDAYS, a
    country code or "off"; ZALO_OA_EXTRA_DAYS_OFF, ISO dates separated by commas)."""
    _city["zone"] = ZoneInfo(name)
    country = (holiday_country or "").strip().upper()
    _city["country"] = None if country in ("", "OFF", "NONE") else country
    _city["extra"] = parse_days(extra_days_off)


def parse_days(text):
    """"2026-02-13, 2026-02-23" as a frozenset of dates; ValueError names a bad one."""
    days = set()
    for part in (text or "").replace(";", ",").split(","):
        if part.strip():
            try:
                days.add(dt.date.fromisoformat(part.strip()))
            except ValueError:
                raise ValueError(f"not a date (YYYY-MM-DD): {part.strip()!r}") from None
    return frozenset(days)


@functools.lru_cache(maxsize=64)
def public_holidays(country, year):
    """The public holidays of `country` in `year` as {date: name} (English names)."""
    return dict(holidays.country_holidays(country, years=year, language="en_US"))


def is_working_day(day):
    """Monday to Friday, not a public holiday and not an extra day off."""
    if day.weekday() >= 5 or day in _city["extra"]:
        return False
    country = _city["country"]
    return country is None or day not in public_holidays(country, day.year)


def zone():
    return _city["zone"]


def to_local(utc_naive):
    """A stored naive-UTC time as an aware time in the city's zone."""
    return utc_naive.replace(tzinfo=dt.UTC).astimezone(zone())


def to_utc_naive(aware):
    """An aware time as the naive UTC the database stores."""
    return aware.astimezone(dt.UTC).replace(tzinfo=None)


def format_date(utc_naive):
    """dd/mm/yyyy in the city's zone, as Vietnamese readers expect."""
    return to_local(utc_naive).strftime("%d/%m/%Y") if utc_naive else ""


def format_datetime(utc_naive):
    """HH:MM dd/mm/yyyy in the city's zone."""
    return to_local(utc_naive).strftime("%H:%M %d/%m/%Y") if utc_naive else ""


def from_epoch_ms(value):
    """Zalo's epoch-milliseconds string as naive UTC, or None if it is not a number."""
    try:
        seconds = int(str(value)) / 1000
        return dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):  # not a number, or out of range
        return None


def add_working_days(start_utc_naive, days):
    """`days` working days (city time: no weekends, holidays or days off) after `start`, at
    the same time of day."""
    local = to_local(start_utc_naive)
    added = 0
    while added < days:
        local += dt.timedelta(days=1)
        if is_working_day(local.date()):
            added += 1
    return to_utc_naive(local)


@functools.lru_cache(maxsize=8)
def parse_quiet_hours(text):
    """"22:00-06:00" as (start, end) times; "off" (or empty) as None. ValueError otherwise."""
    text = (text or "").strip().lower()
    if text in ("", "off", "none", "0"):
        return None
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise ValueError(f"quiet hours must look like 22:00-06:00 or off, not {text!r}") from None
    return start, end
