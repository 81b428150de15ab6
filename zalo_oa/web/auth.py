"""Staff login: hashed passwords, a session cookie, a CSRF token on every form."""
import functools
import hmac
import secrets

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import check_password_hash

from ..models import Staff

bp = Blueprint("auth", __name__)


def csrf_token():
    """This session's CSRF token, made on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf():
    """Refuse a state-changing request whose form lacks this session's token."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        given = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token", "")
        if not hmac.compare_digest(given, session.get("csrf", "\0")):
            abort(400, "CSRF token missing or wrong")


def staff_required(view):
    """Let only a logged-in, active staff member through; others go to the login page."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        staff = Staff.get_or_none((Staff.id == session.get("staff_id")) & Staff.active)
        if staff is None:
            return redirect(url_for("auth.login", next=request.path))
        g.staff = staff
        check_csrf()
        return view(*args, **kwargs)

    return wrapped


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The staff login form."""
    error = None
    if request.method == "POST":
        check_csrf()
        staff = Staff.get_or_none(Staff.username == request.form.get("username", ""))
        if staff and staff.active and check_password_hash(staff.password_hash,
                                                           request.form.get("password", "")):
            session.clear()
            session["staff_id"] = staff.id
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/") and not target.startswith("//")
                            else url_for("dashboard.index"))
        error = "login_failed"
    return render_template("dashboard/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    """End the staff session."""
    check_csrf()
    session.clear()
    return redirect(url_for("auth.login"))


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions with the signer built once, not on every request.

    Flask opens the session for every request, webhook deliveries included; rebuilding the
    serializer each time was a visible share of a webhook request's CPU.
    """

    def get_signing_serializer(self, app):
        cached = app.extensions.get("session_serializer")
        if cached is None or cached[0] != app.secret_key:
            cached = (app.secret_key, super().get_signing_serializer(app))
            app.extensions["session_serializer"] = cached
        return cached[1]


def init_app(app):
    app.session_interface = SessionInterface()
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.register_blueprint(bp)
