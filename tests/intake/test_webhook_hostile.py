"""The webhook against what an attacker (or a broken sender) posts, over real HTTP: never a 5xx,
nothing stored that cannot be handled, events for another OA and replays outside the window
acknowledged but not acted on."""
import json
import time

import pytest
import requests

from tests.factories import load_payload
from tests.signing import mac
from zalo_oa import handlers
from zalo_oa.models import InboundEvent


@pytest.fixture
def server(live_server_factory):
    # The production replay window (24 h), not the suite's wide one; no scheduler.
    return live_server_factory(with_scheduler=False, EVENT_MAX_AGE_HOURS=24)


def now_ms(offset_seconds=0):
    return str(int((time.time() + offset_seconds) * 1000))


def post_signed(server, raw, timestamp, headers=None):
    """POST raw bytes signed as Zalo signs them, under `timestamp`."""
    config = server.app.config
    signature = "mac=" + mac(config["ZALO_APP_ID"], raw, timestamp, config["ZALO_OA_SECRET_KEY"])
    return requests.post(server.url + "/webhook/zalo", data=raw, timeout=10,
                         headers={"X-ZEvent-Signature": signature, **(headers or {})})


def fresh_text_event(**changes):
    payload = {**load_payload("user_send_text.json"), "timestamp": now_ms(), **changes}
    return payload


def post_payload(server, payload, ensure_ascii=False, headers=None):
    raw = json.dumps(payload, ensure_ascii=ensure_ascii).encode("utf-8")
    return post_signed(server, raw, str(payload.get("timestamp", "")), headers)


def stored(server):
    with server.app.app_context():
        return list(InboundEvent.select().order_by(InboundEvent.id))


# --- item 6: NUL characters ------------------------------------------------------------------

def test_nul_characters_in_a_signed_event_are_removed_and_the_event_is_handled(server):
    payload = fresh_text_event()
    payload["message"] = {"msg_id": "nul\u0000id", "text": "Đèn\u0000 hỏng"}
    response = post_payload(server, payload, ensure_ascii=True)
    assert response.status_code == 200
    [row] = stored(server)
    assert "\\u0000" not in row.payload and "\x00" not in row.dedupe_key
    assert json.loads(row.payload)["message"]["text"] == "Đèn hỏng"
    with server.app.app_context():
        handlers.process_pending()
        assert InboundEvent.get_by_id(row.id).status == "done"


# --- item 7: unauthenticated bodies that used to give a 500 --------------------------------

def nested(depth):
    return ("[" * depth + "]" * depth).encode()


def test_deeply_nested_json_is_refused_before_and_after_the_signature(server):
    body = b'{"timestamp":"' + now_ms().encode() + b'","a":' + nested(100_000) + b"}"
    unsigned = requests.post(server.url + "/webhook/zalo", data=body, timeout=10,
                             headers={"X-ZEvent-Signature": "mac=" + "0" * 64})
    signed = post_signed(server, body, now_ms())
    assert unsigned.status_code == 403
    assert signed.status_code in (400, 403)
    moderately = b'{"timestamp":"' + now_ms().encode() + b'","a":' + nested(500) + b"}"
    # Deep enough to be no Zalo event, shallow enough for the parser: refused after the MAC.
    timestamp = json.loads(moderately)["timestamp"]
    assert post_signed(server, moderately, timestamp).status_code == 400
    assert stored(server) == []


@pytest.mark.parametrize("timestamp", ["\\ud800", "\\udfff1", "1\\ud83d"])
def test_a_lone_surrogate_in_the_timestamp_is_refused(server, timestamp):
    raw = ('{"event_name":"follow","timestamp":"' + timestamp + '"}').encode()
    response = post_signed(server, raw, timestamp)
    assert 400 <= response.status_code < 500
    assert stored(server) == []


def test_a_lone_surrogate_in_a_signed_event_is_refused(server):
    payload = fresh_text_event()
    payload["message"]["text"] = "\ud83d broken emoji"
    response = post_payload(server, payload, ensure_ascii=True)
    assert response.status_code == 400
    assert stored(server) == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_bodies_are_refused(server, encoding):
    payload = fresh_text_event()
    raw = json.dumps(payload, ensure_ascii=False).encode(encoding)
    response = post_signed(server, raw, payload["timestamp"])
    assert 400 <= response.status_code < 500
    assert stored(server) == []


def test_a_non_ascii_signature_header_is_refused_not_crashed_on(server):
    raw = json.dumps(fresh_text_event()).encode()
    response = requests.post(server.url + "/webhook/zalo", data=raw, timeout=10,
                             headers={"X-ZEvent-Signature": ("mac=" + "é" * 64).encode("latin-1")})
    assert response.status_code == 403


def test_an_overlong_user_id_is_refused(server):
    payload = fresh_text_event(sender={"id": "9" * 65})
    assert post_payload(server, payload).status_code == 400
    assert stored(server) == []


# --- item 12: events for another OA ----------------------------------------------------------

@pytest.mark.parametrize("changes", [
    {"recipient": {"id": "another-oa"}},
    {"app_id": "another-app"},
])
def test_a_signed_event_for_another_oa_is_acknowledged_and_ignored(server, changes, caplog):
    response = post_payload(server, fresh_text_event(**changes))
    assert response.status_code == 200
    assert response.json() == {"ignored": True, "ok": True}
    assert stored(server) == []
    assert "is not ours" in caplog.text


def test_a_follow_for_another_oa_is_ignored(server):
    payload = {**load_payload("follow.json"), "oa_id": "another-oa", "timestamp": now_ms()}
    assert post_payload(server, payload).json()["ignored"] is True
    assert stored(server) == []


# --- item 13: the replay window -------------------------------------------------------------

@pytest.mark.parametrize("timestamp", [
    now_ms(-25 * 3600),  # a day and an hour ago
    "0",  # 1970
    "4102444800000",  # 2100
])
def test_events_outside_the_replay_window_are_acknowledged_but_not_recorded(server, timestamp):
    response = post_payload(server, fresh_text_event(timestamp=timestamp))
    assert response.status_code == 200
    assert response.json()["ignored"] is True
    assert stored(server) == []


@pytest.mark.parametrize("timestamp", ["abc", "", "1.5e12", "-1"])
def test_a_timestamp_that_is_not_epoch_milliseconds_is_refused(server, timestamp):
    response = post_payload(server, fresh_text_event(timestamp=timestamp))
    assert 400 <= response.status_code < 500
    assert stored(server) == []


def test_zalo_retrying_an_hour_late_is_still_accepted(server):
    payload = fresh_text_event(timestamp=now_ms(-65 * 60))
    response = post_payload(server, payload, headers={"num_retry": "3"})
    assert response.json() == {"ok": True}
    assert len(stored(server)) == 1


def test_the_timestamp_must_be_the_signed_one(server):
    payload = fresh_text_event()
    raw = json.dumps(payload).encode()
    # A second "timestamp" further in the body, and the MAC made with that one.
    forged = raw[:-1] + b', "extra": {"timestamp": "1"}}'
    assert post_signed(server, forged, "1").status_code == 400
    assert stored(server) == []
