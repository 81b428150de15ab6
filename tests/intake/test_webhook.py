"""The webhook over real HTTP: signed events are recorded once; everything else is refused."""
import json
import logging

import pytest
import requests

from tests.factories import load_payload
from tests.outage_helpers import database_down
from tests.signing import deliver, mac, post_event, signed
from zalo_oa.models import InboundEvent


@pytest.fixture
def server(live_server_factory):
    # No scheduler: these tests look at what the webhook stored, before anything handles it.
    return live_server_factory(with_scheduler=False)


def stored(server):
    with server.app.app_context():
        return list(InboundEvent.select().order_by(InboundEvent.id))


def post_raw(server, raw, headers=None):
    return requests.post(server.url + "/webhook/zalo", data=raw, headers=headers or {},
                         timeout=5)


def test_signed_event_is_recorded_under_its_msg_id(server):
    response = post_event(server, load_payload("user_send_text.json"))
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    [row] = stored(server)
    assert row.dedupe_key == "user_send_text:96d3cdf3af150460909"
    assert row.zalo_user_id == "2468000000000000001"
    assert row.status == "pending"


def test_replayed_delivery_is_acknowledged_and_stored_once(server):
    payload = load_payload("user_send_text.json")
    raw, headers = signed(server.app, payload)
    first = post_raw(server, raw, headers)
    again = post_raw(server, raw, {**headers, "num_retry": "1"})
    assert first.status_code == again.status_code == 200
    assert again.json()["duplicate"] is True
    assert len(stored(server)) == 1


def test_event_without_msg_id_dedupes_on_name_user_and_timestamp(server):
    follow = load_payload("follow.json")
    assert post_event(server, follow).status_code == 200
    assert post_event(server, follow).json()["duplicate"] is True
    later = dict(follow, timestamp="1764482999999")
    assert post_event(server, later).json() == {"ok": True}
    assert [r.dedupe_key for r in stored(server)] == [
        "follow:2468000000000000001:1764482400000", "follow:2468000000000000001:1764482999999"]


def test_signature_with_the_oa_id_is_accepted_and_logged(server, caplog):
    caplog.set_level(logging.INFO, logger="zalo_oa.intake.webhook")
    response = post_event(server, load_payload("user_send_text.json"),
                          signer=server.app.config["ZALO_OA_ID"])
    assert response.status_code == 200
    assert "oa_id variant" in caplog.text
    assert len(stored(server)) == 1


def test_forged_signature_is_refused_and_nothing_stored(server, caplog):
    response = post_event(server, load_payload("user_send_text.json"), secret="not-the-key")
    assert response.status_code == 403
    assert stored(server) == []
    assert "signature does not match" in caplog.text


def test_body_changed_after_signing_is_refused(server):
    raw, headers = signed(server.app, load_payload("user_send_text.json"))
    tampered = raw.replace("hỏng".encode(), "tốt".encode())
    assert post_raw(server, tampered, headers).status_code == 403
    assert stored(server) == []


def test_unsigned_event_is_refused(server):
    raw = json.dumps(load_payload("user_send_text.json")).encode()
    response = post_raw(server, raw, {"Content-Type": "application/json"})
    assert response.status_code == 401
    assert stored(server) == []


def test_unsigned_empty_probe_gets_200_and_stores_nothing(server):
    response = post_raw(server, b"{}", {"Content-Type": "application/json"})
    assert response.status_code == 200
    assert stored(server) == []


@pytest.mark.parametrize("body", [b"not json at all", b"[1, 2, 3]", b'{"timestamp": "1"',
                                  b"\xff\xfe\x00garbage"])
def test_malformed_bodies_get_a_4xx_never_a_500(server, body):
    app = server.app
    header = "mac=" + mac(app.config["ZALO_APP_ID"], body, "", app.config["ZALO_OA_SECRET_KEY"])
    response = post_raw(server, body, {"X-ZEvent-Signature": header})
    assert 400 <= response.status_code < 500
    assert stored(server) == []


@pytest.mark.parametrize("change", [
    {"event_name": None},
    {"sender": {}},
    {"message": "just a string"},
    {"event_name": "anonymous_send_text"},  # an anonymous message names its conversation
])
def test_signed_but_unusable_events_are_refused_with_400(server, change):
    payload = {**load_payload("user_send_text.json"), **change}
    payload = {k: v for k, v in payload.items() if v is not None}
    response = post_event(server, payload)
    assert response.status_code == 400
    assert stored(server) == []


def test_oversized_body_is_refused_with_413(server):
    payload = load_payload("user_send_text.json")
    payload["message"]["text"] = "x" * (257 * 1024)
    response = post_event(server, payload)
    assert response.status_code == 413
    assert stored(server) == []


def test_malformed_signature_header_is_refused(server):
    raw, headers = signed(server.app, load_payload("user_send_text.json"))
    headers["X-ZEvent-Signature"] = "mac=zz"
    assert post_raw(server, raw, headers).status_code == 403


def test_unknown_events_are_recorded_and_acknowledged(server):
    assert post_event(server, load_payload("unknown_event.json")).status_code == 200
    assert [r.event_name for r in stored(server)] == ["shop_has_order"]


def test_events_are_refused_with_503_while_the_database_is_down_then_recorded(app, client):
    payload = load_payload("user_send_text.json")
    with database_down():
        refused = deliver(client, app, payload)
    assert refused.status_code == 503  # Zalo delivers it again later; never a 500
    assert refused.get_json() == {"error": "database unavailable"}
    assert refused.headers["Retry-After"]
    retried = deliver(client, app, payload)
    assert retried.status_code == 200 and retried.get_json() == {"ok": True}
    with app.app_context():
        assert InboundEvent.select().count() == 1


def test_the_webhook_answers_in_front_of_flask_with_the_security_headers(server):
    """It is a WSGI layer of its own: the headers every Flask answer has are on its answers
    too, and a method other than POST is told so (405), not routed on."""
    response = post_event(server, load_payload("user_send_text.json"))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    got = requests.get(server.url + "/webhook/zalo", timeout=5)
    assert got.status_code == 405 and got.headers["Allow"] == "POST"
    assert got.json() == {"error": "method not allowed: POST only"}
    assert requests.get(server.url + "/webhook/zalo/more", timeout=5).status_code == 404


def test_a_bug_while_recording_is_a_logged_500_and_the_next_delivery_is_stored(
        app, client, monkeypatch, caplog):
    """Zalo retries a 500, so the event is not lost; the connection went back to the pool."""
    from zalo_oa.intake import inbox

    def broken(payload, text):
        raise RuntimeError("a bug")

    monkeypatch.setattr(inbox, "record", broken)
    payload = load_payload("user_send_text.json")
    with caplog.at_level(logging.ERROR, logger="zalo_oa.intake.webhook"):
        failed = deliver(client, app, payload)
    assert failed.status_code == 500 and failed.get_json() == {"error": "internal error"}
    assert "webhook failed" in caplog.text and "RuntimeError: a bug" in caplog.text
    monkeypatch.undo()
    assert deliver(client, app, payload).status_code == 200
    with app.app_context():
        assert InboundEvent.select().count() == 1
