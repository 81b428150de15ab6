"""The sandbox is fenced to the demo and tests: it refuses to start beside a public URL (unless
overridden, loudly), answers loopback clients only, posts only where the settings say, and
every dashboard page and /healthz say SANDBOX while it is on."""
import logging

import pytest
import requests

from tests.sandbox_helpers import Receiver
from zalo_oa import config, create_app
from zalo_oa.config import SettingsError, is_loopback_url
from zalo_oa.models import InboundEvent
from zalo_oa.sandbox.fence import is_loopback


@pytest.mark.parametrize("setting", ["PUBLIC_URL", "SANDBOX_WEBHOOK_URL"])
def test_the_sandbox_refuses_to_start_beside_a_public_url(database_url, setting):
    with pytest.raises(SettingsError, match="loopback"):
        create_app({"DATABASE_URL": database_url, "SANDBOX": True, "SECRET_KEY": "k",
                    setting: "https://oa.city.gov.vn/webhook/zalo"})


def test_an_explicit_override_lets_it_start_and_is_logged_loudly(database_url, caplog):
    caplog.set_level(logging.WARNING, logger="zalo_oa.config")
    app = create_app({"DATABASE_URL": database_url, "SANDBOX": True, "SECRET_KEY": "k",
                      "PUBLIC_URL": "http://192.168.1.20:5000", "SANDBOX_ALLOW_PUBLIC": True})
    assert app.config["SANDBOX"]
    assert "SANDBOX ON BESIDE A PUBLIC URL" in caplog.text


def test_own_ids_and_secrets_with_a_loopback_url_are_no_reason_to_refuse(make_app):
    app = make_app(ZALO_APP_ID="my-app", ZALO_OA_ID="my-oa", ZALO_OA_SECRET_KEY="my-secret",
                   ZALO_APP_SECRET="my-app-secret", PUBLIC_URL="http://localhost:8123")
    assert app.config["ZALO_OA_SECRET_KEY"] == "my-secret"


def test_production_with_a_public_url_and_no_sandbox_starts(database_url):
    app = create_app({"DATABASE_URL": database_url, "SANDBOX": False, "SECRET_KEY": "k",
                      "PUBLIC_URL": "https://oa.city.gov.vn"})
    assert not app.config["SANDBOX"]


@pytest.mark.parametrize(("url", "loopback"), [
    ("http://127.0.0.1:5000", True), ("http://127.8.9.1", True), ("http://[::1]:80/", True),
    ("http://localhost:5000", True), ("https://oa.city.gov.vn", False),
    ("http://10.0.0.5:5000", False), ("http://127.0.0.1.evil.example", False), ("", False),
])
def test_which_urls_are_loopback(url, loopback):
    assert is_loopback_url(url) is loopback


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("::1", True), ("::ffff:127.0.0.1", True), ("10.1.2.3", False),
    ("203.0.113.9", False), ("", False), (None, False),
])
def test_which_client_addresses_are_loopback(address, loopback):
    assert is_loopback(address) is loopback


@pytest.mark.parametrize("path", ["/sandbox/citizens/u1/events", "/sandbox/config",
                                  "/sandbox/faults"])
def test_sandbox_routes_refuse_clients_that_are_not_loopback(app, path):
    client = app.test_client()
    form = {"event_name": "user_send_text", "text": "x"}
    remote = client.post(path, json=form, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    relayed = client.post(path, json=form, headers={"X-Forwarded-For": "203.0.113.9"})
    assert remote.status_code == relayed.status_code == 403
    assert client.get("/sandbox/phone",
                      environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403
    with app.app_context():
        assert InboundEvent.select().count() == 0


def test_sandbox_routes_answer_loopback_clients(sandbox_server):
    assert requests.get(f"{sandbox_server.url}/sandbox/phone", timeout=5).status_code == 200


@pytest.fixture
def sandbox_server(live_server_factory):
    return live_server_factory(with_scheduler=False)


def test_the_host_header_never_decides_where_a_signed_event_goes(app, monkeypatch):
    """No PUBLIC_URL: the sandbox posts to the local default, not to the Host it was asked."""
    ours, elsewhere = Receiver(), Receiver()
    try:
        monkeypatch.setattr(config, "DEFAULT_LOCAL_URL", ours.url.rsplit("/", 1)[0])
        host = elsewhere.url.split("/")[2]
        response = app.test_client().post("/sandbox/citizens/u1/events", headers={"Host": host},
                                          json={"event_name": "user_send_text", "text": "hi"})
        assert response.status_code == 200
        assert elsewhere.deliveries == []
        assert len(ours.deliveries) == 1
    finally:
        ours.stop()
        elsewhere.stop()


def test_sandbox_shows_on_every_dashboard_page_and_on_healthz(app, make_app):
    client = app.test_client()
    assert "SANDBOX" in client.get("/login").get_data(as_text=True)
    assert client.get("/healthz").get_json()["sandbox"] is True


def test_no_sandbox_banner_without_the_sandbox(make_app):
    client = make_app(SANDBOX=False).test_client()
    assert 'id="sandbox-banner"' not in client.get("/login").get_data(as_text=True)
    assert client.get("/healthz").get_json()["sandbox"] is False
    assert client.get("/sandbox/phone").status_code == 404
