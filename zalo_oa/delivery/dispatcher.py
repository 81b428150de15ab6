"""The worker's sending loop: keeps a pool of sending threads busy with due messages.

It leases as many messages as there are idle threads (one per recipient at a time, so each
citizen's messages stay in order), hands them to the pool, and leases again as soon as a
thread is free, so a reply goes out as soon as it is queued rather than at the next poll.
"""
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .. import db
from ..zalo import tokens
from . import outbox

log = logging.getLogger(__name__)

STALE_CHECK_SECONDS = 5


class Dispatcher:
    """Runs in its own thread inside `zalo-oa worker` (and `demo`)."""

    def __init__(self, app, sender, threads):
        self.app = app
        self.sender = sender
        self.threads = max(1, threads)
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="send")
        self._busy_users = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._paused = (0.0, False)
        self._stale_checked_at = 0.0
        self._thread = threading.Thread(target=self._run, name="dispatcher", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def wake(self):
        """Look for due messages now (something was just queued)."""
        self._wake.set()

    def stop(self, timeout=10):
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _run(self):
        with self.app.app_context():
            while not self._stop.is_set():
                outage_wait = db.outage().wait_seconds()
                if outage_wait:
                    self._stop.wait(outage_wait)
                elif not self._pass():
                    self._wake.wait(self.app.config["POLL_SECONDS"])
                    self._wake.clear()

    def _pass(self):
        """One fill(); a failure must not end the loop. Return how many were started."""
        try:
            with db.unit_of_work():
                return self.fill()
        except db.UNAVAILABLE:
            return 0  # reported by unit_of_work, once per outage; the loop waits it out
        except Exception:
            log.exception("dispatcher pass failed")
            return 0

    def fill(self):
        """Lease messages for the idle threads and start sending them; return how many.

        Under load it waits until a quarter of the threads are idle and leases for all of
        them at once: each lease is a query, and one per message cost more than the send.
        """
        if self._sending_paused():
            return 0
        with self._lock:
            idle = self.threads - len(self._busy_users)
            busy = set(self._busy_users)
        if idle <= 0 or (busy and idle < max(1, self.threads // 4)):
            return 0
        rows = outbox.claim_due(limit=idle, exclude_users=busy, stale=self._stale_due())
        outbox.attach_citizens(rows)
        for row in rows:
            with self._lock:
                self._busy_users.add(row.zalo_user_id)
            self.pool.submit(self._send, row)
        return len(rows)

    def _stale_due(self):
        """Look for leases that ran out every few seconds, not on every claim."""
        if time.monotonic() - self._stale_checked_at > STALE_CHECK_SECONDS:
            self._stale_checked_at = time.monotonic()
            return True
        return False

    def _sending_paused(self):
        """tokens.sending_paused(), asked at most once a second."""
        checked_at, paused = self._paused
        if time.monotonic() - checked_at > 1.0:
            paused = tokens.sending_paused()
            self._paused = (time.monotonic(), paused)
        return paused

    def _send(self, row):
        try:
            with self.app.app_context(), db.unit_of_work():
                self.sender.send(row)
        except db.UNAVAILABLE:
            pass  # reported once per outage; the row's lease runs out and a later pass sends it
        except Exception:  # the row's lease runs out and another pass retries it
            log.exception("sending message %s failed unexpectedly", row.id)
        finally:
            with self._lock:
                self._busy_users.discard(row.zalo_user_id)
            self._wake.set()


def send_due(sender, limit=1000):
    """Send every due message one by one in this thread (tests and one-off runs)."""
    handled = 0
    while handled < limit:
        rows = outbox.claim_due(limit=1)
        if not rows:
            return handled
        outbox.attach_citizens(rows)
        sender.send(rows[0])
        handled += 1
    return handled
