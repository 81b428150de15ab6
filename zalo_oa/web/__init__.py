"""The staff dashboard and the pages people open in a browser: login, cases, announcements,
statistics, admin, the public case page and the OA's OAuth callback."""
from flask import current_app, g

from .. import links
from ..config import map_tiles
from ..models import Alert, Case
from . import (
    access,
    account,
    admin,
    admin_templates,
    auth,
    broadcast_views,
    case_views,
    csrf,
    dashboard,
    errors,
    evidence_views,
    handoff_views,
    i18n,
    intake_views,
    oauth,
    partner_keys,
    public,
    routing_views,
    stats_views,
    uploads,
    wording,
)


def visible_alerts():
    """The active alerts this staff member should see: every alert about the service, and an
    urgent case's only when they may see that case (a department sees its own)."""
    shown = []
    for alert in Alert.active():
        kind, _, code = alert.kind.partition(":")
        if kind == Alert.CASE:
            case = Case.get_or_none(Case.code == code)
            if case is None or g.get("staff") is None or not access.can_view(g.staff, case):
                continue
        shown.append(alert)
    return shown


def init_app(app):
    """Sessions, CSRF, the staff's language, and every page's blueprint."""
    auth.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    wording.init_app(app)
    errors.init_app(app)
    # Alerts (a failed OA token refresh pauses sending) show on every page until resolved.
    app.jinja_env.globals["active_alerts"] = visible_alerts
    # Outside URLs (photos, images) become links only when http(s) or a path here.
    app.jinja_env.filters["link"] = links.safe_link
    # /healthz shows its details to a logged-in admin, and asks here who that is.
    app.extensions["zalo_oa.current_staff"] = access.current_staff
    # Every map's tiles: MAP_TILE_URL (OpenStreetMap's standard tiles unless set).
    app.jinja_env.globals["map_tiles"] = lambda: map_tiles(current_app.config)
    for module in (dashboard, case_views, handoff_views, intake_views, uploads, account, admin,
                   admin_templates, public, stats_views, partner_keys, broadcast_views, oauth,
                   routing_views, evidence_views):
        app.register_blueprint(module.bp)
