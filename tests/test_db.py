"""Connections: pooled on PostgreSQL and replaced when the server drops them; one per thread,
kept, on SQLite."""
import threading

import pytest
import requests

from tests.outage_helpers import backends, pg_name, terminate_backends
from zalo_oa import db
from zalo_oa.db import database, is_postgres, repeatable
from zalo_oa.models import Category


@pytest.fixture
def pg(ctx):
    if not is_postgres():
        pytest.skip("needs PostgreSQL (ZALO_OA_TEST_DATABASE_URL)")
    return ctx


def backend_pid():
    return database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def in_threads(count, work):
    """Run `work` in `count` threads at once (each holding a connection); return the errors."""
    errors, together = [], threading.Barrier(count)

    def run():
        try:
            with db.unit_of_work():
                together.wait(5)
                work()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return errors


def test_only_reads_and_conflict_ignoring_inserts_are_sent_twice():
    assert repeatable("SELECT 1") and repeatable("  select * from x")
    assert repeatable('INSERT INTO "e" ("k") VALUES (%s) ON CONFLICT ("k") DO NOTHING')
    assert not repeatable('INSERT INTO "e" ("k") VALUES (%s)')
    assert not repeatable('UPDATE "e" SET "n" = "n" + 1')
    assert not repeatable('DELETE FROM "e"')


def test_a_read_on_a_dropped_connection_is_sent_again_on_a_new_one(pg):
    before = backend_pid()
    terminate_backends(pg_name())
    assert backend_pid() != before


def test_pooled_connections_dropped_together_are_all_replaced(pg):
    assert in_threads(6, lambda: Category.select().count()) == []
    terminate_backends(pg_name())
    assert in_threads(6, lambda: Category.select().count()) == []
    assert not db.outage().down


def test_a_statement_inside_a_transaction_is_not_sent_again(pg):
    count = Category.select().count()
    with pytest.raises(db.UNAVAILABLE), database.atomic():
        Category.select().count()
        terminate_backends(pg_name())
        Category.update(active=False).execute()
    assert Category.select().where(Category.active).count() == count  # nothing half-done


def test_a_write_outside_a_transaction_is_not_sent_again_but_the_next_one_works(pg):
    Category.select().count()
    terminate_backends(pg_name())
    with pytest.raises(db.UNAVAILABLE):
        Category.update(active=True).execute()
    assert Category.update(active=True).execute() == Category.select().count()


def test_requests_give_their_connections_back_to_the_pool(live_server_factory):
    server = live_server_factory(with_scheduler=False)
    with server.app.app_context():
        if not is_postgres():
            pytest.skip("needs PostgreSQL (ZALO_OA_TEST_DATABASE_URL)")
        for _ in range(30):  # each request runs in a new thread of the server
            assert requests.get(f"{server.url}/healthz", timeout=5).status_code == 200
        pool = database.obj
        assert len(pool._in_use) <= 1  # this test's own, at most
        assert backends(pg_name()) <= 3


def test_the_pool_takes_its_size_from_the_setting(make_app):
    make_app(DB_MAX_CONNECTIONS=3)
    if not is_postgres():
        pytest.skip("needs PostgreSQL (ZALO_OA_TEST_DATABASE_URL)")
    assert database.obj._max_connections == 3


def test_sqlite_keeps_each_thread_connection_between_requests(app, client):
    if is_postgres():
        pytest.skip("SQLite only")
    with app.app_context():
        connection = database.connection()
        assert client.get("/healthz").status_code == 200
        assert not database.is_closed() and database.connection() is connection
