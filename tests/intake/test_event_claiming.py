"""Several workers (and several threads in one worker) share the recorded events: each event
is handled exactly once, and one citizen's events are handled in the order they arrived."""
import sqlite3
import threading
import time

import pytest

from zalo_oa.db import SQLITE_PRAGMAS, database, is_postgres
from zalo_oa.intake import inbox
from zalo_oa.models import InboundEvent

USERS = 6
PER_USER = 15


def record_events():
    """USERS citizens sending PER_USER texts each, interleaved as they would arrive."""
    for n in range(PER_USER):
        for user in range(USERS):
            payload = {"event_name": "user_send_text", "sender": {"id": f"77{user}"},
                       "recipient": {"id": "oa"}, "timestamp": str(1_700_000_000_000 + n),
                       "message": {"msg_id": f"m-{user}-{n}", "text": f"{n}"}}
            assert inbox.record(payload, "{}")


def recorder(log, lock):
    """A handler that notes which event it ran, slowly enough for workers to overlap."""
    def handle(event):
        time.sleep(0.002)
        with lock:
            log.append((event.user_id, event.id))
        return True
    return handle


def run_workers(app, handle, workers):
    """`workers` threads each running the worker's event pass until nothing is left."""
    errors = []

    def worker():
        with app.app_context():
            try:
                while inbox.process_pending(handle, limit=40):
                    pass
            except Exception as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)
            finally:
                inbox.release()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors


@pytest.mark.parametrize("event_threads", [1, 3])
def test_concurrent_workers_handle_each_event_once_in_each_citizens_order(make_app,
                                                                         event_threads):
    app = make_app(EVENT_THREADS=event_threads)
    log, lock = [], threading.Lock()
    with app.app_context():
        record_events()
    run_workers(app, recorder(log, lock), workers=3)
    with app.app_context():
        ids = [row.id for row in InboundEvent.select().order_by(InboundEvent.id)]
        assert {row.status for row in InboundEvent.select()} == {"done"}
    assert sorted(event_id for _, event_id in log) == ids  # each exactly once
    for user in range(USERS):
        handled = [event_id for user_id, event_id in log if user_id == f"77{user}"]
        assert handled == sorted(handled) and len(handled) == PER_USER


def test_a_batch_takes_one_event_per_citizen(make_app):
    app = make_app()
    seen = []
    with app.app_context():
        record_events()
        taken = inbox.process_batch(lambda event: seen.append(event.user_id) or True, limit=50)
    assert taken == USERS and sorted(seen) == sorted(f"77{u}" for u in range(USERS))


def test_on_sqlite_the_webhook_insert_waits_for_a_held_write_lock(make_app):
    app = make_app()
    with app.app_context():
        if is_postgres():
            pytest.skip("SQLite's write lock")
        holder = sqlite3.connect(database.obj.database, isolation_level=None,
                                 check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")  # another process's transaction, as the worker's
        threading.Timer(0.3, holder.commit).start()
        payload = {"event_name": "follow", "follower": {"id": "771"}, "timestamp": "1"}
        assert inbox.record(payload, "{}")  # waited for the lock instead of failing
        holder.close()
        busy = database.execute_sql("PRAGMA busy_timeout").fetchone()[0]
        assert busy == SQLITE_PRAGMAS["busy_timeout"]  # the usual wait for everything else
        assert InboundEvent.select().count() == 1
