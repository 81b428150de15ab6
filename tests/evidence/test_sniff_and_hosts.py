"""Which files are kept and from where, pure: types read from the bytes, hosts allowed."""
import io

import pytest
from PIL import Image

from zalo_oa.evidence import fetch, sniff, thumbs

PROD = {"MEDIA_HOSTS": "*.zdn.vn,*.zadn.vn", "SANDBOX": False}
SANDBOX = {**PROD, "SANDBOX": True, "PUBLIC_URL": "http://127.0.0.1:5000"}


@pytest.mark.parametrize("url, config, ok", [
    ("https://photo-stal-1.zdn.vn/a.jpg", PROD, True),
    ("https://s120-ava-talk.zadn.vn/b.jpg", PROD, True),
    ("http://photo-stal-1.zdn.vn/a.jpg", PROD, False),  # https only
    ("https://zdn.vn.evil.example/a.jpg", PROD, False),
    ("https://evil.example/?x=.zdn.vn", PROD, False),
    ("https://127.0.0.1:5000/sandbox/media/a.png", PROD, False),
    ("http://127.0.0.1:5000/sandbox/media/a.png", SANDBOX, True),  # the sandbox's CDN
    ("http://127.0.0.1:5001/sandbox/media/a.png", SANDBOX, False),  # another port
    ("http://10.0.0.5:5000/x.png", {**SANDBOX, "PUBLIC_URL": "http://10.0.0.5:5000"}, False),
    ("file:///etc/passwd", SANDBOX, False),
])
def test_only_allowed_hosts_are_fetched(url, config, ok):
    assert fetch.allowed(url, config) is ok


def image_bytes(size=(800, 600), kind="PNG"):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize("content, expected", [
    (image_bytes(), ("image", "png", "image/png")),
    (image_bytes(kind="JPEG"), ("image", "jpg", "image/jpeg")),
    (b"#!AMR\n" + b"\0" * 40, ("audio", "amr", "audio/amr")),
    (b"\0\0\0\x20ftypM4A \0\0\0\0", ("audio", "m4a", "audio/mp4")),
    (b"\0\0\0\x20ftypisom\0\0\0\0", ("video", "mp4", "video/mp4")),
    (b"\x1a\x45\xdf\xa3" + b"\0" * 20, ("video", "webm", "video/webm")),
    (b"<html>not a photo</html>", None),
    (b"", None),
])
def test_the_type_is_read_from_the_bytes(content, expected):
    assert sniff.identify(content) == expected


def test_a_thumbnail_is_a_small_jpeg_and_a_fake_image_is_refused():
    small = Image.open(io.BytesIO(thumbs.thumbnail(image_bytes((1600, 900)))))
    assert small.format == "JPEG" and small.size == (320, 180)
    with pytest.raises(thumbs.NotAnImage):
        thumbs.thumbnail(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)


def test_limits_never_pass_the_setting():
    assert sniff.limit("image", 50 * 2**20) == 15 * 2**20
    assert sniff.limit("video", 2**20) == 2**20
