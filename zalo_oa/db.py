"""The database: one proxy set from a URL, so SQLite and PostgreSQL differ only by the URL.

PostgreSQL connections come from a pool and go back to it after each request, job pass or
send; one the server dropped (restart, failover, pg_terminate_backend) is replaced when a
statement fails on it. SQLite keeps one connection per thread for the thread's life.
"""
import logging
import select
import time
import weakref
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import peewee
from flask import g
from playhouse.db_url import parse as parse_url
from playhouse.pool import MaxConnectionsExceeded, PooledDatabase, PooledPostgresqlDatabase

from .outage import Outage

log = logging.getLogger(__name__)

database = peewee.DatabaseProxy()

# What "the database cannot be used right now" looks like: the server is down or dropped the
# connection (OperationalError, InterfaceError), or every pooled connection is busy.
UNAVAILABLE = (peewee.OperationalError, peewee.InterfaceError, MaxConnectionsExceeded)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "cache_size": -16000,
}
# A pooled connection older than this is closed rather than handed out: after a failover the
# server's name may point somewhere else, and long-lived sessions hoard server memory.
STALE_SECONDS = 300
# How long a thread waits for a free pooled connection before giving up (503 / back off).
POOL_WAIT_SECONDS = 10
# libpq defaults, overridable in the URL: fail a connect in seconds rather than minutes, and
# notice a peer that vanished mid-query (a network blip) within about a minute.
PG_CONNECT_DEFAULTS = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 30,
                       "keepalives_interval": 10, "keepalives_count": 3}


class SchemaTooOld(RuntimeError):
    """The database schema is older than this code: run `zalo-oa db upgrade`."""


class ImmediateSqliteDatabase(peewee.SqliteDatabase):
    """SQLite whose transactions take the write lock when they begin.

    A deferred transaction that reads and then writes fails at once with "database is
    locked" when another connection wrote in between (SQLite will not wait, to avoid a
    deadlock); one that takes the lock first simply waits its turn.
    """

    def begin(self, lock_type=None):
        return super().begin(lock_type or "IMMEDIATE")


class HealingPostgresqlDatabase(PooledPostgresqlDatabase):
    """A connection pool that replaces connections the server dropped, without a ping.

    peewee's pool tests each connection it hands out with a `SELECT 1`, a round trip per
    request. Here checking out only looks whether the server hung up on an idle connection
    (a poll, no round trip), so one dropped while idle in the pool is simply replaced. One
    dropped while in use is found when a statement fails on it: then it and every connection
    made before that moment are discarded (a server that dropped one dropped them all), and
    the statement is sent again once on a new connection when that is safe: BEGIN, a read,
    or an insert that ignores conflicts, and never inside a transaction (the earlier
    statements of the transaction went down with the connection).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lost_at = 0.0  # time.time() when a dropped connection was last found
        self._prepared = weakref.WeakKeyDictionary()  # connection -> names prepared on it

    def _is_closed(self, conn):
        """Dead by what is known here, without a round trip: the driver's flags, or a server
        that spoke while the connection sat idle (it sends a FATAL notice as it drops one)."""
        if conn.closed or self._adapter.txn_status(conn) == self._adapter.txn_unknown:
            return True
        idle = select.poll()
        idle.register(conn.fileno(), select.POLLIN)
        return bool(idle.poll(0))

    def _is_stale(self, timestamp):
        return timestamp <= self._lost_at or super()._is_stale(timestamp)

    def begin(self, *args, **kwargs):
        return self._healing(super().begin, True, *args, **kwargs)

    def execute_sql(self, sql, params=None):
        return self._healing(super().execute_sql, repeatable(sql), sql, params)

    def execute_prepared(self, name, sql, params):
        """Run `sql` (%s placeholders) as the server-side prepared statement `name`, prepared
        on each connection the first time: PostgreSQL then skips parsing and planning it."""
        return self._healing(self._execute_prepared, repeatable(sql), name, sql, params)

    def _execute_prepared(self, name, sql, params):
        conn = self.connection()
        names = self._prepared.setdefault(conn, set())
        if name not in names:
            numbered = sql.replace("%s", "{}").format(*(f"${n + 1}" for n in range(len(params))))
            # PREPARE is not undone by a rollback, so it is safe inside a transaction too.
            super().execute_sql(f"PREPARE {name} AS {numbered}")
            names.add(name)
        return super().execute_sql(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})",
                                   params)

    def _healing(self, run, repeat_ok, *args, **kwargs):
        try:
            return run(*args, **kwargs)
        except (peewee.OperationalError, peewee.InterfaceError):
            if not (self._drop_if_lost() and repeat_ok and not self.in_transaction()):
                raise
        return run(*args, **kwargs)

    def _drop_if_lost(self):
        """True when this thread's connection is dead; it and all older ones are then dropped."""
        if self.is_closed() or not self._is_closed(self._state.conn):
            return False  # connecting failed, or the statement failed on a live connection
        self._lost_at = time.time()
        if not self.in_transaction():
            self.close()  # the pool closes it rather than keeping it (it is stale now)
        return True


def repeatable(sql):
    """True for a statement that may safely be sent twice: a read, or an insert that ignores
    a conflict (the webhook's), should the first have been applied before the connection died."""
    head = sql.lstrip()[:6].upper()
    return head == "SELECT" or (head == "INSERT" and " DO NOTHING" in sql)


def make_database(url, max_connections=20):
    """Build a peewee database for `url` (sqlite:///path or postgresql://...)."""
    scheme = urlparse(url).scheme
    if scheme.startswith("sqlite"):
        # sqlite:///relative/path or sqlite:////absolute/path, as SQLAlchemy spells them
        path = url.split(":///", 1)[1] if ":///" in url else ":memory:"
        if path not in ("", ":memory:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = ImmediateSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10,
                                     check_same_thread=False)
    elif scheme in ("postgres", "postgresql"):
        params = {**PG_CONNECT_DEFAULTS, **parse_url(url)}
        db = HealingPostgresqlDatabase(params.pop("database"), max_connections=max_connections,
                                       stale_timeout=STALE_SECONDS, timeout=POOL_WAIT_SECONDS,
                                       **params)
    else:
        raise ValueError(f"unsupported database URL scheme: {scheme!r}")
    db.outage = Outage()
    return db


def init_database(url, max_connections=20):
    """Point the proxy at the database for `url` and return it."""
    db = make_database(url, max_connections)
    previous = database.obj
    database.initialize(db)
    if previous is not None:
        # An app built again in the same process (tests, a reload) must not leave the old
        # pool's connections open on the server until garbage collection.
        _close(previous)
    return db


def is_postgres():
    """True when the proxy points at PostgreSQL."""
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def outage():
    """This process's view of database outages (see outage.Outage)."""
    return database.obj.outage


def ensure_connection():
    """Open this thread's connection if it is not open.

    On SQLite it stays open for the thread's life: closing the last connection to a WAL
    database makes SQLite checkpoint and delete the WAL, which costs far more than keeping one
    connection per worker thread. On PostgreSQL release() returns it to the pool.
    """
    database.connect(reuse_if_open=True)


def release():
    """End this thread's unit of work: a PostgreSQL connection goes back to the pool."""
    db = database.obj
    if isinstance(db, PooledDatabase) and not db.is_closed() and not db.in_transaction():
        db.close()


def disconnect():
    """Close every connection this process holds (before a fork, or at exit)."""
    _close(database.obj)


def _close(db):
    if isinstance(db, PooledDatabase):
        db.close_all()
    elif not db.is_closed():
        db.close()


def note_unavailable(exc):
    """Report that work failed on the database (logged once per outage)."""
    outage().failed(exc)


def note_success(began):
    """Report work that began at `began` (monotonic) and ended on a usable connection."""
    db = database.obj
    if db.outage.down and not db.is_closed() and db.is_connection_usable():
        db.outage.succeeded(began)


@contextmanager
def unit_of_work():
    """One job pass or one send: a database failure inside is reported (and re-raised), work
    that went well ends an outage, and the connection goes back to the pool."""
    began = time.monotonic()
    try:
        yield
    except UNAVAILABLE as exc:
        note_unavailable(exc)
        raise
    else:
        note_success(began)
    finally:
        release()


def _begin_request():
    g.db_began = time.monotonic()


def _end_request(exc):
    if exc is None:
        note_success(g.get("db_began", 0.0))
    release()


def init_app(app):
    """Connections are opened on first use and released when each request ends."""
    init_database(app.config["DATABASE_URL"], app.config["DB_MAX_CONNECTIONS"])
    app.before_request(_begin_request)
    app.teardown_request(_end_request)


# How often a latency-critical SQLite write looks again for the write lock another connection
# holds. SQLite's own busy handler sleeps 1, 2, 5 ... 25, 50, 100 ms between looks, so a
# webhook insert could sleep through the moments the worker left the lock free.
EAGER_POLL_SECONDS = 0.001


def execute_eagerly(sql, params, name):
    """Run one latency-critical autocommit write. On PostgreSQL it is the prepared statement
    `name` (PostgreSQL served 35 % more such inserts per second prepared, pgbench); on
    SQLite, while the write lock is taken, look again every millisecond (up to the usual
    busy_timeout) rather than in SQLite's growing sleeps."""
    db = database.obj
    if isinstance(db, HealingPostgresqlDatabase):
        return db.execute_prepared(name, sql, params)
    if db.in_transaction():
        return database.execute_sql(sql, params)
    deadline = time.monotonic() + SQLITE_PRAGMAS["busy_timeout"] / 1000
    db.execute_sql("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                return db.execute_sql(sql, params)
            except peewee.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(EAGER_POLL_SECONDS)
    finally:
        db.execute_sql(f"PRAGMA busy_timeout = {SQLITE_PRAGMAS['busy_timeout']}")


@contextmanager
def advisory_lock(key):
    """On PostgreSQL, hold the session advisory lock `key` (waiting for it) for the block, so
    one process at a time runs it; on SQLite a no-op (one writer at a time already)."""
    if not is_postgres():
        yield
        return
    database.execute_sql("SELECT pg_advisory_lock(%s)", (key,))
    try:
        yield
    finally:
        database.execute_sql("SELECT pg_advisory_unlock(%s)", (key,))


def write_transaction():
    """A transaction for claim-then-update work: on SQLite every transaction takes the write
    lock at its start (ImmediateSqliteDatabase), on PostgreSQL callers lock rows they claim."""
    return database.atomic()
