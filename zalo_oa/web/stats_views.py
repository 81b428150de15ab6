"""The statistics page (charts and a map) and the CSV export of cases, with the same filters."""
import csv
import datetime as dt
import io

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    render_template,
    request,
    stream_with_context,
)

from .. import areas, spreadsheet
from ..cases import rollup, stats
from ..config import map_tiles
from ..models import Category, Department, utcnow
from ..text import clean_lines, display_phone, whole_number
from ..timeutil import format_datetime, to_utc_naive, zone
from . import access, i18n

bp = Blueprint("stats_views", __name__)

DEFAULT_DAYS = 84  # twelve weeks
PII_ROLES = ("admin", "operator")
BOM = "\ufeff"  # so spreadsheet apps read the file as UTF-8 and show Vietnamese right


def _day(name):
    """A YYYY-MM-DD query argument as the start of that day in city time (naive UTC), or None."""
    try:
        day = dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return to_utc_naive(dt.datetime.combine(day, dt.time(), zone()))


def _id(name):
    return whole_number(request.args.get(name, ""))


def parse_filters():
    """The filters from the query string; department staff only ever see their own unit."""
    end = _day("to")
    filters = stats.Filters(
        start=_day("from") or utcnow() - dt.timedelta(days=DEFAULT_DAYS),
        end=end + dt.timedelta(days=1) if end else None, category=_id("category"),
        department=_id("department"), area=request.args.get("area", "").strip()[:100])
    if g.staff.role == "department":
        filters.department = g.staff.department_id or -1
    return filters


@bp.get("/stats")
@access.require(access.READ)
def page():
    """Charts of how the units are doing, with filters and a map of open cases."""
    filters = parse_filters()
    categories, departments = stats.names(i18n.current_locale())
    now = utcnow()
    data = stats.summary(filters, now, rollup.plan(filters, now))
    return render_template(
        "stats/index.html", data=data, filters=filters,
        args={k: v for k, v in request.args.items() if v}, category_names=categories,
        department_names=departments, categories=list(Category.listed()),
        departments=list(Department.select().order_by(Department.id)),
        ward_names=ward_names(data), map_tiles=map_tiles(current_app.config))


def ward_names(data):
    """{ward code: name} of the wards the per-area chart names."""
    codes = {code for week in data["per_area"].values() for code in week if code}
    return {code: areas.name_of(code) for code in codes}


COLUMNS = ("code", "created_at", "category", "department", "status", "priority", "channel",
           "address", "area_code", "latitude", "longitude", "due_at", "resolved_at", "rating",
           "description")
PII_COLUMNS = ("contact_name", "contact_phone", "contact_email")


def csv_line(values):
    buffer = io.StringIO()
    csv.writer(buffer).writerow(spreadsheet.row(values))
    return buffer.getvalue()


def csv_values(case, categories, departments, with_pii):
    """One case as a CSV row (contact details only when `with_pii`)."""
    values = [case.code, format_datetime(case.created_at), categories.get(case.category_id, ""),
              departments.get(case.department_id, ""), case.status, case.priority, case.channel,
              case.address or "", case.area_code or "", case.latitude, case.longitude,
              format_datetime(case.due_at), format_datetime(case.resolved_at), case.rating,
              clean_lines(case.description)]
    if with_pii:
        # The phone as people write it ("0912 345 678"): spreadsheets keep it as text.
        values += [case.contact_name or "", display_phone(case.contact_phone),
                   case.contact_email or ""]
    return values


@bp.get("/stats/export.csv")
@access.require(access.READ)
def export():
    """The filtered cases as CSV, streamed (UTF-8 with BOM)."""
    filters, with_pii = parse_filters(), g.staff.role in PII_ROLES
    categories, departments = stats.names(i18n.current_locale())

    def generate():
        yield BOM + csv_line(COLUMNS + (PII_COLUMNS if with_pii else ()))
        for case in stats.in_batches(filters):
            yield csv_line(csv_values(case, categories, departments, with_pii))

    stamp = utcnow().strftime("%Y%m%d")
    return Response(stream_with_context(generate()), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="cases-{stamp}.csv"'})
