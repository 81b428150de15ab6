"""Our copies of citizens' photos, audio and video: served to staff behind login (and, once
staff made a photo public, on the public pages); retry a failed copy; moderation switches."""
from flask import Blueprint, Response, abort, current_app, g, redirect, url_for

from ..cases import moderation
from ..evidence import archive
from ..models import Case, CasePhoto
from . import access, forms

bp = Blueprint("evidence_views", __name__)


def _photo_of(case, photo_id):
    photo = CasePhoto.get_or_none((CasePhoto.id == photo_id) & (CasePhoto.case == case))
    return photo or abort(404)


def send_copy(media, thumbnail=False, public=False):
    """Stream our stored copy (or its thumbnail); 404 when there is none."""
    if media is None or media.status != "stored":
        abort(404)
    key = media.thumbnail_key if thumbnail else media.stored_key
    if not key:
        abort(404)
    try:
        chunks = archive.chunks(current_app.config, key)
    except FileNotFoundError:
        abort(404)
    cache = "public, max-age=86400" if public else "private, max-age=3600"
    return Response(chunks, content_type="image/jpeg" if thumbnail else media.content_type,
                    headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff",
                             "Content-Disposition": "inline"})


@bp.get("/cases/<code>/photos/<int:photo_id>")
@access.require(access.READ)
def staff_copy(code, photo_id):
    """A citizen's file as we keep it."""
    photo = _photo_of(access.case_or_404(code), photo_id)
    return send_copy(photo.media)


@bp.get("/cases/<code>/photos/<int:photo_id>/thumb")
@access.require(access.READ)
def staff_thumbnail(code, photo_id):
    """A citizen's photo, small."""
    photo = _photo_of(access.case_or_404(code), photo_id)
    return send_copy(photo.media, thumbnail=True)


def _back(case):
    return redirect(url_for("case_views.case_page", code=case.code) + "#photos")


@bp.post("/cases/<code>/photos/<int:photo_id>/retry")
@access.require(access.ACT)
def retry(code, photo_id):
    """Try again to copy a file whose copy failed."""
    case = access.case_or_404(code, for_action=True)
    photo = _photo_of(case, photo_id)
    if photo.media is not None:
        archive.retry(photo.media)
    return _back(case)


@bp.post("/cases/<code>/photos/<int:photo_id>/public")
@access.require(access.ACT)
def photo_public(code, photo_id):
    """Show a photo on the public pages (public=1), or hide it again."""
    case = access.case_or_404(code, for_action=True)
    moderation.set_photo_public(_photo_of(case, photo_id), g.staff, forms.checkbox("public"))
    return _back(case)


@bp.post("/cases/<code>/description-public")
@access.require(access.ACT)
def description_public(code):
    """Show the citizen's description on the public pages (public=1), or hide it again."""
    case = access.case_or_404(code, for_action=True)
    moderation.set_description_public(case, g.staff, forms.checkbox("public"))
    return redirect(url_for("case_views.case_page", code=case.code))


@bp.get("/reports/photos/<int:photo_id>")
@access.public
def public_copy(photo_id):
    """A photo staff made public, of a public case."""
    return send_copy(_public_media(photo_id), public=True)


@bp.get("/reports/photos/<int:photo_id>/thumb")
@access.public
def public_thumbnail(photo_id):
    """A photo staff made public, small."""
    return send_copy(_public_media(photo_id), thumbnail=True, public=True)


def _public_media(photo_id):
    photo = (CasePhoto.select().join(Case).where(
        (CasePhoto.id == photo_id) & CasePhoto.public & Case.is_public).first())
    if photo is None or photo.media_id is None:
        abort(404)
    return photo.media
