"""The lock that lets exactly one process (or thread) touch the OA token pair at a time.

PostgreSQL: a transaction holding `SELECT ... FOR UPDATE` on the token row; what is written
inside commits when the block ends. SQLite: an exclusive `flock` on a file next to the database
(SQLite is one host by nature). Holding SQLite's own write lock instead would block the
in-process sandbox (and every webhook write) for the whole HTTP refresh: the sandbox's token
endpoint must write, so the refresh would time out while the rotation still happened.
"""
import fcntl
import threading
from contextlib import contextmanager

from .. import db
from ..models import OAToken

# For an in-memory SQLite database there is no file to lock: one process is all there is.
_memory_lock = threading.Lock()


@contextmanager
def locked_token():
    """Hold the token lock; yield the current OAToken row (or None), read inside the lock."""
    if db.is_postgres():
        with db.database.atomic():
            yield OAToken.select().order_by(OAToken.id.desc()).limit(1).for_update().first()
        return
    with _sqlite_lock():
        yield OAToken.select().order_by(OAToken.id.desc()).first()


@contextmanager
def _sqlite_lock():
    path = db.database.obj.database
    if path in ("", ":memory:"):
        with _memory_lock:
            yield
        return
    # A new open file description per holder, so threads of one process exclude each other.
    with open(f"{path}.token-lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
