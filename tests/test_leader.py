"""One scheduler leader: on real PostgreSQL (an advisory lock per session) and on a real SQLite
file (an flock beside it), one holds the lead, the other waits, and takes over when the first
one's session or file goes away."""
import psycopg2
import pytest

from tests.processes import wait_for
from zalo_oa import db, leader, worker
from zalo_oa.leader import FileLeader, PostgresLeader


@pytest.fixture
def pg(ctx):
    if not db.is_postgres():
        pytest.skip("needs PostgreSQL (ZALO_OA_TEST_DATABASE_URL)")
    return ctx


def test_one_postgresql_leader_at_a_time_and_a_takeover_when_its_session_ends(pg):
    first, second = PostgresLeader("first"), PostgresLeader("second")
    try:
        assert first.check() and first.since is not None
        assert not second.check()
        assert first.check()  # still holds it
        first._conn.close()  # the first process dies: its session ends with it
        wait_for(second.check, 5, "the second to take the lead")  # as the backend exits
        assert not first.check()  # it notices it lost the lead
        assert not first.check()  # and cannot take it back while the second lives
    finally:
        first.close()
        second.close()


def test_a_leader_whose_session_the_server_killed_steps_down(pg):
    first, second = PostgresLeader("first"), PostgresLeader("second")
    try:
        assert first.check()
        pid = first._conn.get_backend_pid()
        admin = psycopg2.connect(dbname=db.database.obj.database, **db.database.obj.connect_params)
        admin.autocommit = True
        admin.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
        admin.close()
        wait_for(second.check, 5, "the second to take the lead")
        assert not first.check() and first.since is None
    finally:
        first.close()
        second.close()


def test_closing_hands_the_lead_over(pg):
    first, second = PostgresLeader("first"), PostgresLeader("second")
    try:
        assert first.check() and not second.check()
        first.close()
        assert second.check()
    finally:
        second.close()


def test_one_file_leader_at_a_time_on_sqlite(tmp_path):
    path = str(tmp_path / "zalo_oa.db.leader")
    first, second = FileLeader("first", path), FileLeader("second", path)
    try:
        assert first.check() and not second.check()
        first.close()
        assert second.check() and not first.check()
    finally:
        first.close()
        second.close()


def test_only_the_leading_worker_runs_the_leaders_jobs_and_healthz_names_it(make_app):
    app = make_app(HEALTH_TOKEN="monitor-token-123")
    one, two = worker.Jobs(app), worker.Jobs(app)
    two.name = f"{one.name}-two"
    two.leader = leader.for_database(two.name)
    ran = []

    def followups():
        ran.append("ran")

    try:
        one.run(one.lead)
        two.run(two.lead)
        assert one.leader.leading and not two.leader.leading
        two.run_if_leading(followups)
        assert ran == []
        one.run_if_leading(followups)
        assert ran == ["ran"] and one.leader_passes == 1
        assert named_leader(app) == one.name
        one.leader.close()
        one.run(one.heartbeat)
        assert named_leader(app) is None
        two.run(two.lead)
        assert named_leader(app) == two.name
    finally:
        for jobs in (one, two):
            jobs.leader.close()
            jobs.dispatcher.pool.shutdown()


def named_leader(app):
    """The leader /healthz names to a monitor."""
    answer = app.test_client().get(
        "/healthz", headers={"Authorization": "Bearer monitor-token-123"})
    return answer.get_json()["scheduler"]["leader"]


def test_leader_only_and_every_worker_jobs_are_the_whole_schedule(ctx):
    jobs = worker.Jobs(ctx)
    try:
        every = {job.__name__ for job, _ in jobs.every_worker()}
        only = {job.__name__ for job, _ in jobs.leader_only()}
        assert every == {"events", "retrain", "heartbeat", "lead"}
        assert {"followups", "broadcast_job", "token", "prune_events"} <= only
        assert not every & only
    finally:
        jobs.dispatcher.pool.shutdown()
