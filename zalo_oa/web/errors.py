"""Error pages people read (not found, forbidden, bad request) in the dashboard's style and the
reader's language; machine endpoints keep their own error bodies (a package may register
one for its path prefix in app.extensions["error_bodies"], as Open311 does)."""
from flask import current_app, g, render_template, request

from . import access

# Paths whose clients are programs: they keep the plain (or their own) error responses.
MACHINE_PATHS = ("/open311/", "/webhook/", "/sandbox/", "/healthz", "/media/")
PAGES = (400, 403, 404, 405)


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


def init_app(app):
    for code in PAGES:
        app.register_error_handler(code, _page)
