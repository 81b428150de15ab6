"""Evidence kept, over real HTTP through the sandbox: a citizen's photo is copied by the worker
with a thumbnail and outlives its CDN link; failures are retried or shown, never dropped; the
copy sits in MEDIA_DIR or an S3 bucket (moto's server as the stand-in)."""
import io
import re

import pytest
import requests
from PIL import Image

from tests.evidence.test_sniff_and_hosts import image_bytes
from tests.factories import PASSWORD, make_staff
from tests.intake.test_report_flow import Citizen, texts
from tests.sandbox_helpers import wait_for
from zalo_oa.evidence import archive
from zalo_oa.evidence.store import S3Store
from zalo_oa.models import Case, CasePhoto, MediaFile


def upload(server, content):
    """Put a file on the sandbox's CDN; its URL."""
    response = requests.post(f"{server.url}/sandbox/media", timeout=5,
                             files={"file": ("p.png", content, "image/png")})
    assert response.status_code == 200, response.text
    return response.json()["url"]


def media_row(server, url, status="stored"):
    def stored():
        with server.app.app_context():
            row = archive.media_for(url)
            return row if row is not None and row.status == status else None
    return wait_for(stored, timeout=10)


def report_with_photo(server, citizen, url):
    citizen.send("user_send_text", text="Cây đổ chắn ngang đường Nguyễn Huệ, xe không qua được")
    assert "ảnh" in texts(citizen.replies(2))  # understood at once: trees, on Nguyễn Huệ
    citizen.send("user_send_image", url=url)
    citizen.replies()
    citizen.say("Xong", 2)
    said = citizen.say("Bỏ qua")
    while "kiểm tra lại phản ánh" not in said:  # the category's extra questions: skipped
        said = citizen.say("Bỏ qua")
    return re.search(r"PA-\d{4}-\d{6}", citizen.say("Gửi")).group(0)


def test_a_photo_is_archived_with_a_thumbnail_and_outlives_its_cdn_link(live_server):
    original = image_bytes((1200, 900))
    url = upload(live_server, original)
    code = report_with_photo(live_server, Citizen(live_server, "citizen-photo"), url)
    media = media_row(live_server, url)
    assert media is not None, "the worker did not archive the photo"
    assert (media.kind, media.content_type, media.size) == ("image", "image/png", len(original))

    name = url.rsplit("/", 1)[1]
    assert requests.delete(f"{live_server.url}/sandbox/media/{name}", timeout=5).ok
    assert requests.get(url, timeout=5).status_code == 404  # the CDN forgot it

    session = requests.Session()
    with live_server.app.app_context():
        photo = CasePhoto.get(CasePhoto.case == Case.get(Case.code == code))
        assert photo.media_id == media.id
        make_staff("lan")
    _log_in(session, live_server)
    full = session.get(f"{live_server.url}/cases/{code}/photos/{photo.id}", timeout=5)
    assert full.status_code == 200 and full.content == original
    assert full.headers["Content-Type"] == "image/png"
    thumb = session.get(f"{live_server.url}/cases/{code}/photos/{photo.id}/thumb", timeout=5)
    assert Image.open(io.BytesIO(thumb.content)).size == (320, 240)
    page = session.get(f"{live_server.url}/cases/{code}", timeout=5).text
    assert f"/cases/{code}/photos/{photo.id}/thumb" in page and url not in page
    anonymous = requests.get(f"{live_server.url}/cases/{code}/photos/{photo.id}", timeout=5,
                             allow_redirects=False)
    assert anonymous.status_code == 302  # behind login


def _log_in(session, server):
    page = session.get(f"{server.url}/login", timeout=5).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(f"{server.url}/login", timeout=5,
                 data={"username": "lan", "password": PASSWORD, "csrf_token": token})


def test_a_host_not_allowed_is_refused_on_receipt_and_never_fetched(live_server):
    citizen = Citizen(live_server, "citizen-evil")
    url = "https://evil.example/photo.jpg"
    citizen.send("user_send_image", url=url)
    citizen.send("user_send_text", text="Tra cứu")  # handled after the image: it was seen
    citizen.replies(count=1, timeout=10)
    with live_server.app.app_context():
        assert archive.media_for(url) is None
        assert not CasePhoto.select().where(CasePhoto.url == url).exists()


def test_a_url_that_reaches_the_archive_from_a_host_not_allowed_fails_at_once(live_server):
    url = "https://evil.example/photo.jpg"
    with live_server.app.app_context():
        archive.receive(None, [url], "image")
        archive.run_due(live_server.app.config)
        media = archive.media_for(url)
    assert (media.status, media.attempts, media.error) == (
        "failed", 1, "host not allowed: evil.example")


def test_an_unreachable_cdn_is_retried_later(sandbox_app):
    url = f"{sandbox_app.url}/sandbox/openapi/cdn/photo.png"
    requests.post(f"{sandbox_app.url}/sandbox/faults", timeout=5,
                  json={"path": "/cdn/photo.png", "http_status": 503, "count": 1})
    with sandbox_app.app.app_context():
        archive.receive(None, [url], "image")
        assert archive.run_due(sandbox_app.app.config) == 1
        media = archive.media_for(url)
        assert (media.status, media.attempts, media.error) == ("pending", 1, "HTTP 503")
        assert archive.run_due(sandbox_app.app.config) == 0  # not due for 30 s
        MediaFile.update(due_at=media.created_at).execute()
        archive.run_due(sandbox_app.app.config)  # the "CDN" answers 404 now: retried too
        media = archive.media_for(url)
        assert media.status == "pending" and media.attempts == 2


def test_a_file_that_is_not_what_it_claims_fails_and_staff_may_retry(sandbox_app):
    text_url = f"{sandbox_app.url}/healthz"
    with sandbox_app.app.app_context():
        archive.receive(None, [text_url], "image")
        archive.run_due(sandbox_app.app.config)
        media = archive.media_for(text_url)
        assert media.status == "failed" and media.error.startswith("not image")
        archive.retry(media)
        assert archive.media_for(text_url).status == "pending"


def test_a_file_over_the_limit_is_refused(sandbox_app):
    url = upload(sandbox_app, image_bytes((600, 600)))
    config = {**sandbox_app.app.config, "MEDIA_MAX_BYTES": 1000}
    with sandbox_app.app.app_context():
        archive.receive(None, [url], "image")
        archive.run_due(config)
        assert archive.media_for(url).error.startswith("too large")


@pytest.fixture
def sandbox_app(live_server_factory):
    return live_server_factory(with_scheduler=False)


@pytest.fixture
def s3(monkeypatch):
    """moto's S3 server on loopback, and a bucket in it."""
    server_module = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    for key, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
                       ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(key, value)
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="evidence")
    yield endpoint
    server.stop()


def test_the_s3_store_keeps_and_serves_copies(s3, sandbox_app):
    store = S3Store("evidence", s3)
    store.put("2026/12/x.png", b"abc" * 1000, "image/png")
    assert b"".join(store.chunks("2026/12/x.png")) == b"abc" * 1000
    store.delete("2026/12/x.png")
    with pytest.raises(FileNotFoundError):
        store.chunks("2026/12/x.png")

    url = upload(sandbox_app, image_bytes((400, 300)))
    config = {**sandbox_app.app.config, "MEDIA_S3_BUCKET": "evidence", "MEDIA_S3_ENDPOINT": s3}
    with sandbox_app.app.app_context():
        archive.receive(None, [url], "image")
        archive.run_due(config)
        media = archive.media_for(url)
        assert media.status == "stored"
        assert b"".join(archive.chunks(config, media.thumbnail_key))[:3] == b"\xff\xd8\xff"
