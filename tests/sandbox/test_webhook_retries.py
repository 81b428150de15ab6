"""Zalo's webhook retry ladder in the sandbox, and the service coping with it: a delivery not
answered with 200 within 2 s is retried (30 s, 5 min, 15 min, 30 min, 1 h, scaled down here)
with a `num_retry` header; the service records the event once and answers every retry; after
the last failure the app's webhook subscription is cancelled until granted again."""
import threading
import time

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.sandbox_helpers import TIMEOUT, citizen_event
from zalo_oa import handlers
from zalo_oa.models import InboundEvent, OutboxMessage
from zalo_oa.sandbox import delivery
from zalo_oa.sandbox.models import SandboxEvent


class Relay:
    """A webhook on loopback in front of the service's: it forwards each delivery (raw body,
    signature, num_retry) and answers with the next scripted status, after `delay` seconds."""

    def __init__(self, statuses=(), delay=0.0):
        self.target, self.statuses, self.delay = None, list(statuses), delay
        self.seen = []

        @Request.application
        def app(request):
            headers = {k: v for k, v in request.headers.items()
                       if k.lower() in ("content-type", "x-zevent-signature", "num_retry")}
            self.seen.append(request.headers.get("num_retry"))
            answer = requests.post(self.target, data=request.get_data(), headers=headers,
                                   timeout=TIMEOUT)
            time.sleep(self.delay)
            status = self.statuses.pop(0) if self.statuses else answer.status_code
            return Response(answer.content, status=status)

        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/webhook/zalo"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        self._server.shutdown()


@pytest.fixture
def relayed(live_server_factory):
    """A live service whose sandbox delivers through a Relay; retries scaled to milliseconds."""
    made = []

    def start(**relay):
        hop = Relay(**relay)
        server = live_server_factory(with_scheduler=False, SANDBOX_WEBHOOK_URL=hop.url)
        hop.target = server.url + "/webhook/zalo"
        requests.post(f"{server.url}/sandbox/config", timeout=TIMEOUT,
                      json={"webhook_retry_scale": 0.0001, "webhook_timeout_ms": 2000})
        made.append(hop)
        return server, hop

    yield start
    for hop in made:
        hop.stop()


def run_retries(server, until, limit=300):
    """Play Zalo's clock: send each retry as soon as it is due, until `until()` holds."""
    with server.app.app_context():
        for _ in range(limit):
            if until():
                return
            time.sleep(0.01)
            delivery.retry_due(server.app.config)
    raise AssertionError("retries did not settle")


def event_row(server):
    with server.app.app_context():
        return SandboxEvent.select().order_by(SandboxEvent.id.desc()).first()


def test_a_webhook_answered_late_is_retried_with_num_retry_and_handled_once(relayed):
    server, hop = relayed(delay=0.3)
    requests.post(f"{server.url}/sandbox/config", json={"webhook_timeout_ms": 100},
                  timeout=TIMEOUT)
    answer = citizen_event(server, "u1", event_name="user_send_text", text="menu")
    assert answer.status_code == 502 and answer.json()["retry_at"]
    run_retries(server, lambda: event_row(server).next_retry_at is None)
    assert hop.seen == [None, "1", "2", "3", "4", "5"]
    with server.app.app_context():
        assert InboundEvent.select().count() == 1  # every retry was a duplicate
        handlers.process_pending()
        assert OutboxMessage.select().where(OutboxMessage.kind == "menu").count() == 1
    # After the last retry failed, Zalo cancels the app's webhook subscription.
    config = requests.get(f"{server.url}/sandbox/config", timeout=TIMEOUT).json()
    assert config["webhook_subscribed"] is False
    refused = citizen_event(server, "u1", event_name="user_send_text", text="còn đó không?")
    assert refused.status_code == 409 and "subscription" in refused.json()["error"]
    assert len(hop.seen) == 6
    requests.post(f"{server.url}/sandbox/config", json={"webhook_subscribed": True},
                  timeout=TIMEOUT)
    hop.delay = 0
    assert citizen_event(server, "u1", event_name="user_send_text",
                         text="trợ giúp").json()["webhook_status"] == 200


def test_a_failed_delivery_succeeds_on_a_later_rung_and_the_subscription_stays(relayed):
    server, hop = relayed(statuses=[503, 500])
    answer = citizen_event(server, "u2", event_name="user_send_text", text="menu")
    assert answer.json()["webhook_status"] == 503
    run_retries(server, lambda: event_row(server).next_retry_at is None)
    row = event_row(server)
    assert (row.retries, row.webhook_status) == (2, 200)
    assert hop.seen == [None, "1", "2"]
    config = requests.get(f"{server.url}/sandbox/config", timeout=TIMEOUT).json()
    assert config["webhook_subscribed"] is True
    with server.app.app_context():
        assert InboundEvent.select().count() == 1


def test_the_ladder_is_zalos_scaled_by_the_knob(relayed):
    server, _hop = relayed(statuses=[503])
    requests.post(f"{server.url}/sandbox/config", json={"webhook_retry_scale": 1.0},
                  timeout=TIMEOUT)
    citizen_event(server, "u3", event_name="user_send_text", text="menu")
    row = event_row(server)
    assert 29 <= (row.next_retry_at - row.sent_at).total_seconds() <= 31
    assert delivery.LADDER == (30, 300, 900, 1800, 3600)
