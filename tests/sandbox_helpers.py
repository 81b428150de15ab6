"""Helpers shared by the sandbox's HTTP tests: a live sandbox, and calls to it."""
import struct
import threading
import time
import zlib

import pytest
import requests

from zalo_oa.models import InboundEvent, OAToken

TIMEOUT = 10
CS_PATH = "/v3.0/oa/message/cs"


@pytest.fixture
def sandbox(live_server_factory):
    """The app over real HTTP without its scheduler, so no bot reply lands in the sandbox."""
    return live_server_factory(with_scheduler=False)


def oa_token(server):
    """The access token the seed stored for the OA (issued by the sandbox)."""
    with server.app.app_context():
        return OAToken.get().access_token


def openapi(server, path):
    return f"{server.url}/sandbox/openapi{path}"


def send_cs(server, user_id, message, token=None):
    """POST a cs message as the OA would; return the decoded answer."""
    response = requests.post(openapi(server, CS_PATH), timeout=TIMEOUT,
                             json={"recipient": {"user_id": user_id}, "message": message},
                             headers={"access_token": token or oa_token(server)})
    assert response.status_code == 200
    return response.json()


def patch_citizen(server, user_id, **fields):
    response = requests.patch(f"{server.url}/sandbox/citizens/{user_id}", json=fields,
                              timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def citizen_event(server, user_id, **form):
    """POST a short-form event for a citizen; return the response."""
    return requests.post(f"{server.url}/sandbox/citizens/{user_id}/events", json=form,
                         timeout=TIMEOUT)


def messages_of(server, user_id):
    return requests.get(f"{server.url}/sandbox/citizens/{user_id}/messages",
                        timeout=TIMEOUT).json()


def inbound_event(server, msg_id):
    """The webhook's record of the event with this msg_id, or None.

    The key holds the msg_id (the webhook may prefix it with the event name).
    """
    with server.app.app_context():
        return InboundEvent.get_or_none(InboundEvent.dedupe_key.contains(msg_id))


def wait_for(predicate, timeout=10.0, interval=0.1):
    """Poll `predicate` until it returns something truthy; return that, or None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def png_bytes(padding=0):
    """A valid 1x1 PNG, grown by `padding` bytes of ancillary chunk data."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    extra = chunk(b"tEXt", b"pad\x00" + b"x" * padding) if padding else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


class Receiver:
    """A tiny webhook on loopback that records each delivery (headers and raw body)."""

    def __init__(self, status=200):
        from werkzeug.serving import make_server
        from werkzeug.wrappers import Request, Response

        self.deliveries = []

        @Request.application
        def app(request):
            self.deliveries.append({"headers": dict(request.headers),
                                    "raw": request.get_data()})
            return Response("ok", status=status)

        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()
