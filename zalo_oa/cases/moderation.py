"""What the public may see of a case, decided by staff: each photo, and the citizen's own
words. Until staff approve them, public pages show only the category and the place."""
from peewee import JOIN

from .. import audit
from ..db import database
from ..models import Case, CasePhoto, MediaFile


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


def public_photos(cases):
    """{case id: [photo, ...]} of the photos the public may see, for many cases in one query:
    staff's after photos, and citizens' photos staff made public whose copy we keep (never a
    CDN link, which shows the citizen's account)."""
    ids = [c.id for c in cases]
    if not ids:
        return {}
    query = (CasePhoto.select(CasePhoto, MediaFile)
             .join(MediaFile, JOIN.LEFT_OUTER, on=(CasePhoto.media == MediaFile.id))
             .where(CasePhoto.case.in_(ids)
                    & ((CasePhoto.kind == "after")
                       | (CasePhoto.public & (MediaFile.status == "stored"))))
             .order_by(CasePhoto.id))
    found = {}
    for photo in query:
        found.setdefault(photo.case_id, []).append(photo)
    return found
