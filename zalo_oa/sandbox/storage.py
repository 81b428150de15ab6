"""Files the sandbox keeps under MEDIA_DIR/sandbox: citizens' photos and OA uploads."""
import secrets
from pathlib import Path

from flask import current_app, request


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
