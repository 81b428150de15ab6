"""Sending queued messages through the real client and the sandbox over HTTP."""
import datetime as dt

import pytest
import requests

from zalo_oa import outbox, scheduler
from zalo_oa.citizens import touch
from zalo_oa.messages import Reply
from zalo_oa.models import OutboxMessage, utcnow


@pytest.fixture
def server(live_server_factory):
    return live_server_factory(with_scheduler=False)


@pytest.fixture
def ctx(server):
    with server.app.app_context():
        requests.patch(f"{server.url}/sandbox/citizens/u-1", json={"display_name": "An"},
                       timeout=5)
        yield scheduler.make_client(server.app), touch("u-1", utcnow(), True)


def fault(server, **spec):
    requests.post(f"{server.url}/sandbox/faults", json=spec, timeout=5).raise_for_status()


def test_sent_messages_keep_zalo_message_id_in_order(server, ctx):
    client, citizen = ctx
    outbox.queue_replies(citizen, [Reply("help", {"has_draft": False}), Reply("menu", {
        "has_draft": False})], key="t")
    assert outbox.dispatch_due(client) == 2
    rows = list(OutboxMessage.select().order_by(OutboxMessage.id))
    assert [r.status for r in rows] == ["sent", "sent"]
    assert all(r.zalo_message_id for r in rows)
    inbox = requests.get(f"{server.url}/sandbox/citizens/u-1/messages", timeout=5).json()
    assert [m["message_id"] for m in inbox] == [r.zalo_message_id for r in rows]


def test_the_same_dedupe_key_queues_once(ctx):
    _, citizen = ctx
    user = citizen.zalo_user_id
    assert outbox.queue(user, "x", {"text": "a"}, citizen=citizen, dedupe_key="k1") is not None
    assert outbox.queue(user, "x", {"text": "a"}, citizen=citizen, dedupe_key="k1") is None
    assert OutboxMessage.select().count() == 1


def test_http_503_is_retried_later_not_dropped(server, ctx):
    client, citizen = ctx
    fault(server, path="/v3.0/oa/message/cs", http_status=503, count=1)
    [row] = outbox.queue_replies(citizen, [Reply("cancelled")])
    outbox.dispatch_due(client)
    row = OutboxMessage.get_by_id(row.id)
    assert row.status == "pending" and row.attempts == 1
    assert row.last_error.startswith("http_503")
    assert row.due_at > utcnow()
    outbox.dispatch_due(client)  # not due yet: nothing sent
    assert OutboxMessage.get_by_id(row.id).status == "pending"
    OutboxMessage.update(due_at=utcnow()).execute()
    outbox.dispatch_due(client)
    assert OutboxMessage.get_by_id(row.id).status == "sent"


def test_outside_the_window_is_marked_undeliverable(server, ctx):
    client, citizen = ctx
    eight_days_ago = (utcnow() - dt.timedelta(days=8)).replace(tzinfo=dt.UTC)
    requests.patch(f"{server.url}/sandbox/citizens/u-1",
                   json={"last_interaction_at": int(eight_days_ago.timestamp() * 1000)},
                   timeout=5)
    [row] = outbox.queue_replies(citizen, [Reply("cancelled")])
    outbox.dispatch_due(client)
    row = OutboxMessage.get_by_id(row.id)
    assert row.status == "undeliverable"
    assert row.last_error.startswith("-230")


def test_a_stale_lease_is_taken_over_after_a_crash(server, ctx):
    _client, citizen = ctx
    [row] = outbox.queue_replies(citizen, [Reply("cancelled")])
    assert [m.id for m in outbox.claim_due()] == [row.id]
    assert outbox.claim_due() == []  # leased: another worker must not take it
    later = utcnow() + outbox.LEASE + dt.timedelta(seconds=1)
    assert [m.id for m in outbox.claim_due(now=later)] == [row.id]
