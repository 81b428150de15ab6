"""Announcements by the channels Zalo intends, sent through the strict sandbox: a ZBS
"truyền thông" template per follower, free cs only for an emergency inside 48 h, or Zalo's
own article broadcast (reviewed, capped); the review page shows each route and its VND."""
import datetime as dt

import pytest
import requests

from tests.factories import login, make_staff
from zalo_oa.broadcasts import channel, service
from zalo_oa.delivery import clients, dispatcher
from zalo_oa.intake.citizens import touch
from zalo_oa.models import Broadcast, OutboxMessage, utcnow

TIMEOUT = 10


@pytest.fixture
def server(live_server_factory):
    server = live_server_factory(with_scheduler=False)
    with server.app.app_context():
        yield server


def follower(server, user_id, hours_ago):
    when = utcnow() - dt.timedelta(hours=hours_ago)
    millis = int(when.replace(tzinfo=dt.UTC).timestamp() * 1000)
    requests.patch(f"{server.url}/sandbox/citizens/{user_id}", timeout=TIMEOUT, json={
        "is_follower": True, "last_interaction_at": millis, "last_message_at": millis})
    citizen = touch(user_id, when, True)
    citizen.is_follower = True
    citizen.save()
    return citizen


def apis(server, user_id):
    answer = requests.get(f"{server.url}/sandbox/citizens/{user_id}/messages", timeout=TIMEOUT)
    return [m["api"] for m in answer.json()]


def send(server, **fields):
    broadcast = service.save_draft({"title": "Ngập sâu đường Nguyễn Hữu Cảnh",
                                    "body": "Người dân hạn chế đi qua từ 17h đến 20h.",
                                    "audience": {"all": True}, **fields})
    service.send_now(broadcast)
    service.run_due()
    dispatcher.send_due(clients.make_sender(server.app))
    return broadcast


def test_an_ordinary_announcement_goes_by_the_zbs_template_to_everyone(server):
    follower(server, "recent", 3)
    follower(server, "older", 72)
    send(server)
    assert apis(server, "recent") == ["template"] and apis(server, "older") == ["template"]
    costs = {m.cost_class for m in OutboxMessage.select()}
    assert costs == {"template"}


def test_an_emergency_uses_free_cs_inside_48_hours_and_the_template_after(server):
    follower(server, "recent", 3)
    follower(server, "older", 72)
    send(server, emergency=True)
    assert apis(server, "recent") == ["cs"] and apis(server, "older") == ["template"]
    recent = OutboxMessage.get(OutboxMessage.zalo_user_id == "recent")
    assert (recent.cost_class, recent.quota_type, recent.cost_vnd) == ("free", "reply", 0)


def test_an_article_goes_to_zalos_review_and_the_caps_are_shown(server):
    follower(server, "f1", 3)
    broadcast = service.save_draft({"title": "Lịch cúp điện", "body": "Xem bài viết",
                                    "audience": {"all": True}, "article_id": "art-77",
                                    "channel": "article"})
    channel.send_article(broadcast, clients.make_client(server.app), utcnow())
    assert Broadcast.get_by_id(broadcast.id).status == "done"
    assert apis(server, "f1") == []  # Zalo reviews it first
    listed = requests.get(f"{server.url}/sandbox/articles", timeout=TIMEOUT).json()
    assert listed[0]["article_id"] == "art-77" and listed[0]["status"] == "in_review"
    assert channel.articles_sent(utcnow())["today"] == 1


def test_the_review_page_shows_each_route_with_its_money(server):
    follower(server, "recent", 3)
    follower(server, "older", 72)
    make_staff()
    client = server.app.test_client()
    login(client)
    broadcast = service.save_draft({"title": "Cúp nước", "body": "8-12h",
                                    "audience": {"all": True}, "emergency": True,
                                    "article_id": "art-1"})
    page = client.get(f"/broadcasts/review?id={broadcast.id}").get_data(as_text=True)
    assert 'data-route="cs_free"' in page and 'data-route="template"' in page
    assert 'id="total-vnd">165 ₫' in page
    assert "Tin tư vấn miễn phí" in page and "1 bài/ngày, 4 bài/tháng" in page


def test_followers_zalo_no_longer_counts_are_skipped_with_zalos_reason(server):
    follower(server, "still", 3)
    follower(server, "left", 3)
    follower(server, "closed", 3)
    requests.patch(f"{server.url}/sandbox/citizens/left", json={"is_follower": False},
                   timeout=TIMEOUT)
    requests.patch(f"{server.url}/sandbox/citizens/closed", timeout=TIMEOUT,
                   json={"is_follower": False, "blocks_invitations": True})
    broadcast = send(server)
    report = service.progress(broadcast)
    assert (report["sent"], report["failed"]) == (1, 2)
    reasons = dict(report["reasons"])
    assert any(r.startswith("-213") for r in reasons) and any(r.startswith("-217")
                                                               for r in reasons)
    assert OutboxMessage.select().where(OutboxMessage.status == "pending").count() == 0
