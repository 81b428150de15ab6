"""Fuzz the webhook over real HTTP: ten thousand generated requests, signed and unsigned, with
Zalo-shaped payloads full of hostile values and with raw junk, at `zalo-oa serve` (gunicorn,
production settings: no sandbox, the 24 h replay window). Nothing may answer 5xx, and no row may
come from a request without a valid signature.

Each generated body is posted three times: first with a forged signature (one of the ways an
attacker can manage), then unsigned, then correctly signed; only the last may be recorded.
ZALO_OA_FUZZ_BATCHES raises the count for a longer run (a batch is 10 bodies, 30 requests).
"""
import collections
import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.signing import mac
from zalo_oa.models import InboundEvent

BATCH = 10
SENDS = ("forged", "none", "valid")
BATCHES = int(os.environ.get("ZALO_OA_FUZZ_BATCHES", "334"))
NOW_MS = int(time.time() * 1000)

SPECIAL = ["\x00", "\ud800", "\udfff", "\ud83d\ude00", "\u2028", "\x0b", "\x1b", "\ufeff",
           "'; DROP TABLE inbound_event; --", "{{7*7}}", "<script>", "%00", "\\", '"', "é" * 70,
           "9" * 70, "javascript:alert(1)"]
texts = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(SPECIAL)), max_size=5).map(
    "".join)
ids = st.one_of(st.sampled_from(["2468000000000000001", "2468000000000000002", ""]),
                st.integers(min_value=0, max_value=10**20).map(str), texts,
                st.integers(min_value=-2**70, max_value=2**70))
junk = st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | texts,
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(texts, inner, max_size=3), max_leaves=8)
# Mostly plausible values (so many events get through and reach the database), some hostile.
# (Spread by a uuid: Hypothesis favours small integers, which would make every event a repeat.)
near_now = st.uuids().map(lambda u: str(NOW_MS - u.int % 3_600_000))
timestamps = st.one_of(near_now, near_now, near_now, near_now,
                       st.integers(min_value=-2**64, max_value=2**64).map(str), texts, junk)
names = st.one_of(st.sampled_from(["user_send_text", "follow", "user_send_image"]),
                  st.sampled_from([
    "user_send_text", "user_send_image", "user_send_location", "user_send_sticker", "follow",
    "unfollow", "user_submit_info", "user_click_chatnow", "user_received_message",
    "user_seen_message", "oa_send_text", "add_user_to_tag", "user_withdraw", "x" * 70]), texts)
attachment = st.fixed_dictionaries({"type": st.sampled_from(["image", "location", "file", "?"]),
                                    "payload": st.one_of(junk, st.fixed_dictionaries({
                                        "url": st.one_of(texts, st.just(
                                            "https://photo-stal-1.zdn.vn/a.jpg")),
                                        "coordinates": junk}))})
msg_ids = st.one_of(st.uuids().map(str), st.uuids().map(str), ids)
message = st.fixed_dictionaries({"msg_id": msg_ids, "text": texts},
                                optional={"attachments": st.lists(attachment, max_size=2),
                                          "msg_ids": st.lists(ids, max_size=2)})
payloads = st.fixed_dictionaries(
    {"event_name": names, "timestamp": timestamps, "app_id": st.sampled_from(
        ["fuzz-app"] * 5 + ["another-app"]),
     "sender": st.fixed_dictionaries({"id": ids}),
     "recipient": st.fixed_dictionaries({"id": st.sampled_from(["fuzz-oa"] * 5 + ["x"])}),
     "message": st.one_of(message, message, message, junk)},
    optional={"follower": st.fixed_dictionaries({"id": ids}),
              "oa_id": st.sampled_from(["fuzz-oa"] * 5 + ["another-oa"]), "user_id": ids,
              "info": junk, "extra": junk})


def _encode(payload, how):
    if how == "utf-16":
        return json.dumps(payload, ensure_ascii=False).encode("utf-16", "surrogatepass")
    if how == "nested":
        depth = 2000
        return json.dumps(payload).encode()[:-1] + b',"deep":' + b"[" * depth + b"]" * depth + b"}"
    return json.dumps(payload, ensure_ascii=True).encode()


bodies = st.one_of(
    st.tuples(payloads, st.sampled_from(["ascii"] * 8 + ["utf-16", "nested"])).map(
        lambda pair: (_encode(*pair), pair[0].get("timestamp"))),
    st.binary(max_size=300).map(lambda raw: (raw, None)),
    st.sampled_from([b"", b"{}", b"[]", b"null", b"1e999999", b"[" * 100_000, b"\xff\xfe{\x00}\x00",
                     b'{"timestamp":"\\ud800"}', b'{"timestamp":' + b"9" * 5000 + b"}"]).map(
        lambda raw: (raw, None)),
)
# The ways an attacker can sign a request without the OA secret key.
FORGERIES = ["random", "wrong_secret", "tampered", "garbage", "other_timestamp"]
fuzz_requests = st.tuples(bodies, st.sampled_from(FORGERIES), st.binary(min_size=1, max_size=4),
                          st.text(max_size=70))


def signed_request(config, body, timestamp, signing, noise, garbage):
    """(raw, headers, valid): the request as sent, and whether its MAC is the real one."""
    # A generated timestamp may hold lone surrogates: pass them through to the hash as Zalo's
    # own (UTF-8) encoder never could; such a MAC simply never matches.
    timestamp = str(timestamp if timestamp is not None else "").encode(
        "utf-8", "surrogatepass").decode("utf-8", "replace")
    key, app_id = config["ZALO_OA_SECRET_KEY"], config["ZALO_APP_ID"]
    if signing == "none":
        return body, {}, False
    if signing == "random":
        return body, {"X-ZEvent-Signature": "mac=" + hashlib.sha256(noise).hexdigest()}, False
    if signing == "wrong_secret":
        return body, {"X-ZEvent-Signature": "mac=" + mac(app_id, body, timestamp, key + "x")}, \
            False
    if signing == "tampered":
        header = "mac=" + mac(app_id, body, timestamp, key)
        return body + noise, {"X-ZEvent-Signature": header}, False
    if signing == "garbage":  # any bytes a header can carry (no control characters)
        value = bytes(b for b in garbage.encode("utf-8", "surrogatepass") if b > 31 or b == 9)
        return body, {"X-ZEvent-Signature": value}, False
    if signing == "other_timestamp":
        return body, {"X-ZEvent-Signature": "mac=" + mac(app_id, body, timestamp + "1", key)}, \
            False
    return body, {"X-ZEvent-Signature": "mac=" + mac(app_id, body, timestamp, key)}, True


def kind_of_200(content):
    answer = json.loads(content)
    for kind in ("ignored", "duplicate"):
        if answer.get(kind):
            return kind
    return "recorded or probe"


ZALO_OA = os.path.join(os.path.dirname(sys.executable), "zalo-oa")
SETTINGS = {"ZALO_APP_ID": "fuzz-app", "ZALO_OA_ID": "fuzz-oa", "ZALO_OA_SECRET_KEY": "fuzz-key"}


@pytest.fixture
def webhook(make_app):
    """`zalo-oa serve` on the test's database, as production runs it; its base URL."""
    app = make_app()  # (its sandbox tables too, which the suite's clean-up expects)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZALO_")}
    env.update(SETTINGS, ZALO_OA_DATABASE_URL=app.config["DATABASE_URL"], ZALO_OA_SECRET="fuzz",
               ZALO_OA_LOG_LEVEL="ERROR", ZALO_OA_EVENT_MAX_AGE_HOURS="24")
    process = subprocess.Popen([ZALO_OA, "serve", "--port", str(port), "--workers", "2"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(base + "/healthz", timeout=1)
            break
        except requests.ConnectionError:
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
    with app.app_context():
        yield port
    process.terminate()
    process.wait(20)


def test_ten_thousand_hostile_requests_no_5xx_and_no_row_without_a_signature(webhook, capsys):
    connection = http.client.HTTPConnection("127.0.0.1", webhook, timeout=30)
    seen = {"statuses": collections.Counter(), "answers": collections.Counter(), "inputs": 0,
            "stored_by_valid": 0, "server_errors": []}

    def post(raw, headers):
        for _ in range(2):  # the server may close a connection after refusing a request
            try:
                connection.request("POST", "/webhook/zalo", body=raw, headers=headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                connection.close()
        raise AssertionError("the webhook stopped answering")

    def check(raw, headers, valid):
        status, content = post(raw, headers)
        seen["inputs"] += 1
        seen["statuses"][status] += 1
        if status >= 500:
            seen["server_errors"].append((raw[:200], headers, content[:200]))
        if status == 200:
            seen["answers"][kind_of_200(content)] += 1
        if status == 200 and content == b'{"ok":true}\n':
            assert valid or raw.strip() in (b"", b"{}"), (raw[:200], headers)
            seen["stored_by_valid"] += valid

    @settings(max_examples=BATCHES, deadline=None, database=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.lists(fuzz_requests, min_size=BATCH, max_size=BATCH))
    def fuzz(batch):
        for (body, timestamp), forgery, noise, garbage in batch:
            for send in SENDS:
                signing = forgery if send == "forged" else send
                check(*signed_request(SETTINGS, body, timestamp, signing, noise, garbage))

    started = time.monotonic()
    fuzz()
    elapsed = time.monotonic() - started
    rows = InboundEvent.select().count()
    with capsys.disabled():
        print(f"\nwebhook fuzz: {seen['inputs']} inputs in {elapsed:.1f} s, statuses "
              f"{dict(sorted(seen['statuses'].items()))} (200s: {dict(seen['answers'])}), "
              f"rows stored {rows} (all from valid "
              f"signatures: {seen['stored_by_valid']}), 5xx {len(seen['server_errors'])}")
    assert seen["inputs"] >= BATCHES * BATCH * len(SENDS)
    assert seen["server_errors"] == []
    assert rows == seen["stored_by_valid"]
