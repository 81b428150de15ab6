"""Sending queued messages through the real client and the sandbox over HTTP."""
import datetime as dt
import time

import pytest
import requests

from zalo_oa.delivery import clients, dispatcher, outbox
from zalo_oa.delivery import sender as sending
from zalo_oa.delivery.messages import Reply
from zalo_oa.intake.citizens import touch
from zalo_oa.models import Citizen, OutboxMessage, utcnow
from zalo_oa.timeutil import to_local, to_utc_naive


@pytest.fixture
def server(live_server_factory):
    return live_server_factory(with_scheduler=False)


@pytest.fixture
def sender(server):
    with server.app.app_context():
        yield clients.make_sender(server.app)


@pytest.fixture
def citizen(server):
    with server.app.app_context():
        requests.patch(f"{server.url}/sandbox/citizens/u-1", timeout=5, json={
            "display_name": "An", "last_message_at": int(time.time() * 1000)})
        yield touch("u-1", utcnow(), True)


def sandbox_inbox(server, user="u-1"):
    return requests.get(f"{server.url}/sandbox/citizens/{user}/messages", timeout=5).json()


def fault(server, **spec):
    requests.post(f"{server.url}/sandbox/faults", json=spec, timeout=5).raise_for_status()


def age(server, citizen, days):
    """Make both sides believe the citizen last wrote `days` ago."""
    when = utcnow() - dt.timedelta(days=days)
    Citizen.update(last_interaction_at=when).where(Citizen.id == citizen.id).execute()
    millis = int(when.replace(tzinfo=dt.UTC).timestamp() * 1000)
    requests.patch(f"{server.url}/sandbox/citizens/{citizen.zalo_user_id}", timeout=5,
                   json={"last_interaction_at": millis, "last_message_at": millis}
                   ).raise_for_status()


def row(message):
    return OutboxMessage.get_by_id(message.id)


def push(citizen, template="status_in_progress"):
    [message] = outbox.queue_replies(citizen, [Reply(template, {
        "code": "PA-2611-000001", "note": "", "department": "Đội A", "due_date": "05/12/2026",
        "category": "Cây xanh", "status": "Đang xử lý", "reason": "", "target": ""})])
    return message


def test_messages_are_sent_in_order_with_zalo_message_ids(server, sender, citizen):
    outbox.queue_replies(citizen, [Reply("help", {"has_draft": False}),
                                   Reply("menu", {"has_draft": False})], key="t")
    assert dispatcher.send_due(sender) == 2
    rows = list(OutboxMessage.select().order_by(OutboxMessage.id))
    assert [(r.status, r.channel, r.cost_class) for r in rows] == [("sent", "cs", "free")] * 2
    assert [m["message_id"] for m in sandbox_inbox(server)] == [r.zalo_message_id for r in rows]


def test_only_the_oldest_message_of_a_citizen_is_leased_at_a_time(server, citizen):
    first, _second = outbox.queue_replies(citizen, [Reply("help", {"has_draft": False}),
                                                   Reply("cancelled")])
    assert [m.id for m in outbox.claim_due(limit=10)] == [first.id]
    assert outbox.claim_due(limit=10) == []


def test_the_same_dedupe_key_queues_once(citizen):
    user = citizen.zalo_user_id
    assert outbox.queue(user, "x", {"text": "a"}, citizen=citizen, dedupe_key="k1") is not None
    assert outbox.queue(user, "x", {"text": "a"}, citizen=citizen, dedupe_key="k1") is None
    assert OutboxMessage.select().count() == 1


def test_a_burst_of_503s_is_retried_later_not_dropped(server, sender, citizen):
    fault(server, path="/v3.0/oa/message/cs", http_status=503, count=3)
    message = push(citizen)
    for attempt in range(1, 4):
        dispatcher.send_due(sender)
        assert (row(message).status, row(message).attempts) == ("pending", attempt)
        assert row(message).last_error.startswith("http_503")
        assert row(message).due_at > utcnow()
        OutboxMessage.update(due_at=utcnow()).execute()
    dispatcher.send_due(sender)
    assert row(message).status == "sent"
    assert len(sandbox_inbox(server)) == 1


def test_a_retry_past_the_maximum_age_fails_with_the_reason(server, sender, citizen):
    fault(server, path="/v3.0/oa/message/cs", http_status=503, count=1)
    message = push(citizen)
    OutboxMessage.update(expires_at=utcnow()).execute()
    dispatcher.send_due(sender)
    assert row(message).status == "failed"
    assert "gave up after 1 attempts: http_503" in row(message).last_error


def test_an_expired_token_is_refreshed_once_and_the_message_sent(server, sender, citizen):
    from zalo_oa.models import OAToken

    old = OAToken.get().access_token
    requests.post(f"{server.url}/sandbox/tokens/expire", json={"access_token": old},
                  timeout=5).raise_for_status()
    message = push(citizen)
    dispatcher.send_due(sender)
    assert row(message).status == "sent"
    assert OAToken.get().access_token != old


def test_a_rate_limit_answer_pauses_sending_and_loses_nothing(server, sender, citizen):
    fault(server, path="/v3.0/oa/message/cs", error=-32, count=1)
    message = push(citizen)
    started = time.monotonic()
    dispatcher.send_due(sender)
    assert time.monotonic() - started >= 0.9  # every sender waited out the pause
    # Sent on the second try; the refused try is not held against the message.
    assert (row(message).status, row(message).attempts) == ("sent", 1)
    assert len(sandbox_inbox(server)) == 1


def test_billed_window_is_recorded_as_billed(server, sender, citizen):
    age(server, citizen, 3)
    message = push(citizen)
    dispatcher.send_due(sender)
    assert (row(message).channel, row(message).cost_class) == ("cs", "billed")


def test_outside_the_window_a_zbs_template_is_used(server, sender, citizen):
    age(server, citizen, 8)
    message = push(citizen, "status_in_progress")
    dispatcher.send_due(sender)
    assert (row(message).status, row(message).channel, row(message).cost_class) == \
        ("sent", "template", "template")
    [sent] = sandbox_inbox(server)
    assert sent["api"] == "template"
    assert "PA-2611-000001" in str(sent["payload"]["template_data"])


def test_outside_the_window_zns_by_phone_when_only_zns_is_configured(server, sender, citizen):
    age(server, citizen, 8)
    citizen.phone = "84912345678"
    citizen.save()
    kind, template = next((k, t) for k, t in sender.templates.items()
                          if t.get("zns_template_id"))
    sender.templates = {kind: {**template, "zbs_template_id": None}}
    message = push(citizen, kind)
    dispatcher.send_due(sender)
    assert (row(message).status, row(message).channel, row(message).cost_class) == \
        ("sent", "zns", "zns")
    # The sandbox files ZNS messages under the phone number they were sent to.
    [sent] = sandbox_inbox(server, "phone:84912345678")
    assert sent["api"] == "zns" and sent["payload"]["phone"] == "84912345678"


def test_outside_the_window_without_a_template_is_undeliverable(server, sender, citizen):
    age(server, citizen, 8)
    [message] = outbox.queue_replies(citizen, [Reply("cancelled")])
    dispatcher.send_due(sender)
    assert row(message).status == "undeliverable"
    assert row(message).last_error == "undeliverable: outside the 7-day window and no template"
    assert sandbox_inbox(server) == []


def test_zalo_refusing_the_window_falls_back_to_a_template(server, sender, citizen):
    # Our clock says 6 days; Zalo's says 8: Zalo's -230 wins.
    age(server, citizen, 8)
    Citizen.update(last_interaction_at=utcnow() - dt.timedelta(days=6)).execute()
    message = push(citizen)
    dispatcher.send_due(sender)
    assert (row(message).status, row(message).channel) == ("sent", "template")


def test_unfollowed_or_withdrawn_citizens_are_skipped(server, sender, citizen):
    Citizen.update(unfollowed_at=utcnow(), is_follower=False).execute()
    message = push(citizen)
    dispatcher.send_due(sender)
    assert row(message).status == "skipped"


def test_pushes_wait_out_the_night_but_replies_do_not(server, citizen):
    server.app.config["QUIET_HOURS"] = "22:00-06:00"
    night = to_utc_naive(to_local(utcnow()).replace(hour=23, minute=30))
    pushed = outbox.queue(citizen.zalo_user_id, "x", {"text": "a"}, citizen=citizen,
                          urgent=False, due_at=night)
    replied = outbox.queue(citizen.zalo_user_id, "x", {"text": "b"}, citizen=citizen,
                           urgent=True, due_at=night)
    assert to_local(pushed.due_at).hour == 6 and pushed.due_at > night
    assert replied.due_at == night


def test_a_push_due_in_quiet_hours_is_held_until_morning(server, sender, citizen, monkeypatch):
    server.app.config["QUIET_HOURS"] = "22:00-06:00"
    night = to_utc_naive(to_local(utcnow()).replace(hour=2, minute=0))
    monkeypatch.setattr(sending, "utcnow", lambda: night)
    message = outbox.queue(citizen.zalo_user_id, "x", {"text": "a"}, citizen=citizen,
                           urgent=True)
    OutboxMessage.update(urgent=False, due_at=night).execute()
    outbox.claim_due(now=night)
    sender.send(OutboxMessage.get_by_id(message.id))
    held = row(message)
    assert held.status == "pending" and to_local(held.due_at).hour == 6
    assert sandbox_inbox(server) == []


def test_a_stale_lease_is_taken_over_after_a_crash(server, citizen):
    message = push(citizen)
    assert [m.id for m in outbox.claim_due()] == [message.id]
    assert outbox.claim_due() == []  # leased: another sender must not take it
    later = utcnow() + dt.timedelta(seconds=server.app.config["SEND_LEASE_SECONDS"] + 1)
    assert [m.id for m in outbox.claim_due(now=later)] == [message.id]


def test_each_takeover_of_a_lost_lease_is_counted_and_shown_on_healthz(server, citizen):
    message = push(citizen)
    outbox.claim_due()
    later = utcnow() + dt.timedelta(seconds=server.app.config["SEND_LEASE_SECONDS"] + 1)
    assert [m.id for m in outbox.claim_due(now=later)] == [message.id]
    assert row(message).resends == 1 and row(message).attempts == 2
    server.app.config["HEALTH_TOKEN"] = "t"
    health = requests.get(f"{server.url}/healthz", headers={"Authorization": "Bearer t"},
                          timeout=5).json()
    assert health["outbox_resent_after_lost_lease"] == 1


def test_a_lost_lease_with_zalos_message_id_recorded_is_not_sent_again(server, citizen):
    message = push(citizen)
    outbox.claim_due()
    OutboxMessage.update(zalo_message_id="zalo-1").where(OutboxMessage.id == message.id).execute()
    later = utcnow() + dt.timedelta(seconds=server.app.config["SEND_LEASE_SECONDS"] + 1)
    assert outbox.claim_due(now=later) == []
    assert row(message).status == "sent" and row(message).resends == 0


def test_a_second_sender_finishing_keeps_the_first_message_id(server, citizen, sender, caplog):
    message = push(citizen)
    [first] = outbox.claim_due()
    later = utcnow() + dt.timedelta(seconds=server.app.config["SEND_LEASE_SECONDS"] + 1)
    [second] = outbox.claim_due(now=later)
    sender.send(second)
    sent_id = row(message).zalo_message_id
    route = sender.route(first, citizen)
    outbox.mark_sent(first, route, "a-later-id")
    assert row(message).zalo_message_id == sent_id and "sent twice" in caplog.text
