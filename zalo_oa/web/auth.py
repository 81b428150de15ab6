"""Staff login: hashed passwords, lockout after repeated failures, the session."""
import datetime as dt
import logging
import re
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
    """(staff, None) on success, else (None, "login_failed").

    An unknown, inactive or locked account and a wrong password get the same answer after the
    same work (a hash check), so the answer tells nobody which usernames exist. Each attempt
    is counted before its password is checked, in one UPDATE, so a burst of parallel guesses
    gets MAX_FAILURES checks, not one per request.
    """
    now = now or utcnow()
    staff = Staff.get_or_none(Staff.username == username.strip())
    if staff is None or not staff.active or not _reserve_attempt(staff, now):
        check_password_hash(_DUMMY_HASH, password)
        return None, "login_failed"
    if not check_password_hash(staff.password_hash, password):
        _lock_if_exhausted(staff, now)
        return None, "login_failed"
    changes = {Staff.failed_logins: 0, Staff.locked_until: None, Staff.last_login_at: now}
    if not staff.password_hash.startswith(HASH_METHOD + ":"):
        changes[Staff.password_hash] = hash_password(password)  # upgrade an older hash
    Staff.update(changes).where(Staff.id == staff.id).execute()
    return Staff.get_by_id(staff.id), None


def _reserve_attempt(staff, now):
    """Count this attempt as a failure before checking it; False when the account is locked
    or has MAX_FAILURES attempts in flight or failed already."""
    reserved = (Staff.update(failed_logins=Staff.failed_logins + 1)
                .where((Staff.id == staff.id) & (Staff.failed_logins < MAX_FAILURES)
                       & (Staff.locked_until.is_null() | (Staff.locked_until <= now)))
                .execute())
    return reserved == 1


def _lock_if_exhausted(staff, now):
    """Lock the account once MAX_FAILURES attempts failed (one request does it, once)."""
    locked = (Staff.update(failed_logins=0, locked_until=now + dt.timedelta(minutes=LOCK_MINUTES))
              .where((Staff.id == staff.id) & (Staff.failed_logins >= MAX_FAILURES)).execute())
    if locked:
        log.warning("staff %s locked for %d minutes after %d failed logins", staff.username,
                    LOCK_MINUTES, MAX_FAILURES)
        audit.record(staff, "locked_out", staff.username)


def start_session(staff):
    """A fresh session for `staff` (a new id and CSRF token: no fixation)."""
    session.clear()
    session.permanent = True
    session["staff_id"], session["auth"] = staff.id, access.session_mark(staff)
    # Kept in the session too, so a page drawn without the account (database down) speaks it.
    session["locale"] = staff.locale
    csrf.new_token()


# A path on this site: one leading slash, then no backslash, space or control character
# (browsers drop tabs and newlines, so "/\t/evil.example" would become "//evil.example").
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\x00-\x20\x7f\\]*")


def safe_next(target):
    """Only a path on this site may be the place to go back to (after login, a language
    switch); anything else goes to the inbox."""
    if target and _LOCAL_PATH.fullmatch(target):
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
    return render_template("dashboard/login.html", error=error), 401 if error else 200


@bp.post("/logout")
@access.require(access.READ)
def logout():
    """End the staff member's sessions: this cookie, and any copy of it, stops working."""
    access.end_sessions(g.staff)
    audit.record(g.staff, "logout", g.staff.username)
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

