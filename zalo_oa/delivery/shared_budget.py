"""The send rate limit shared by every worker on one PostgreSQL database.

Zalo's limit is per app, not per process: so the slots of ratelimit.RateLimiter's timeline
live in one row (`send_budget`) that each acquire() moves forward in a single atomic
UPDATE, and a pause written there (-32, `X-RateLimit-Remain: 0`) holds every worker. Times
are the database server's clock, so workers on machines whose clocks differ still agree.
Each statement is its own short autocommit transaction; nobody sleeps holding a lock.
"""
import time

from .. import db
from ..models import SendBudget
from .ratelimit import MARGIN

TABLE = SendBudget._meta.table_name
NOW = "extract(epoch from clock_timestamp())::float8"

# Take the next slot after the last one taken (and after any pause); answer it with the
# server's time now, so the caller knows how long to wait for it.
TAKE_SLOT = f"""
UPDATE {TABLE} SET next_slot = greatest({NOW}, next_slot, paused_until) + %s
WHERE id = 1
RETURNING next_slot - %s, {NOW}, backoff"""
# A pause only ever lengthens; pushing next_slot past it keeps slots out of the pause.
PAUSE = f"""
UPDATE {TABLE} SET paused_until = greatest(paused_until, {NOW} + %s),
                   next_slot = greatest(next_slot, {NOW} + %s)
WHERE id = 1"""
# -32: pause for the current backoff, doubled for next time, unless a pause already runs
# (every call in flight when Zalo said -32 comes back with it: that is one -32, not many).
OVER_LIMIT = f"""
UPDATE {TABLE} SET paused_until = greatest(paused_until, {NOW} + backoff),
                   next_slot = greatest(next_slot, {NOW} + backoff),
                   backoff = least(backoff * 2, %s)
WHERE id = 1 AND paused_until <= {NOW}"""
PAUSED_UNTIL = f"SELECT paused_until, {NOW} FROM {TABLE} WHERE id = 1"
MAX_BACKOFF = 60.0
# How late after its slot a sender may still go: slots are 1.03/R apart, so with sends at
# most 20 ms after their slots a one-second window holds at most floor(0.99 R) + 1 <= R.
LATE_SECONDS = 0.02
LATE_RETRIES = 3


class SharedRateLimiter:
    """RateLimiter's interface over the `send_budget` row: one budget for all workers."""

    def __init__(self, per_second, sleep=time.sleep):
        self.per_second = max(1, int(per_second))
        self.interval = MARGIN / self.per_second
        self._sleep = sleep
        self._backoff = 1.0  # as last seen; a success writes only when it was raised

    def acquire(self):
        """Take the next free slot on the shared timeline and wait until it comes."""
        late = 0
        while True:
            slot, now, self._backoff = self._run(TAKE_SLOT, (self.interval, self.interval))
            if slot <= now:
                return
            self._sleep(slot - now)
            # One that slept through a pause another worker began would send inside it, and
            # one that is late (a busy machine) would crowd the slots after its own: both take
            # a new slot (a machine that always runs late sends all the same).
            paused_until, now = self._run(PAUSED_UNTIL)
            if paused_until > now:
                continue
            if now - slot <= LATE_SECONDS or late == LATE_RETRIES:
                return
            late += 1

    def pause(self, seconds):
        """Every worker sends nothing for `seconds` (from now)."""
        self._run(PAUSE, (seconds, seconds), answer=False)

    def over_limit(self):
        """Zalo said -32: pause every worker, longer each time until a call succeeds."""
        self._run(OVER_LIMIT, (MAX_BACKOFF,), answer=False)

    def succeeded(self):
        if self._backoff > 1.0:
            self._backoff = 1.0
            self._run(f"UPDATE {TABLE} SET backoff = 1 WHERE id = 1", answer=False)

    def observe(self, limit, remain):
        """Zalo's X-RateLimit-* figures: with nothing left this minute, all wait for the next."""
        if remain <= 0:
            self.pause(60 - time.time() % 60)

    def _run(self, sql, params=(), answer=True):
        """One statement in its own autocommit transaction on this thread's pooled connection,
        given back at once when this call had to take it (a send holds none while it waits)."""
        borrowed = db.database.is_closed()
        try:
            cursor = db.database.execute_sql(sql, params)
            if not answer:
                return None
            row = cursor.fetchone()
            if row is None:  # made on first use (every pause follows a send, so an acquire)
                db.database.execute_sql(f"INSERT INTO {TABLE} (id, next_slot, paused_until, "
                                        "backoff) VALUES (1, 0, 0, 1) ON CONFLICT DO NOTHING")
                row = db.database.execute_sql(sql, params).fetchone()
            return row
        finally:
            if borrowed:
                db.release()
