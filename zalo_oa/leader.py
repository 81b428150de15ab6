"""Which worker process runs the periodic jobs: exactly one at a time, the leader.

On PostgreSQL the leader holds a session-level advisory lock on a connection of its own (not
from the pool, which hands its connections around). The lock lives as long as that session:
a leader killed outright loses it as soon as the server sees the connection close (at once
on one machine; within about 40 s for a machine that vanished, by the server-side
keepalives set below), and the next worker to check takes it. On SQLite, one machine by
nature, an flock on a file beside the database does the same between processes.
"""
import contextlib
import fcntl
import logging
import os

import psycopg2

from . import db
from .models import utcnow

log = logging.getLogger(__name__)

LOCK_KEY = 0x7A616C70  # "zalp": next to the migrations' "zalo"
# How often a worker checks that it still leads, or tries to lead (seconds).
CHECK_SECONDS = 5
# The server notices a leader whose machine or network died and drops its lock.
SERVER_KEEPALIVES = "-c tcp_keepalives_idle=20 -c tcp_keepalives_interval=5 " \
                    "-c tcp_keepalives_count=4"


class Leader:
    """This process's claim on leadership; check() keeps it current and says whether it leads."""

    def __init__(self, name):
        self.name = name
        self.leading = False
        self.since = None  # when this process took the lead (naive UTC)

    def check(self):
        """Keep or try to take the lead; True while this process leads."""
        try:
            leading = self._hold() if self.leading else self._take()
        except (OSError, psycopg2.Error) as exc:
            log.warning("leadership check failed: %s", type(exc).__name__)
            self._drop()
            leading = False
        if leading != self.leading:
            log.info("%s %s the scheduler's lead", self.name, "took" if leading else "lost")
            self.since = utcnow() if leading else None
        self.leading = leading
        return leading

    def close(self):
        """Give up the lead (at shutdown), so another worker takes it at its next check."""
        if self.leading:
            log.info("%s gave up the scheduler's lead", self.name)
        self.leading, self.since = False, None
        self._drop()


class PostgresLeader(Leader):
    """Leadership as a PostgreSQL advisory lock held by a dedicated session."""

    def __init__(self, name):
        super().__init__(name)
        self._conn = None

    def _take(self):
        if self._conn is None or self._conn.closed:
            pool = db.database.obj
            self._conn = psycopg2.connect(dbname=pool.database, **{
                **pool.connect_params, "options": SERVER_KEEPALIVES})
            self._conn.autocommit = True  # idle between checks, never idle in a transaction
        return self._ask("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))

    def _hold(self):
        """A live session still holds its lock; one that broke lost it with the session."""
        return self._ask("SELECT true")

    def _ask(self, sql, params=()):
        with self._conn.cursor() as cursor:
            cursor.execute(sql, params)
            return bool(cursor.fetchone()[0])

    def _drop(self):
        if self._conn is not None and not self._conn.closed:
            # Unlock at once: a closing session frees its locks only as its backend exits
            # (a broken session cannot answer; its end frees the lock).
            with contextlib.suppress(psycopg2.Error):
                self._ask("SELECT pg_advisory_unlock_all() IS NULL")
            self._conn.close()
        self._conn = None


class FileLeader(Leader):
    """Leadership as an exclusive flock on `path` (SQLite: every worker is on this machine)."""

    def __init__(self, name, path):
        super().__init__(name)
        self.path = path
        self._fd = None

    def _take(self):
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _hold(self):
        return True  # the kernel keeps the lock while the file stays open

    def _drop(self):
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock
        self._fd = None


class AlwaysLeader(Leader):
    """A process alone on an in-memory database leads by itself."""

    def _take(self):
        return True

    def _hold(self):
        return True

    def _drop(self):
        pass


def for_database(name):
    """The Leader kind for the database in use."""
    if db.is_postgres():
        return PostgresLeader(name)
    path = db.database.obj.database
    if path in ("", ":memory:"):
        return AlwaysLeader(name)
    return FileLeader(name, f"{path}.leader")
