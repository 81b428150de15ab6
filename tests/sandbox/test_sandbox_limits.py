"""The sandbox's per-minute rate limit (-32) and added latency, set through /sandbox/config."""
import time

import requests

from tests.sandbox_helpers import TIMEOUT, oa_token, patch_citizen, sandbox, send_cs
from zalo_oa.sandbox import limits

__all__ = ["sandbox"]


def configure(server, **knobs):
    response = requests.post(f"{server.url}/sandbox/config", json=knobs, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def test_config_has_zalos_defaults_and_validates_changes(sandbox):
    url = f"{sandbox.url}/sandbox/config"
    defaults = requests.get(url, timeout=TIMEOUT).json()
    assert defaults == {"rate_limit_per_minute": 4000, "latency_ms": 0,
                        "webhook_timeout_ms": 2000, "webhook_retry_scale": 1.0,
                        "webhook_subscribed": True, "upload_ttl_seconds": 7 * 24 * 3600,
                        "article_review_seconds": 1800, "zns_daily_quota": 500,
                        "paid_quota": None, "zca_state": "ok",
                        "require_appsecret_proof": False, "oauth_callback": None,
                        "oa_violation": False}
    assert configure(sandbox, latency_ms=5) == {**defaults, "latency_ms": 5}
    assert configure(sandbox, paid_quota=3, zca_state="empty")["zca_state"] == "empty"
    assert configure(sandbox, paid_quota=None)["paid_quota"] is None
    for bad in ({}, {"latency_ms": -1}, {"rate_limit_per_minute": 0}, {"latency_ms": "5"},
                {"zca_state": "broke"}, {"webhook_subscribed": 1}, {"paid_quota": -1}):
        assert requests.post(url, json=bad, timeout=TIMEOUT).status_code == 400


def test_calls_past_the_limit_get_32_and_every_answer_carries_the_headers(sandbox):
    patch_citizen(sandbox, "u1")
    configure(sandbox, rate_limit_per_minute=3)
    # Stay inside one clock minute, so the whole test uses one counting window.
    if time.time() % 60 > 55:
        time.sleep(60 - time.time() % 60 + 0.1)
    answers = [requests.post(f"{sandbox.url}/sandbox/openapi/v3.0/oa/message/cs",
                             json={"recipient": {"user_id": "u1"}, "message": {"text": "hi"}},
                             headers={"access_token": oa_token(sandbox)}, timeout=TIMEOUT)
               for _ in range(4)]
    assert [a.json()["error"] for a in answers] == [0, 0, 0, -32]
    assert answers[3].json()["message"] == "Your application/OA reached limit call api"
    assert [a.headers["X-RateLimit-Remain"] for a in answers] == ["2", "1", "0", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"3"}


def test_the_count_is_per_clock_minute(app):
    with app.app_context():
        assert [limits.count_call(now=600.0) for _ in range(3)] == [1, 2, 3]
        assert limits.count_call(now=660.0) == 1


def test_latency_slows_oa_api_and_zns_calls(sandbox):
    patch_citizen(sandbox, "u1")
    token = oa_token(sandbox)
    configure(sandbox, latency_ms=300)
    started = time.monotonic()
    assert send_cs(sandbox, "u1", {"text": "hi"}, token=token)["error"] == 0
    requests.post(f"{sandbox.url}/sandbox/zns/message/template", json={},
                  headers={"access_token": token}, timeout=TIMEOUT)
    assert time.monotonic() - started >= 0.6
    configure(sandbox, latency_ms=0)
    started = time.monotonic()
    send_cs(sandbox, "u1", {"text": "hi"}, token=token)
    assert time.monotonic() - started < 0.3
