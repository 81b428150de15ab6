"""The city's clock: times are stored as naive UTC and shown in the city's zone."""
import datetime as dt
import functools
from zoneinfo import ZoneInfo

_city = {"zone": ZoneInfo("Asia/Ho_Chi_Minh")}


def configure(name):
    """Set the city's time zone (ZALO_OA_TIMEZONE)."""
    _city["zone"] = ZoneInfo(name)


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
    """`days` working days (Monday to Friday, city time) after `start`, same time of day."""
    local = to_local(start_utc_naive)
    added = 0
    while added < days:
        local += dt.timedelta(days=1)
        if local.weekday() < 5:
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
