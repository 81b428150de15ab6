"""What the public may see of a case, decided by staff: each photo, and the citizen's own
words. Until staff approve them, public pages show only the category and the place."""
from .. import audit
from ..db import database
from ..models import Case, CasePhoto


def set_photo_public(photo, staff, public):
    """Show or hide one photo on public pages."""
    with database.atomic():
        CasePhoto.update(public=bool(public)).where(CasePhoto.id == photo.id).execute()
        audit.record(staff, "photo_public" if public else "photo_hidden", photo.case.code,
                     photo=photo.id)
    photo.public = bool(public)


def set_description_public(case, staff, public):
    """Show the description as the citizen wrote it on public pages, or stop showing it."""
    with database.atomic():
        Case.update(description_public=bool(public)).where(Case.id == case.id).execute()
        audit.record(staff, "description_public" if public else "description_hidden",
                     case.code)
    case.description_public = bool(public)


def public_photos(case):
    """The photos the public may see: staff's after photos, and citizens' photos staff made
    public whose copy we keep (never a CDN link that shows the citizen's account)."""
    query = (CasePhoto.select().where(CasePhoto.case == case).order_by(CasePhoto.id))
    return [p for p in query if p.kind == "after" or (p.public and p.media_id is not None
                                                      and p.media.status == "stored")]
