"""Files the sandbox keeps under MEDIA_DIR/sandbox: citizens' photos and OA uploads."""
import secrets
from pathlib import Path

from flask import current_app, request

IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)


def image_kind(content):
    """'png', 'jpg', 'gif' or 'webp' from the file's first bytes; None if not an image."""
    for signature, kind in IMAGE_SIGNATURES:
        if content.startswith(signature):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    return None


def media_dir():
    """The folder sandbox files live in, created on first use."""
    folder = Path(current_app.config["MEDIA_DIR"]) / "sandbox"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save(content, kind):
    """Store `content` under a random name; return the name."""
    name = f"{secrets.token_hex(16)}.{kind}"
    (media_dir() / name).write_bytes(content)
    return name


def external_url(path):
    """An absolute URL for `path`, on PUBLIC_URL when set, else on the host that was asked."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path
