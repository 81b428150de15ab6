"""The per-citizen flood throttle, pure: at most `limit` answers in a one-minute window, then one
"please wait", then silence until the window has passed. Every message is still recorded."""
import datetime as dt
from dataclasses import dataclass

WINDOW = dt.timedelta(minutes=1)
ANSWER, WARN, SILENT = "answer", "warn", "silent"


@dataclass(frozen=True)
class Burst:
    """A citizen's current window: when it began and how many messages it holds."""

    started_at: dt.datetime | None
    count: int


def admit(burst, at, limit, window=WINDOW):
    """(new Burst, verdict, flood_ended) for one more message at `at`.

    `flood_ended` is True when this message opens a new window after one that was flooded.
    """
    if burst.started_at is None or not burst.started_at <= at < burst.started_at + window:
        return Burst(at, 1), ANSWER, burst.count > limit
    count = burst.count + 1
    verdict = ANSWER if count <= limit else WARN if count == limit + 1 else SILENT
    return Burst(burst.started_at, count), verdict, False
