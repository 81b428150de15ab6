"""Error pages people read, in the dashboard's style and the reader's language: not found,
forbidden, bad request; and, while the database cannot be used, a plain 503 page that reloads
itself (no query runs to draw it). Machine endpoints keep their own error bodies (a package may
register one for its path prefix in app.extensions["error_bodies"], as Open311 does)."""
from flask import current_app, g, jsonify, render_template, request

from .. import db
from . import access

# Paths whose clients are programs: they keep the plain (or their own) error responses.
MACHINE_PATHS = ("/open311/", "/webhook/", "/sandbox/", "/healthz", "/media/")
PAGES = (400, 403, 404, 405)
RETRY_AFTER_SECONDS = 15


def _page(error):
    for prefix, body in current_app.extensions.get("error_bodies", ()):
        if request.path == prefix or request.path.startswith(prefix + "/"):
            return body(error)
    if request.path.startswith(MACHINE_PATHS) or not request.accept_mimetypes.accept_html:
        return error
    if "staff" not in g:
        g.staff = access.current_staff()
    csrf = error.code == 400 and "CSRF" in (error.description or "")
    return render_template("errors.html", code=error.code, csrf=csrf), error.code


def database_unavailable(exc):
    """503 for any page or API call that found the database down (logged once per outage)."""
    db.note_unavailable(exc)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _wants_data():
        return jsonify(error="database unavailable"), 503, headers
    page = render_template("dashboard/unavailable.html", retry_after=RETRY_AFTER_SECONDS)
    return page, 503, headers


def _wants_data():
    """An API caller: it prefers JSON to HTML, or asked for a .json/.xml resource (Open311)."""
    accept = request.accept_mimetypes
    return (accept.quality("application/json") > accept.quality("text/html")
            or request.path.endswith((".json", ".xml")))


def init_app(app):
    for code in PAGES:
        app.register_error_handler(code, _page)
    for error in db.UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)
