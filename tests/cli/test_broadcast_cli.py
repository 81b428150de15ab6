"""The operators' commands for announcements, run as real processes against a live service."""

import requests

from tests.processes import run_command


def follow(server, *users):
    for user in users:
        requests.post(f"{server.url}/sandbox/citizens/{user}/events",
                      json={"event_name": "follow"}, timeout=5).raise_for_status()


def test_broadcast_send_reaches_every_follower_once_and_reports(live_server):
    follow(live_server, "f1", "f2")
    result = run_command(live_server, "broadcast", "send", "--title", "Cúp nước",
                         "--body", "Khu vực Bến Thành cúp nước từ 8h đến 12h ngày mai.")
    assert result.returncode == 0, result.stderr
    assert "done: 2 sent, 0 failed" in result.stdout
    for user in ("f1", "f2"):
        inbox = requests.get(f"{live_server.url}/sandbox/citizens/{user}/messages",
                             timeout=5).json()
        # An announcement is news: Zalo's ZBS "truyền thông" template, not a cs message.
        news = [m for m in inbox if m["api"] == "template"]
        assert [m["payload"]["template_data"]["tieu_de"] for m in news] == ["Cúp nước"]
        assert news[0]["payload"]["template_id"] == "zbs-announcement"
        assert not any("Cúp nước" in m["payload"].get("message", {}).get("text", "")
                       for m in inbox)


def test_followers_sync_imports_the_oas_followers(live_server):
    from zalo_oa.models import Citizen, utcnow
    from zalo_oa.sandbox.models import SandboxUser

    with live_server.app.app_context():
        # Followers Zalo knows of but this service has never heard from.
        SandboxUser.insert_many([{"user_id": f"g{i}", "user_id_by_app": f"a{i}",
                                  "is_follower": True, "last_interaction_at": utcnow()}
                                 for i in range(120)]).execute()
    result = run_command(live_server, "followers", "sync")
    assert result.returncode == 0, result.stderr
    assert "120 followers imported" in result.stdout
    with live_server.app.app_context():
        assert Citizen.select().where(Citizen.is_follower).count() == 120
