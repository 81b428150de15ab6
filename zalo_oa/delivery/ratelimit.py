"""A sending rate limit shared by a worker's sending threads.

Calls are spaced evenly, a little more than 1/R apart, and unused time earns no burst: so
no one-second span holds more than R calls even after the network has shifted each call's
arrival by some milliseconds (Zalo counts where they arrive). Zalo's answers can slow it
further: `X-RateLimit-Remain: 0` or a -32 pauses every thread for a while.
"""
import threading
import time

# Spacing beyond 1/R that absorbs arrival jitter; costs 3 % of the rate.
MARGIN = 1.03


class RateLimiter:
    """Blocks callers of acquire() so that calls stay within `per_second`."""

    def __init__(self, per_second, clock=time.monotonic, sleep=time.sleep):
        self.per_second = max(1, int(per_second))
        self.interval = MARGIN / self.per_second
        self._clock = clock
        self._sleep = sleep
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._backoff = 1.0
        self._lock = threading.Lock()

    def acquire(self):
        """Take the next free slot and wait until it comes."""
        with self._lock:
            slot = max(self._clock(), self._next_slot, self._paused_until)
            self._next_slot = slot + self.interval
        wait = slot - self._clock()
        if wait > 0:
            self._sleep(wait)
        if self._clock() < self._paused_until:  # a pause began while this caller waited
            self.acquire()

    def pause(self, seconds):
        """Send nothing for `seconds` (from now)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self._next_slot = max(self._next_slot, self._paused_until)

    def over_limit(self):
        """Zalo said -32: pause, longer each time until a call succeeds."""
        self.pause(self._backoff)
        self._backoff = min(self._backoff * 2, 60.0)

    def succeeded(self):
        self._backoff = 1.0

    def observe(self, limit, remain):
        """Zalo's X-RateLimit-* figures: with nothing left this minute, wait for the next."""
        if remain <= 0:
            self.pause(60 - time.time() % 60)
