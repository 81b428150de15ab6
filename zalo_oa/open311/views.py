"""Open311 GeoReport v2 under /open311/v2/: discovery, services, requests and tokens.

Machine endpoints: no staff login; partners' POSTs and the updates feed carry an API key.
Every endpoint answers in `.json` or `.xml`; errors use the spec's error body in the same
format, unknown paths under /open311/v2/ included (XML unless the path ends in `.json`).
"""
import datetime as dt
import logging

from flask import Blueprint, Response, current_app, request, send_from_directory, url_for

from ..cases import search
from ..cases.rules import OPEN_STATUSES
from ..models import Case, CasePhoto, Category, Department, TimelineEntry, utcnow
from ..text import whole_number
from ..timeutil import to_utc_naive, zone
from . import format as fmt_
from . import notes
from .partners import Open311Error, check_jurisdiction, create_request, media_dir, partner_for

log = logging.getLogger(__name__)

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

EXT = "<any(json,xml):fmt>"
DEFAULT_DAYS = 90
MAX_RESULTS = 1000
# Pages past this would skip more rows than any city has (and overflow OFFSET long before).
MAX_PAGE = 1_000_000


def respond(fmt, root, payload, status=200):
    return Response(fmt_.render(fmt, root, payload), status=status,
                    content_type=fmt_.FORMATS[fmt])


@bp.errorhandler(Open311Error)
def open311_error(exc):
    """The spec's error body, in the format the URL asked for."""
    fmt = (request.view_args or {}).get("fmt", "json")
    return error_response(fmt, exc.status, exc.description)


def error_response(fmt, code, description):
    log.info("open311 %s %s: %s %s", request.method, request.path, code, description)
    return respond(fmt, "errors", [fmt_.error(code, description)], code)


def outside_routes(exc):
    """A 404 or 405 under /open311/v2/ as the spec's error body."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    what = "not found" if exc.code == 404 else f"does not take {request.method}"
    return error_response(fmt, exc.code, f"{request.path} {what}")


def _departments():
    return {d.id: d for d in Department.select()}


@bp.get(f"/discovery.{EXT}")
def discovery(fmt):
    """Where this endpoint is and what it speaks."""
    base = url_for("open311.services", fmt="json", _external=True).rsplit("/", 1)[0] + "/"
    contact = current_app.config.get("PUBLIC_URL") or base
    return respond(fmt, "discovery", fmt_.discovery(base, "2026-01-01T00:00:00+07:00", contact))


@bp.get(f"/services.{EXT}")
def services(fmt):
    """Every active category as a service."""
    departments = _departments()
    return respond(fmt, "services", [fmt_.service(c, departments.get(c.department_id))
                                     for c in Category.listed()])


@bp.get(f"/services/<code>.{EXT}")
def service_definition(fmt, code):
    """A service's extra questions as attributes."""
    category = Category.get_or_none((Category.slug == code) & Category.active)
    if category is None:
        raise Open311Error(404, f"service_code {code} not found")
    return respond(fmt, "service_definition", fmt_.definition(category))


@bp.post(f"/requests.{EXT}")
def create(fmt):
    """A partner reports something: it becomes a normal case."""
    case, token = create_request(request.form, request.files, request.args)
    return respond(fmt, "service_requests", [fmt_.created(case, token)], 201)


@bp.get(f"/requests.{EXT}")
def requests_list(fmt):
    """Public requests, filtered as the spec says (default: the last 90 days, 1,000 at most)."""
    query = _filtered(Case.select().where(Case.is_public & Case.code.is_null(False)))
    page, size = _positive("page", 1), min(_positive("page_size", MAX_RESULTS), MAX_RESULTS)
    cases = list(query.order_by(Case.created_at.desc(), Case.id.desc()).paginate(page, size))
    return respond(fmt, "service_requests", _requests(cases))


@bp.get(f"/requests/<code>.{EXT}")
def request_one(fmt, code):
    """One public request, as a list of one (clients read `[0]`)."""
    case = Case.get_or_none((Case.code == code) & Case.is_public)
    if case is None:
        raise Open311Error(404, f"service_request_id {code} not found")
    return respond(fmt, "service_requests", _requests([case]))


@bp.get(f"/tokens/<token>.{EXT}")
def token_lookup(fmt, token):
    """The request id a POST's token became."""
    case = Case.get_or_none(Case.open311_token == token)
    if case is None:
        raise Open311Error(404, f"token {token} not found")
    return respond(fmt, "service_requests", [{"service_request_id": case.code, "token": token}])


@bp.get(f"/servicerequestupdates.{EXT}")
def request_updates(fmt):
    """mySociety's updates extension: what staff published on public requests, oldest first;
    `start_date`/`end_date` (default the last 90 days), `page`/`page_size`; needs an API key."""
    partner_for(request.args.get("api_key"))
    check_jurisdiction(request.args.get("jurisdiction_id"))
    query = (TimelineEntry.select(TimelineEntry, Case).join(Case)
             .where(Case.is_public & Case.code.is_null(False) & TimelineEntry.public
                    & TimelineEntry.kind.in_(notes.PUBLISHED_KINDS)))
    query = _dated(query, TimelineEntry.created_at)
    page, size = _positive("page", 1), min(_positive("page_size", MAX_RESULTS), MAX_RESULTS)
    entries = list(query.order_by(TimelineEntry.created_at, TimelineEntry.id).paginate(page, size))
    return respond(fmt, "service_request_updates", [
        fmt_.update(entry, entry.case.code, status, text, media_url)
        for entry, status, text, media_url in notes.updates(entries, _locale())])


@bp.get("/media/<name>")
def media(name):
    """A photo a partner uploaded with its request."""
    return send_from_directory(media_dir(), name, max_age=86400)


def _locale():
    """The jurisdiction's language, for the words partners pass on to people."""
    return current_app.config.get("DEFAULT_LOCALE", "vi")


def _requests(cases):
    departments, categories = _departments(), {c.id: c for c in Category.select()}
    photos = _first_photos([c.id for c in cases])
    said = notes.status_notes(cases, _locale())
    return [fmt_.request(c, categories[c.category_id], departments.get(c.department_id),
                         photos.get(c.id), said[c.id]) for c in cases]


def _first_photos(case_ids):
    found = {}
    if case_ids:
        for photo in CasePhoto.select().where(CasePhoto.case.in_(case_ids) &
                                              (CasePhoto.kind == "report")).order_by(CasePhoto.id):
            found.setdefault(photo.case_id, photo.url)
    return found


def _filtered(query):
    args = request.args
    ids = _csv("service_request_id")
    if ids:  # the spec: with ids, every other filter is ignored
        return query.where(Case.code.in_(ids))
    codes = _csv("service_code")
    if codes:
        query = query.join(Category).where(Category.slug.in_(codes))
    query = _dated(query, Case.created_at)
    # An extension to the spec: `q`, words of the description or address (full-text search).
    words = search.matches(args.get("q", "")[:100])
    if words is not None:
        query = query.where(words)
    return _by_status(query, _csv("status") if args.get("status") else [])


def _dated(query, column):
    """`start_date`..`end_date` on `column`, both inclusive and compared in whole seconds, the
    precision we publish (a case's own requested_datetime as end_date keeps it in)."""
    start, end = _date("start_date"), _date("end_date")
    if start is None and end is None:
        start = utcnow() - dt.timedelta(days=DEFAULT_DAYS)
    if start is not None:
        query = query.where(column >= start.replace(microsecond=0))
    if end is not None:
        query = query.where(column < end.replace(microsecond=0) + dt.timedelta(seconds=1))
    return query


def _by_status(query, wanted):
    if set(wanted) - {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed")
    if wanted == ["open"]:
        return query.where(Case.status.in_(OPEN_STATUSES))
    if wanted == ["closed"]:
        return query.where(Case.status.not_in(OPEN_STATUSES))
    return query


def _csv(name):
    return [v.strip() for v in request.args.get(name, "").split(",") if v.strip()]


def _date(name):
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        # A "+" offset arrives as a space when the client did not encode it.
        value = dt.datetime.fromisoformat(raw.replace(" ", "+") if "T" in raw else raw)
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C date-time") from None
    return to_utc_naive(value if value.tzinfo else value.replace(tzinfo=zone()))


def _positive(name, default):
    value = whole_number(str(request.args.get(name, default)), MAX_PAGE)
    if value is None:
        raise Open311Error(400, f"{name} must be a whole number from 1 to {MAX_PAGE}")
    if value < 1:
        raise Open311Error(400, f"{name} must be 1 or more")
    return value
