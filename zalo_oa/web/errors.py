"""What people see while the database cannot be used: a plain 503 page in the staff's language
(or a JSON answer to API clients), which reloads itself; no query runs to draw it."""
from flask import jsonify, render_template, request

from .. import db

RETRY_AFTER_SECONDS = 15


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
    for error in db.UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)
