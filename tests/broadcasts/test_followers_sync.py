"""Follower sync against the sandbox over HTTP: paging by 50, offset limit, period slices."""
import datetime as dt

import pytest
import requests

from zalo_oa.broadcasts import channel, followers_sync
from zalo_oa.models import Broadcast, Citizen, OAToken, utcnow
from zalo_oa.sandbox.models import SandboxUser
from zalo_oa.zalo.client import ZaloClient

TIMEOUT = 10


@pytest.fixture
def sandbox(live_server_factory):
    return live_server_factory(with_scheduler=False)


def make_users(server, count, days_ago=0, follower=True, start=0):
    at = utcnow() - dt.timedelta(days=days_ago)
    with server.app.app_context():
        SandboxUser.insert_many([{"user_id": f"7{start + i:08d}", "user_id_by_app": "x",
                                  "is_follower": follower, "last_interaction_at": at}
                                 for i in range(count)]).execute()


def client_of(server):
    with server.app.app_context():
        token = OAToken.get().access_token
    return ZaloClient(f"{server.url}/sandbox/openapi", lambda: token, timeout=TIMEOUT)


def getlist(server, **query):
    import json

    with server.app.app_context():
        token = OAToken.get().access_token
    return requests.get(f"{server.url}/sandbox/openapi/v3.0/oa/user/getlist", timeout=TIMEOUT,
                        params={"data": json.dumps(query)},
                        headers={"access_token": token}).json()


def test_sync_imports_every_follower_page_by_page(sandbox):
    make_users(sandbox, 120)
    make_users(sandbox, 5, follower=False, start=500)
    seen = []
    with sandbox.app.app_context():
        assert followers_sync.sync(client_of(sandbox), lambda d, t: seen.append((d, t))) == 120
        assert Citizen.select().where(Citizen.is_follower).count() == 120
    assert seen[-1] == (120, 120) and len(seen) == 3


def test_sync_slices_by_day_when_the_base_is_beyond_the_offset_limit(sandbox, monkeypatch):
    monkeypatch.setattr(followers_sync, "REACHABLE", 60)
    make_users(sandbox, 40, days_ago=0)
    make_users(sandbox, 45, days_ago=2, start=100)
    with sandbox.app.app_context():
        assert followers_sync.sync(client_of(sandbox), max_days=5) == 85
        assert Citizen.select().count() == 85


def test_the_sandbox_refuses_more_than_50_a_page_or_an_offset_past_9951(sandbox):
    assert getlist(sandbox, offset=0, count=51)["error"] == -201
    assert getlist(sandbox, offset=9952, count=50)["error"] == -201
    assert getlist(sandbox, offset=9951, count=50)["error"] == 0


def test_the_sandbox_filters_by_last_interaction_period(sandbox):
    make_users(sandbox, 3, days_ago=0)
    make_users(sandbox, 2, days_ago=3, start=10)
    assert getlist(sandbox, count=50, last_interaction_period="TODAY")["data"]["total"] == 3
    assert getlist(sandbox, count=50, last_interaction_period="L7D")["data"]["total"] == 5


def test_the_sandbox_broadcasts_articles_only(sandbox):
    from zalo_oa.zalo import followers_api
    from zalo_oa.zalo.errors import ZaloError

    client = client_of(sandbox)
    assert followers_api.broadcast_article(client, "article-1", {"cities": "4"})["message_id"]
    with pytest.raises(ZaloError):
        client._call("POST", followers_api.BROADCAST_PATH, json={
            "recipient": {"target": {}}, "message": {"text": "hi"}})


def test_an_article_broadcast_goes_through_zalo_and_ends_the_broadcast(sandbox):
    from zalo_oa.broadcasts import service

    client = client_of(sandbox)
    with sandbox.app.app_context():
        item = service.save_draft({"title": "Tin mới", "body": "Xem bài viết", "article_id": "a1",
                                   "channel": "article", "audience": {"all": True}})
        channel.send_article(item, client, utcnow())
        item = Broadcast.get_by_id(item.id)
    assert (item.status, item.channel) == ("done", "article") and item.finished_at
