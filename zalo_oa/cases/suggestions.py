"""What the case page offers staff: nearby open cases to merge into, canned replies filled in."""
import math

from ..models import CannedResponse, Case
from . import rules
from .params import case_params

NEARBY_METRES = 300
NEARBY_LIMIT = 5
EARTH_METRES = 6_371_000
VARIABLES = ("code", "category", "due_date", "department")


def distance_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_METRES * math.asin(math.sqrt(a))


def nearby_open(case, metres=NEARBY_METRES, limit=NEARBY_LIMIT):
    """Open cases of the same category within `metres`, nearest first: merge candidates."""
    if case.latitude is None or case.longitude is None:
        return []
    # A bounding box narrows the rows in SQL; the exact distance is checked in Python.
    dlat = metres / 111_320
    dlon = metres / (111_320 * max(math.cos(math.radians(case.latitude)), 0.01))
    rows = (Case.select().where(
        (Case.category == case.category_id) & (Case.id != case.id)
        & Case.status.in_(rules.OPEN_STATUSES)
        & Case.latitude.between(case.latitude - dlat, case.latitude + dlat)
        & Case.longitude.between(case.longitude - dlon, case.longitude + dlon))
        .order_by(Case.id.desc()).limit(200))
    found = [(distance_m(case.latitude, case.longitude, c.latitude, c.longitude), c)
             for c in rows]
    found = sorted((pair for pair in found if pair[0] <= metres), key=lambda pair: pair[0])
    return [(round(d), c) for d, c in found[:limit]]


def fill(body, params):
    """Fill {code}, {category}, {due_date} and {department} in a canned text; leave the rest."""
    for name in VARIABLES:
        body = body.replace("{" + name + "}", str(params.get(name, "")))
    return body


def canned_for(case, locale):
    """The active canned responses that fit the case's category and status, filled in."""
    query = (CannedResponse.select().where(
        CannedResponse.active
        & (CannedResponse.category.is_null() | (CannedResponse.category == case.category_id))
        & (CannedResponse.status.is_null() | (CannedResponse.status == case.status)))
        .order_by(CannedResponse.title))
    params = case_params(case, locale)
    return [(c.title, fill(c.body_en if locale == "en" and c.body_en else c.body_vi, params))
            for c in query]
