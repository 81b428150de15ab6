"""Take the test's database away for real, and bring it back.

PostgreSQL: the database stops accepting connections and every backend of it is terminated
(what a server restart or a failover does to the service). SQLite: the file is moved aside and
a folder put in its place, so opening it fails as a missing disk would.
"""
import os
import time
from contextlib import contextmanager
from pathlib import Path

from zalo_oa.db import database, is_postgres

PG_ADMIN_URL = os.environ.get("ZALO_OA_TEST_DATABASE_URL", "")


@contextmanager
def _admin_cursor():
    import psycopg2

    admin = psycopg2.connect(PG_ADMIN_URL)
    admin.autocommit = True
    try:
        yield admin.cursor()
    finally:
        admin.close()


def pg_name():
    """The name of the PostgreSQL database the proxy points at."""
    return database.obj.database


def terminate_backends(name):
    """Drop every connection to database `name`; return once those backends are gone."""
    with _admin_cursor() as cursor:
        # Pick the pids first, then terminate exactly those: a call in a WHERE clause may run
        # before the database filter does (the server is shared).
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                       "AND pid <> pg_backend_pid()", (name,))
        pids = [pid for pid, in cursor.fetchall()]
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid",
                       (pids,))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,))
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.02)
    return pids


def backends(name):
    """How many connections database `name` has now."""
    with _admin_cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,))
        return cursor.fetchone()[0]


def allow_connections(name, allowed):
    with _admin_cursor() as cursor:
        cursor.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')


@contextmanager
def pg_down(name):
    """Database `name` refuses connections and has none, until the block ends."""
    allow_connections(name, False)
    try:
        terminate_backends(name)
        yield
    finally:
        allow_connections(name, True)


@contextmanager
def sqlite_down(path):
    """The SQLite file at `path` cannot be opened until the block ends."""
    database.close()  # this thread's connection; the tests using this run no other threads
    path = Path(path)
    moved = [(Path(f"{path}{suffix}"), Path(f"{path}{suffix}.away"))
             for suffix in ("", "-wal", "-shm") if Path(f"{path}{suffix}").exists()]
    for original, aside in moved:
        original.rename(aside)
    path.mkdir()
    try:
        yield
    finally:
        path.rmdir()
        for original, aside in moved:
            aside.rename(original)


def database_down():
    """The app's database (PostgreSQL or SQLite) unusable until the block ends."""
    if is_postgres():
        return pg_down(pg_name())
    return sqlite_down(database.obj.database)
