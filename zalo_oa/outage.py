"""Database outages as one process sees them: one log line when an outage starts and one when it
ends, a growing wait between attempts while it lasts, and what /healthz reports about it."""
import datetime as dt
import logging
import threading
import time

log = logging.getLogger("zalo_oa.db")

FIRST_WAIT_SECONDS = 1.0
LONGEST_WAIT_SECONDS = 30.0


def reason_of(exc):
    """The first line of a database error, short enough for a log line or /healthz."""
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:200]


def _now_iso():
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class Outage:
    """Whether this process currently finds the database unusable, and since when.

    Every thread reports here; the first failure starts an outage (logged once), further
    failures only lengthen the wait (1 s doubling to 30 s), and the first work that then uses
    the database and began after the outage started ends it (logged once).
    """

    def __init__(self, first=FIRST_WAIT_SECONDS, longest=LONGEST_WAIT_SECONDS,
                 clock=time.monotonic):
        self.first, self.longest, self.clock = first, longest, clock
        self._lock = threading.Lock()
        self.down = False
        self.reason = None
        self.since = None  # when the current outage started (ISO, UTC)
        self.last = None  # the previous outage, once one has ended
        self._started = self._next_try = self._wait = 0.0

    def failed(self, exc):
        """Note a failed attempt: the first starts an outage, a later one doubles the wait."""
        now = self.clock()
        with self._lock:
            if not self.down:
                self.down, self.reason, self.since = True, reason_of(exc), _now_iso()
                self._started, self._wait = now, self.first
                log.warning("database unavailable: %s (%s); trying again after %g s, then "
                            "waiting longer each time up to %g s", self.reason,
                            type(exc).__name__, self.first, self.longest)
            elif now >= self._next_try:
                self._wait = min(self._wait * 2, self.longest)
            else:
                return  # another thread already failed within this wait
            self._next_try = now + self._wait

    def succeeded(self, began):
        """Note work that used the database fine; `began` (clock time) must follow the start."""
        if not self.down:
            return
        with self._lock:
            if not self.down or began < self._started:
                return
            seconds = round(self.clock() - self._started, 1)
            self.last = {"started_at": self.since, "ended_at": _now_iso(), "seconds": seconds,
                         "reason": self.reason}
            self.down = False
            log.warning("database available again after %.1f s", seconds)

    def wait_seconds(self):
        """How long to wait before trying the database again (0 while it is up)."""
        if not self.down:
            return 0.0
        return max(0.0, self._next_try - self.clock())

    def report(self):
        """The outage as /healthz shows it: current (if any) and the last one that ended."""
        body = {}
        if self.down:
            body["down_since"] = self.since
            body["down_seconds"] = round(self.clock() - self._started, 1)
        if self.last:
            body["last_outage"] = self.last
        return body
