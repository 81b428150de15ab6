"""The staff dashboard's first page: the case inbox."""
from flask import Blueprint, current_app, g, render_template, request

from ..cases import queries, rules
from ..delivery.outbox import dashboard_reminders
from ..models import Department, Staff, utcnow
from . import access

bp = Blueprint("dashboard", __name__)
PAGE_SIZE = 50


@bp.get("/")
@access.require(access.READ)
def index():
    """The inbox: filtered, searched and sorted cases, a keyset page at a time."""
    filters = queries.parse(request.args)
    now, soon = utcnow(), current_app.config["DUE_SOON_HOURS"]
    rows, next_cursor = queries.page(filters, g.staff, now, PAGE_SIZE, soon)
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    return render_template(
        "dashboard/index.html", cases=rows, filters=filters, args=args, next_cursor=next_cursor,
        urgent=queries.urgent_open(g.staff) if not filters.after else [],
        counts=queries.counts(filters, g.staff, now, soon), statuses=rules.STATUSES,
        priorities=rules.PRIORITIES, categories=queries.categories_by_id(),
        departments={d.id: d for d in Department.select()},
        staff_names={s.id: s.name or s.username for s in Staff.select()},
        reminders=dashboard_reminders(g.staff, now))
