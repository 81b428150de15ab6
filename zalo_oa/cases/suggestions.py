"""What the case page offers staff: nearby open cases to merge into, canned replies filled in."""
from ..models import CannedResponse, Case
from ..places.nearby import cases_near
from . import rules
from .params import case_params

NEARBY_METRES = 300
NEARBY_LIMIT = 5
VARIABLES = ("code", "category", "due_date", "department")


def nearby_open(case, metres=NEARBY_METRES, limit=NEARBY_LIMIT):
    """Open cases of the same category within `metres`, nearest first: merge candidates."""
    if case.latitude is None or case.longitude is None:
        return []
    return cases_near(case.latitude, case.longitude, case.category_id, rules.OPEN_STATUSES,
                      metres, limit, where=Case.id != case.id)


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
