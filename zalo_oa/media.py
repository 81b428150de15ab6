"""Files people give us (staff's after photos, partners' uploads), checked on their bytes and
kept under MEDIA_DIR with random names."""
import secrets
from pathlib import Path

from flask import current_app, url_for

from .errors import Refused

MAX_BYTES = 8 * 1024 * 1024
SIGNATURES = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF8", "gif"),
              (b"RIFF", "webp"))


class UploadError(Refused):
    """The upload is not an image we accept."""


def image_kind(content):
    """The file extension for an image's bytes, or None when it is no accepted image."""
    for magic, kind in SIGNATURES:
        if content.startswith(magic) and (kind != "webp" or content[8:12] == b"WEBP"):
            return kind
    return None


def media_folder(folder):
    """MEDIA_DIR/<folder>, made on first use."""
    path = Path(current_app.config["MEDIA_DIR"]) / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


def after_dir():
    return media_folder("after")


def save_image(file_storage, folder, endpoint):
    """Store an uploaded image under MEDIA_DIR/<folder>/ with a random name; return its
    absolute URL at `endpoint` (PUBLIC_URL based, so Zalo and partners can fetch it)."""
    content = file_storage.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise UploadError("too_large")
    kind = image_kind(content)
    if kind is None:
        raise UploadError("not_image")
    name = f"{secrets.token_urlsafe(16)}.{kind}"
    (media_folder(folder) / name).write_bytes(content)
    public = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if public:
        return public + url_for(endpoint, name=name)
    return url_for(endpoint, name=name, _external=True)
