"""Files the sandbox keeps under MEDIA_DIR/sandbox: citizens' photos and OA uploads."""
import secrets
from pathlib import Path

from flask import current_app

from ..config import public_base


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
    """An absolute URL for `path` on this service's own base URL (not the Host asked for)."""
    return public_base(current_app.config) + path
