"""Citizens who follow a case instead of opening a second one ("me too"): which open cases a
new report may be, following one (note and photos on its timeline), and what they may ask."""
from .. import areas
from ..db import database
from ..evidence import archive
from ..models import Case, CaseFollower, CasePhoto, Category, TimelineEntry
from ..places.nearby import cases_near
from . import rules
from .params import case_params

OFFERED = 3


def candidates(citizen, draft, metres, locale):
    """Public open cases of the draft's category within `metres` of its point that are not the
    citizen's own or followed already, nearest first, as the facts the offer shows."""
    location = draft.get("location") or {}
    if location.get("latitude") is None or location.get("longitude") is None:
        return []
    category = Category.get_or_none(Category.slug == draft.get("category"))
    if category is None:
        return []
    followed = CaseFollower.select(CaseFollower.case).where(CaseFollower.citizen == citizen)
    where = (Case.is_public & (Case.citizen.is_null() | (Case.citizen != citizen))
             & Case.id.not_in(followed))
    found = cases_near(location["latitude"], location["longitude"], category.id,
                       rules.OPEN_STATUSES, metres, limit=OFFERED, where=where)
    return [_offer(case, metres_away, locale) for metres_away, case in found]


def _offer(case, metres_away, locale):
    """What another citizen is told of a case: as public pages show it (the address its
    reporter typed only once staff approved their words; else the ward)."""
    params = case_params(case, locale)
    ward = areas.name_of(case.area_code) if case.area_code else ""
    place = (case.address or ward) if case.description_public else ward
    return {"code": case.code, "category": params["category"], "status": params["status"],
            "created_date": params["created_date"], "address": place,
            "metres": metres_away, "followers": case.follower_count}


def follow(case, citizen, note=None, photo_urls=()):
    """Add the citizen as a follower, their note and photos to the case's timeline; count
    them. Following twice changes nothing. Returns the new CasePhoto rows."""
    with database.atomic():
        _, created = CaseFollower.get_or_create(case=case, citizen=citizen)
        if not created:
            return []
        Case.update(follower_count=Case.follower_count + 1).where(Case.id == case.id).execute()
        photos = [CasePhoto.create(case=case, url=url, kind="follower",
                                   media=archive.media_for(url)) for url in photo_urls]
        TimelineEntry.create(case=case, kind="follower", actor="citizen", body=note or None,
                             data={"citizen": citizen.id, "photos": len(photos)})
    case.follower_count += 1
    return photos


def followed_case(citizen, code):
    """The case with this code if the citizen follows it: as a "me too" follower, or because
    their own report was merged into it as a duplicate. Else None."""
    case = Case.get_or_none(Case.code == code)
    if case is None:
        return None
    if CaseFollower.select().where((CaseFollower.case == case)
                                   & (CaseFollower.citizen == citizen)).exists():
        return case
    if Case.select().where((Case.duplicate_of == case) & (Case.citizen == citizen)).exists():
        return case
    return None


def follower_ids(case):
    """The ids of the citizens following the case."""
    return {f.citizen_id for f in CaseFollower.select(CaseFollower.citizen)
            .where(CaseFollower.case == case)}
