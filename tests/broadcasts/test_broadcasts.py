"""Broadcasts: fan-out exactly once per citizen, lifecycle, scheduling, split, quiet hours."""
import datetime as dt
from unittest import mock

import pytest

from zalo_oa.broadcasts import service
from zalo_oa.errors import Refused
from zalo_oa.models import Broadcast, Citizen, OutboxMessage, utcnow
from zalo_oa.timeutil import to_local


def make_citizens(count, **fields):
    fields.setdefault("is_follower", True)
    fields.setdefault("last_interaction_at", utcnow())
    start = Citizen.select().count()
    Citizen.insert_many([{"zalo_user_id": f"9{start + i:07d}", **fields}
                         for i in range(count)]).execute()


def make_broadcast(**fields):
    fields.setdefault("audience", {"all": True})
    return service.save_draft({"title": "Cúp nước", "body": "Phường Bến Thành cúp nước 8-12h",
                                  **fields})


def messages_of(broadcast):
    return OutboxMessage.select().where(OutboxMessage.broadcast == broadcast)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def test_fan_out_queues_one_message_per_citizen(ctx):
    make_citizens(25)
    make_citizens(3, announcements_off=True)
    broadcast = make_broadcast()
    assert service.fan_out(broadcast, batch=10)
    assert messages_of(broadcast).count() == 25
    first = messages_of(broadcast).order_by(OutboxMessage.id).first()
    assert first.payload["text"].startswith("Cúp nước")
    assert first.dedupe_key == f"bc:{broadcast.id}:{first.citizen_id}"
    assert first.params["template"] == "broadcast"
    assert Broadcast.get_by_id(broadcast.id).status == "sending"


def test_an_interrupted_fan_out_resumed_queues_each_citizen_exactly_once(ctx):
    make_citizens(35)
    broadcast = make_broadcast()
    service.send_now(broadcast)
    real = service._insert_batch
    calls = {"n": 0}

    def dies_on_third_batch(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return real(*args)

    with mock.patch.object(service, "_insert_batch", dies_on_third_batch), \
            pytest.raises(RuntimeError):
        service.fan_out(broadcast, batch=10)
    assert messages_of(broadcast).count() == 20
    service.run_due()
    service.run_due()
    keys = [m.dedupe_key for m in messages_of(broadcast)]
    assert len(keys) == len(set(keys)) == 35
    assert Broadcast.get_by_id(broadcast.id).recipients == 35


def test_pause_holds_resume_releases_and_cancel_drops_unsent_messages(ctx):
    make_citizens(4)
    broadcast = make_broadcast()
    service.send_now(broadcast)
    service.run_due()
    broadcast = Broadcast.get_by_id(broadcast.id)
    OutboxMessage.update(status="sent").where(
        OutboxMessage.id == messages_of(broadcast).first().id).execute()
    service.pause(broadcast)
    assert {m.status for m in messages_of(broadcast)} == {"sent", "paused"}
    service.resume(broadcast)
    assert broadcast.status == "sending"
    assert {m.status for m in messages_of(broadcast)} == {"sent", "pending"}
    service.cancel(broadcast)
    assert sorted(m.status for m in messages_of(broadcast)) == ["cancelled"] * 3 + ["sent"]


def test_pausing_during_fan_out_stops_it_and_resume_finishes_it(ctx):
    make_citizens(30)
    broadcast = make_broadcast()
    service.send_now(broadcast)
    service.pause(broadcast)
    assert not service.fan_out(broadcast, batch=10)
    service.resume(broadcast)
    assert broadcast.status == "queued"
    service.run_due()
    assert messages_of(broadcast).count() == 30


def test_a_scheduled_broadcast_is_queued_by_the_job_when_due_and_done_when_sent(ctx):
    make_citizens(2)
    at = dt.datetime(2026, 6, 1, 3, 0)  # 10:00 in the city
    broadcast = make_broadcast()
    service.schedule(broadcast, at)
    assert service.run_due(now=at - dt.timedelta(minutes=1)) == 0
    assert messages_of(broadcast).count() == 0
    assert service.run_due(now=at) == 1
    assert messages_of(broadcast).count() == 2
    OutboxMessage.update(status="sent").execute()
    service.run_due(now=at)
    assert Broadcast.get_by_id(broadcast.id).status == "done"


def test_emergency_goes_at_night_while_others_wait_for_six(ctx):
    ctx.config["QUIET_HOURS"] = "22:00-06:00"
    make_citizens(1)
    night = dt.datetime(2026, 6, 1, 16, 30)  # 23:30 in the city
    normal, urgent = make_broadcast(), make_broadcast(emergency=True)
    for broadcast in (normal, urgent):
        service.fan_out(broadcast, now=night)
    waiting, going = messages_of(normal).get(), messages_of(urgent).get()
    assert not waiting.urgent and to_local(waiting.due_at).hour == 6
    assert going.urgent and going.due_at == night


def routes(estimate):
    return {r["route"]: (r["count"], r["vnd"]) for r in estimate["routes"]}


def test_an_announcement_goes_by_the_zbs_template_never_by_consultation(ctx):
    now = utcnow()
    make_citizens(2, last_interaction_at=now - dt.timedelta(hours=3))
    make_citizens(3, last_interaction_at=now - dt.timedelta(days=3))
    make_citizens(4, last_interaction_at=now - dt.timedelta(days=30))
    estimate = service.estimate(make_broadcast(), now)
    assert routes(estimate) == {"cs_free": (0, 0), "template": (9, 9 * 165),
                                "unreachable": (0, 0)}
    assert estimate["total_vnd"] == 1485


def test_an_emergency_uses_free_consultation_inside_48_hours_only(ctx):
    now = utcnow()
    make_citizens(2, last_interaction_at=now - dt.timedelta(hours=3))
    make_citizens(3, last_interaction_at=now - dt.timedelta(days=3))
    estimate = service.estimate(make_broadcast(emergency=True), now)
    assert routes(estimate)["cs_free"] == (2, 0)
    assert routes(estimate)["template"] == (3, 3 * 165)


def test_without_a_template_an_announcement_is_refused_and_the_article_offered(ctx, tmp_path):
    ctx.config["TEMPLATES_FILE"] = str(tmp_path / "none.json")
    make_citizens(3, last_interaction_at=utcnow() - dt.timedelta(hours=1))
    broadcast = make_broadcast(article_id="article-1")
    assert routes(service.estimate(broadcast))["unreachable"] == (3, 0)
    with pytest.raises(Refused, match="no_channel"):
        service.send_now(broadcast)
    article = make_broadcast(article_id="article-1", channel="article")
    estimate = service.estimate(article)
    assert routes(estimate) == {"article": (3, 0)}
    assert estimate["article_caps"]["per_month"] == 4


def test_the_message_is_rendered_with_title_body_and_a_literal_button(ctx):
    broadcast = make_broadcast(button={"kind": "phone", "label": "Gọi tổng đài",
                                       "value": "84281022"})
    message = service.preview(broadcast)
    assert message["text"] == "Cúp nước\n\nPhường Bến Thành cúp nước 8-12h"
    button = message["attachment"]["payload"]["buttons"][0]
    assert button == {"title": "Gọi tổng đài", "type": "oa.open.phone",
                      "payload": {"phone_code": "84281022"}}


def test_progress_counts_and_the_failure_csv(ctx):
    make_citizens(3)
    broadcast = make_broadcast()
    service.fan_out(broadcast)
    first, second, _ = list(messages_of(broadcast).order_by(OutboxMessage.id))
    OutboxMessage.update(status="sent", sent_at=utcnow(), delivered_at=utcnow()).where(
        OutboxMessage.id == first.id).execute()
    OutboxMessage.update(status="undeliverable", last_error="outside the window").where(
        OutboxMessage.id == second.id).execute()
    report = service.progress(broadcast)
    assert (report["sent"], report["delivered"], report["failed"], report["left"]) == (1, 1, 1, 1)
    assert report["reasons"] == [("outside the window", 1)]
    assert "outside the window" in service.failures_csv(broadcast)


def test_a_draft_over_the_length_limit_is_refused(ctx):
    with pytest.raises(Refused, match="too_long"):
        make_broadcast(body="x" * 2000)
