"""The staff dashboard: the case inbox, and the wiring of every dashboard blueprint."""
from flask import Blueprint, current_app, g, render_template, request

from .. import case_rules, inbox_query
from ..models import Alert, Department, Staff, utcnow
from . import (
    access,
    admin,
    admin_templates,
    auth,
    broadcast_views,
    case_views,
    handoff_views,
    i18n,
    open311,
    partner_keys,
    public,
    stats_views,
    uploads,
)

bp = Blueprint("dashboard", __name__)
PAGE_SIZE = 50


@bp.get("/")
@access.require(access.READ)
def index():
    """The inbox: filtered, searched and sorted cases, a keyset page at a time."""
    filters = inbox_query.parse(request.args)
    now, soon = utcnow(), current_app.config["DUE_SOON_HOURS"]
    rows, next_cursor = inbox_query.page(filters, g.staff, now, PAGE_SIZE, soon)
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    return render_template(
        "dashboard/index.html", cases=rows, filters=filters, args=args, next_cursor=next_cursor,
        counts=inbox_query.counts(filters, g.staff, now, soon), statuses=case_rules.STATUSES,
        priorities=case_rules.PRIORITIES, categories=inbox_query.categories_by_id(),
        departments={d.id: d for d in Department.select()},
        staff_names={s.id: s.name or s.username for s in Staff.select()})


def init_app(app):
    auth.init_app(app)
    i18n.init_app(app)
    # Alerts (a failed OA token refresh pauses sending) show on every page until resolved.
    app.jinja_env.globals["active_alerts"] = lambda: list(Alert.active())
    for blueprint in (bp, case_views.bp, handoff_views.bp, uploads.bp, admin.bp,
                      admin_templates.bp, open311.bp, public.bp, stats_views.bp, partner_keys.bp,
                      broadcast_views.bp):
        app.register_blueprint(blueprint)
