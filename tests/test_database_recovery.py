"""Real `zalo-oa serve` and `zalo-oa worker` processes heal by themselves when PostgreSQL drops
their connections (restart, failover, pg_terminate_backend) or stops answering for a while."""
import datetime as dt
import re
import time

import pytest
import requests

from tests.factories import load_payload
from tests.outage_helpers import pg_down, pg_name, terminate_backends
from tests.processes import children, free_port, process_env, start, stop, wait_for
from tests.signing import signed
from zalo_oa.db import is_postgres
from zalo_oa.delivery import outbox
from zalo_oa.models import Citizen, InboundEvent, OutboxMessage, utcnow
from zalo_oa.sandbox.models import SandboxMessage, SandboxUser

WEB_WORKERS = 2
HEALTH_TOKEN = "monitor-token"
OUTAGE_LINE = re.compile(r"database (unavailable|available again)")
DROPPED_LINE = re.compile(r"connection already closed|server closed the connection|"
                          r"terminating connection")


class Service:
    """`zalo-oa serve` (with the sandbox) and `zalo-oa worker` on the test's database."""

    def __init__(self, app, logs):
        self.app = app
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = process_env(app.config["DATABASE_URL"], self.url, ZALO_OA_POLL_SECONDS="0.1",
                          ZALO_OA_HEALTH_TOKEN=HEALTH_TOKEN)
        self.worker_log = logs / "worker.log"
        self.serve = start(["serve", "--port", str(port), "--workers", str(WEB_WORKERS)], env,
                           logs / "serve.log")
        self.worker = start(["worker"], env, self.worker_log)
        wait_for(self._ready, 30, "serve and worker to start")
        self.pids = self._pids()

    def _pids(self):
        return self.serve.pid, children(self.serve.pid), self.worker.pid

    def _ready(self):
        assert self.serve.poll() is None and self.worker.poll() is None, "a process exited"
        if len(children(self.serve.pid)) < WEB_WORKERS:
            return False
        try:
            health = self.health(timeout=2)
        except requests.ConnectionError:
            return False
        return health.status_code == 200 and health.json()["scheduler"]["ok"]

    def health(self, timeout=5):
        """/healthz as a monitor sees it: with the token, so with the details."""
        return requests.get(f"{self.url}/healthz", timeout=timeout,
                            headers={"Authorization": f"Bearer {HEALTH_TOKEN}"})

    def post_event(self, text_id):
        """Deliver a signed user_send_text event as Zalo does; return the response."""
        payload = load_payload("user_send_text.json")
        payload["message"]["msg_id"] = text_id
        payload["timestamp"] = str(int(time.time() * 1000))
        raw, headers = signed(self.app, payload)
        return requests.post(f"{self.url}/webhook/zalo", data=raw, headers=headers, timeout=10)

    def restarted(self):
        """What changed among the processes since they started (nothing, when all is well)."""
        if self.serve.poll() is not None or self.worker.poll() is not None:
            return "a process exited"
        return None if self._pids() == self.pids else f"{self.pids} became {self._pids()}"

    def outage_lines(self):
        """(outage start/end lines, other lines about dropped connections) in the worker log."""
        lines = self.worker_log.read_text().splitlines()
        outage = [line for line in lines if OUTAGE_LINE.search(line)]
        dropped = [line for line in lines if DROPPED_LINE.search(line) and line not in outage]
        return len(outage), len(dropped)

    def stop(self):
        for process in (self.worker, self.serve):
            stop(process)


@pytest.fixture
def service(app, tmp_path):
    with app.app_context():
        if not is_postgres():
            pytest.skip("needs PostgreSQL (ZALO_OA_TEST_DATABASE_URL)")
        known_citizen("2468000000000000001")  # the sender of the events posted below
        running = Service(app, tmp_path)
        try:
            yield running
        finally:
            running.stop()


def known_citizen(user_id):
    """A citizen the sandbox knows and may be messaged (within Zalo's window)."""
    SandboxUser.get_or_create(user_id=user_id, defaults={"user_id_by_app": f"a{user_id}",
                                                         "last_interaction_at": utcnow()})
    return Citizen.get_or_create(zalo_user_id=user_id,
                                 defaults={"last_interaction_at": utcnow()})[0]


def queue_notice(key, due_in=0.0):
    citizen = known_citizen(f"c-{key}")
    due = utcnow() + dt.timedelta(seconds=due_in)
    return outbox.queue(citizen.zalo_user_id, "notice", {"text": f"Thông báo {key}"},
                        citizen=citizen, dedupe_key=f"notice:{key}", due_at=due)


def stored(msg_id):
    return InboundEvent.select().where(InboundEvent.dedupe_key == f"user_send_text:{msg_id}")\
        .exists()


def sent(message):
    delivered = SandboxMessage.select().where(SandboxMessage.user_id == message.zalo_user_id)
    status = OutboxMessage.get_by_id(message.id).status
    return status == "sent" and delivered.exists()


def healthy(service):
    response = service.health()
    return response.status_code == 200 and response.json()["database"]["ok"]


def recovered_within(service, started, msg_id, message, limit):
    """Seconds from `started` until health, the stored event and the sent message are all
    back; fails past `limit`."""
    wait_for(lambda: healthy(service), limit, "/healthz 200")
    wait_for(lambda: stored(msg_id), limit, "the event stored")
    wait_for(lambda: sent(message), limit, "the queued message sent through the sandbox")
    return time.monotonic() - started


def warm_up(service):
    """One event and one message through both processes, so each holds pooled connections."""
    assert service.post_event("warm-up").status_code == 200
    message = queue_notice("warm-up")
    wait_for(lambda: sent(message), 15, "the warm-up message")


def test_serve_and_worker_heal_after_every_backend_is_terminated(service):
    warm_up(service)
    killed = terminate_backends(pg_name())
    started = time.monotonic()
    # A webhook that finds its connection dead reconnects and records the event at once.
    assert service.post_event("after-terminate").status_code == 200
    message = queue_notice("after-terminate")
    seconds = recovered_within(service, started, "after-terminate", message, 15)
    outage_lines, dropped_lines = service.outage_lines()
    print(f"terminated {len(killed)} backends; healthz, webhook and sending back after "
          f"{seconds:.2f} s; worker log: {outage_lines} outage lines, {dropped_lines} "
          f"dropped-connection lines")
    assert len(killed) >= 3  # serve's workers, the worker process, this test
    assert service.restarted() is None
    assert outage_lines <= 4 and dropped_lines <= 4


def test_serve_and_worker_wait_out_a_database_that_is_down_then_resume(service):
    warm_up(service)
    message = queue_notice("during-outage", due_in=1.0)
    with pg_down(pg_name()):
        down = service.health()
        refused = service.post_event("during-outage")
        time.sleep(4)  # the worker keeps trying, waiting longer each time
    started = time.monotonic()
    assert down.status_code == 503
    assert down.json()["database"]["ok"] is False and down.json()["database"]["reason"]
    assert refused.status_code == 503  # Zalo delivers it again later
    assert service.post_event("during-outage").status_code == 200  # Zalo's retry
    seconds = recovered_within(service, started, "during-outage", message, 15)
    outage_lines, dropped_lines = service.outage_lines()
    print(f"database back: healthz, webhook and sending back after {seconds:.2f} s; worker "
          f"log: {outage_lines} outage lines, {dropped_lines} dropped-connection lines")
    assert service.restarted() is None
    assert 1 <= outage_lines <= 4 and dropped_lines <= 4
