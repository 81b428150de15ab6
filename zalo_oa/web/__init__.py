"""The staff dashboard and the pages people open in a browser: login, cases, announcements,
statistics, admin, the public case page and the OA's OAuth callback."""
from ..models import Alert
from . import (
    admin,
    admin_templates,
    auth,
    broadcast_views,
    case_views,
    csrf,
    dashboard,
    errors,
    handoff_views,
    i18n,
    oauth,
    partner_keys,
    public,
    stats_views,
    uploads,
)


def init_app(app):
    """Sessions, CSRF, the staff's language, and every page's blueprint."""
    auth.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    # Alerts (a failed OA token refresh pauses sending) show on every page until resolved.
    app.jinja_env.globals["active_alerts"] = lambda: list(Alert.active())
    for module in (dashboard, case_views, handoff_views, uploads, admin, admin_templates,
                   public, stats_views, partner_keys, broadcast_views, oauth):
        app.register_blueprint(module.bp)
