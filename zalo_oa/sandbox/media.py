"""Stand-in for Zalo's image CDN: citizens' photos, and images the OA uploaded."""
from flask import Blueprint, abort, jsonify, request, send_from_directory, url_for

from ..config import SANDBOX_PREFIX
from ..media import image_kind
from . import storage
from .models import SandboxUpload

bp = Blueprint("sandbox_media", __name__, url_prefix=SANDBOX_PREFIX)


@bp.post("/media")
def upload():
    """Store a citizen's photo (multipart `file`) and answer its absolute URL."""
    upload_file = request.files.get("file")
    content = upload_file.read() if upload_file else b""
    kind = image_kind(content)
    if kind is None:
        return jsonify({"error": "file must be a jpg, png, gif or webp image"}), 400
    name = storage.save(content, kind)
    return jsonify({"url": storage.external_url(url_for("sandbox_media.serve", name=name))})


@bp.get("/media/<name>")
def serve(name):
    """Serve a stored file, as Zalo's CDN serves a photo."""
    return send_from_directory(storage.media_dir(), name, max_age=3600)


@bp.delete("/media/<name>")
def forget(name):
    """Drop a stored file, as Zalo's CDN links stop working after a while."""
    path = storage.media_dir() / name
    if "/" in name or name.startswith(".") or not path.is_file():
        abort(404)
    path.unlink()
    return jsonify({"deleted": name})


@bp.get("/attachments/<attachment_id>")
def attachment(attachment_id):
    """The image behind an attachment_id from the upload API (for the phone page)."""
    record = SandboxUpload.get_or_none(SandboxUpload.attachment_id == attachment_id)
    if record is None:
        abort(404)
    return send_from_directory(storage.media_dir(), record.file_name, max_age=3600)
