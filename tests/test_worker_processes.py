"""Real `zalo-oa worker` processes: killed mid-batch, and two at once on PostgreSQL."""
import os
import signal
from collections import Counter

import pytest
import requests

from tests.processes import process_env, start, stop, wait_for
from zalo_oa.db import is_postgres
from zalo_oa.delivery import outbox
from zalo_oa.models import Citizen, OutboxMessage, utcnow
from zalo_oa.sandbox.models import SandboxMessage, SandboxUser


@pytest.fixture
def server(live_server_factory):
    return live_server_factory(with_scheduler=False)


def worker(server, **settings):
    """Start `zalo-oa worker` against the test's database and the live sandbox."""
    env = process_env(server.app.config["DATABASE_URL"], server.url,
                      ZALO_OA_SEND_LEASE_SECONDS="3", ZALO_OA_POLL_SECONDS="0.1", **settings)
    return start(["worker"], env)


def queue_for(count):
    """One message each to `count` citizens whom the sandbox knows."""
    now = utcnow()
    SandboxUser.insert_many([{"user_id": f"c{i}", "user_id_by_app": f"a{i}",
                              "last_interaction_at": now} for i in range(count)]).execute()
    Citizen.insert_many([{"zalo_user_id": f"c{i}", "last_interaction_at": now}
                         for i in range(count)]).execute()
    for citizen in Citizen.select():
        outbox.queue(citizen.zalo_user_id, "notice", {"text": f"Thông báo {citizen.id}"},
                     citizen=citizen, dedupe_key=f"notice:{citizen.id}")


def sent_count():
    return OutboxMessage.select().where(OutboxMessage.status == "sent").count()


def deliveries():
    return Counter(m.user_id for m in SandboxMessage.select(SandboxMessage.user_id))


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_only_in_flight(server):
    requests.post(f"{server.url}/sandbox/faults",
                  json={"path": "/v3.0/oa/message/cs", "delay_ms": 40}, timeout=5)
    with server.app.app_context():
        queue_for(150)
        first = worker(server, ZALO_OA_SEND_THREADS="6")
        try:
            wait_for(lambda: sent_count() >= 30, 60, "the first sends")
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)
            in_flight = OutboxMessage.select().where(OutboxMessage.status == "sending").count()
        finally:
            stop(first)
        second = worker(server, ZALO_OA_SEND_THREADS="6")
        try:
            wait_for(lambda: sent_count() == 150, 90, "every message sent after the restart")
        finally:
            stop(second)
        got = deliveries()
        duplicates = sum(got.values()) - 150
        print(f"in flight at the kill: {in_flight}; delivered twice: {duplicates}")
        assert set(got) == {f"c{i}" for i in range(150)}
        assert 0 <= duplicates <= in_flight


def test_two_workers_on_postgresql_never_send_a_message_twice(server):
    with server.app.app_context():
        if not is_postgres():
            pytest.skip("needs PostgreSQL (ZALO_OA_TEST_DATABASE_URL)")
        queue_for(300)
        workers = [worker(server, ZALO_OA_SEND_THREADS="4") for _ in range(2)]
        try:
            wait_for(lambda: sent_count() == 300, 90, "every message sent")
        finally:
            for process in workers:
                stop(process)
        got = deliveries()
        assert len(got) == 300
        assert set(got.values()) == {1}
