"""Staff login: hashed passwords, lockout after repeated failures, the session."""
import datetime as dt
import logging
import secrets

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..models import Staff, utcnow
from . import access, csrf

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

MAX_FAILURES = 5
LOCK_MINUTES = 15
HASH_METHOD = "scrypt"
# Checked against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(8), method=HASH_METHOD)


def hash_password(password):
    """A password hash with the current algorithm."""
    return generate_password_hash(password, method=HASH_METHOD)


def authenticate(username, password, now=None):
    """(staff, None) on success, else (None, "login_failed" | "locked"); counts failures."""
    now = now or utcnow()
    staff = Staff.get_or_none(Staff.username == username.strip())
    if staff is None or not staff.active:
        check_password_hash(_DUMMY_HASH, password)
        return None, "login_failed"
    if staff.locked_until is not None and staff.locked_until > now:
        return None, "locked"
    if not check_password_hash(staff.password_hash, password):
        _count_failure(staff, now)
        return None, "locked" if staff.locked_until else "login_failed"
    staff.failed_logins, staff.locked_until, staff.last_login_at = 0, None, now
    if not staff.password_hash.startswith(HASH_METHOD + ":"):
        staff.password_hash = hash_password(password)  # upgrade an older hash on the way in
    staff.save(only=[Staff.failed_logins, Staff.locked_until, Staff.last_login_at,
                     Staff.password_hash])
    return staff, None


def _count_failure(staff, now):
    staff.failed_logins += 1
    if staff.failed_logins >= MAX_FAILURES:
        staff.failed_logins, staff.locked_until = 0, now + dt.timedelta(minutes=LOCK_MINUTES)
        log.warning("staff %s locked for %d minutes after %d failed logins", staff.username,
                    LOCK_MINUTES, MAX_FAILURES)
        audit.record(staff, "locked_out", staff.username)
    staff.save(only=[Staff.failed_logins, Staff.locked_until])


def start_session(staff):
    """A fresh session for `staff` (a new id and CSRF token: no fixation)."""
    session.clear()
    session.permanent = True
    session["staff_id"], session["auth"] = staff.id, access.session_mark(staff)
    # Kept in the session too, so a page drawn without the account (database down) speaks it.
    session["locale"] = staff.locale
    csrf.new_token()


def safe_next(target):
    """Only a local path may be the place to go back to after login."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
@access.public
def login():
    """The staff login form."""
    if g.staff is not None and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    error = None
    if request.method == "POST":
        staff, error = authenticate(request.form.get("username", ""),
                                    request.form.get("password", ""))
        if staff is not None:
            start_session(staff)
            audit.record(staff, "login", staff.username)
            return redirect(safe_next(request.args.get("next")))
    status = 429 if error == "locked" else 401 if error else 200
    return render_template("dashboard/login.html", error=error), status


@bp.post("/logout")
@access.require(access.READ)
def logout():
    """End the staff session."""
    session.clear()
    return redirect(url_for("auth.login"))


@bp.post("/locale")
@access.public
def switch_locale():
    """Switch the dashboard's language (remembered on the staff account)."""
    locale = request.form.get("locale")
    if locale not in ("vi", "en"):
        abort(400)
    session["locale"] = locale
    if g.staff is not None:
        g.staff.locale = locale
        g.staff.save(only=[Staff.locale])
    return redirect(safe_next(request.form.get("next")))


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
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # Secure cookies whenever the service is reached over https.
    if (app.config.get("PUBLIC_URL") or "").startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=12)
    app.register_blueprint(bp)

