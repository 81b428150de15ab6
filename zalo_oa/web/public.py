"""What anyone may see without logging in: one case's shareable page, and the map of reports
around the city. No personal data: no names or phones, the citizen's words only once staff
approved them (else the category and the ward), photos only those staff made public.

Citizens get a case's link in their confirmation and status messages; the press may open it too.
"""
import datetime as dt

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for

from .. import areas
from ..cases import moderation, rules
from ..models import Case, Category, TimelineEntry, utcnow
from ..timeutil import format_date
from . import access, i18n

bp = Blueprint("public", __name__)
LISTED = 500
STATUS_FILTERS = ("open", "fixed")
FIXED_STATUSES = ("resolved", "closed")


def public_case(code):
    """The case with this code if its citizen let it be public, else 404."""
    case = Case.get_or_none((Case.code == code) & Case.is_public)
    if case is None:
        abort(404)
    return case


def public_steps(case):
    """The case's story as (time, status) steps: no staff names, no message texts."""
    entries = (TimelineEntry.select()
               .where((TimelineEntry.case == case) & TimelineEntry.kind.in_(("created", "status")))
               .order_by(TimelineEntry.created_at, TimelineEntry.id))
    return [(e.created_at, "new" if e.kind == "created" else (e.data or {}).get("to"))
            for e in entries]


def public_facts(case, locale, photos):
    """What the public is shown of a case (a JSON-ready dict); `photos` are its public ones."""
    category = case.category.name_en if locale == "en" else case.category.name_vi
    ward = areas.name_of(case.area_code) if case.area_code else ""
    return {
        "code": case.code, "category": category, "status": case.status, "ward": ward,
        "ward_code": case.area_code or "", "category_slug": case.category.slug,
        "created": format_date(case.created_at), "followers": case.follower_count,
        # The citizen's own words (and the address they typed) only once staff approved them.
        "description": case.description if case.description_public else "",
        "address": (case.address or "") if case.description_public else "",
        "lat": round(case.latitude, 5) if case.latitude is not None else None,
        "lon": round(case.longitude, 5) if case.longitude is not None else None,
        "url": url_for("public.case_page", code=case.code),
        "photos": [_photo_url(p) for p in photos],
    }


def _photo_url(photo):
    if photo.kind == "after":
        return {"full": photo.url, "thumb": photo.thumbnail or photo.url}
    return {"full": url_for("evidence_views.public_copy", photo_id=photo.id),
            "thumb": url_for("evidence_views.public_thumbnail", photo_id=photo.id)}


@bp.get("/p/<code>")
@access.public
def case_page(code):
    """One case as anyone may see it."""
    case = public_case(code)
    photos = moderation.public_photos([case]).get(case.id, [])
    facts = public_facts(case, i18n.current_locale(), photos)
    return render_template("public/case.html", case=case, facts=facts, steps=public_steps(case))


# --- the map of reports -------------------------------------------------------------------

def parse_filters(args):
    """(category slug, ward code, status filter) from the query string; unknown values ignored."""
    category = args.get("category", "")
    ward = args.get("ward", "")
    status = args.get("status", "")
    known = {a.code for a in areas.areas(current_app.config["PROVINCE_CODE"])}
    return (category if Category.select().where(Category.slug == category).exists() else "",
            ward if ward in known else "", status if status in STATUS_FILTERS else "")


def listed_cases(category, ward, status, now):
    """Public cases that are open, or fixed within PUBLIC_MAP_DAYS, newest first."""
    since = now - dt.timedelta(days=current_app.config["PUBLIC_MAP_DAYS"])
    fixed = Case.status.in_(FIXED_STATUSES) & (Case.resolved_at >= since)
    shown = {"open": Case.status.in_(rules.OPEN_STATUSES), "fixed": fixed}.get(
        status, Case.status.in_(rules.OPEN_STATUSES) | fixed)
    query = Case.select(Case, Category).join(Category).where(Case.is_public & shown)
    if category:
        query = query.where(Category.slug == category)
    if ward:
        query = query.where(Case.area_code == ward)
    return query.order_by(Case.id.desc()).limit(LISTED)


def _reports(args):
    locale = i18n.current_locale()
    category, ward, status = parse_filters(args)
    listed = list(listed_cases(category, ward, status, utcnow()))
    photos = moderation.public_photos(listed)
    cases = [public_facts(c, locale, photos.get(c.id, [])) for c in listed]
    return cases, {"category": category, "ward": ward, "status": status}


@bp.get("/reports")
@access.public
def reports():
    """The map and list of reports around the city, with filters."""
    cases, chosen = _reports(request.args)
    wards = sorted(areas.areas(current_app.config["PROVINCE_CODE"]), key=lambda a: a.core)
    words = i18n.labels(i18n.current_locale())
    map_data = {"cases": [c for c in cases if c["lat"] is not None],
                "status": {s: words[f"status_{s}"] for s in rules.STATUSES},
                "followers": words["followers_count"]}
    return render_template("public/reports.html", cases=cases, chosen=chosen, wards=wards,
                           categories=list(Category.listed()), map_data=map_data)


@bp.get("/reports.json")
@access.public
def reports_data():
    """The same reports as JSON (open data)."""
    cases, chosen = _reports(request.args)
    return jsonify({"filters": chosen, "cases": cases})
