"""The staff dashboard: the case inbox and each case's page."""
from flask import Blueprint, abort, render_template, request
from peewee import fn

from .. import case_rules
from ..models import Case, CasePhoto, OutboxMessage, TimelineEntry
from ..timeutil import format_datetime
from . import auth

bp = Blueprint("dashboard", __name__)
PAGE_SIZE = 50


@bp.get("/")
@auth.staff_required
def index():
    """The newest cases, optionally of one status, with counts per status."""
    status = request.args.get("status") or None
    query = Case.select().order_by(Case.id.desc())
    if status in case_rules.STATUSES:
        query = query.where(Case.status == status)
    counts = dict(Case.select(Case.status, fn.COUNT(Case.id)).group_by(Case.status).tuples())
    return render_template("dashboard/index.html", cases=query.limit(PAGE_SIZE),
                           counts=counts, status=status, statuses=case_rules.STATUSES)


@bp.get("/cases/<code>")
@auth.staff_required
def case_page(code):
    """One case: what was reported, where, its photos, its timeline and its messages."""
    case = Case.get_or_none(Case.code == code)
    if case is None:
        abort(404)
    return render_template(
        "dashboard/case.html", case=case,
        photos=CasePhoto.select().where(CasePhoto.case == case),
        timeline=TimelineEntry.select().where(TimelineEntry.case == case)
        .order_by(TimelineEntry.created_at),
        messages=OutboxMessage.select().where(OutboxMessage.case == case)
        .order_by(OutboxMessage.id))


def init_app(app):
    auth.init_app(app)
    app.jinja_env.filters["local_time"] = format_datetime
    app.register_blueprint(bp)
