"""The database: one proxy set from a URL, so SQLite and PostgreSQL differ only by the URL."""
import logging
from pathlib import Path
from urllib.parse import urlparse

import peewee
from playhouse.db_url import connect as connect_url

log = logging.getLogger(__name__)

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "cache_size": -16000,
}


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


def make_database(url):
    """Build a peewee database for `url` (sqlite:///path or postgresql://...)."""
    scheme = urlparse(url).scheme
    if scheme.startswith("sqlite"):
        # sqlite:///relative/path or sqlite:////absolute/path, as SQLAlchemy spells them
        path = url.split(":///", 1)[1] if ":///" in url else ":memory:"
        if path not in ("", ":memory:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return ImmediateSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10,
                                       check_same_thread=False)
    if scheme in ("postgres", "postgresql"):
        return connect_url(url.replace("postgres://", "postgresql://", 1))
    raise ValueError(f"unsupported database URL scheme: {scheme!r}")


def init_database(url):
    """Point the proxy at the database for `url` and return it."""
    db = make_database(url)
    database.initialize(db)
    return db


def is_postgres():
    """True when the proxy points at PostgreSQL."""
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def ensure_connection():
    """Open this thread's connection if it is not open; it stays open for the thread's life.

    Closing the last connection to a WAL database makes SQLite checkpoint and delete the WAL,
    which costs far more than keeping one connection per worker thread.
    """
    database.connect(reuse_if_open=True)


def init_app(app):
    """Connect before each request; keep the connection (see ensure_connection)."""
    init_database(app.config["DATABASE_URL"])
    app.before_request(ensure_connection)


def write_transaction():
    """A transaction for claim-then-update work: on SQLite every transaction takes the write
    lock at its start (ImmediateSqliteDatabase), on PostgreSQL callers lock rows they claim."""
    return database.atomic()
