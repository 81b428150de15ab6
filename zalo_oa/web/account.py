"""The signed-in staff member's own account: change the password (asked first when the account
was given a password by someone else, such as the demo's first admin)."""
from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.security import check_password_hash

from .. import audit
from ..models import Staff
from . import access, auth, forms, passwords

bp = Blueprint("account", __name__)


@bp.route("/account/password", methods=["GET", "POST"])
@access.require(access.READ)
def password():
    """Change one's own password: the current one, then a new one the policy accepts."""
    if request.method == "GET":
        return render_template("dashboard/account_password.html")
    error = _refusal(g.staff)
    if error:
        return render_template("dashboard/account_password.html", error=error), 400
    g.staff.password_hash = auth.hash_password(request.form["new_password"])
    g.staff.must_change_password = False
    g.staff.save(only=[Staff.password_hash, Staff.must_change_password])
    audit.record(g.staff, "password_change", g.staff.username)
    auth.start_session(g.staff)  # the session mark follows the new hash
    forms.done("done_password_changed")
    return redirect(url_for("dashboard.index"))


def _refusal(staff):
    """The label saying why the form cannot be accepted, or None."""
    current = request.form.get("current_password") or ""
    new = request.form.get("new_password") or ""
    if not check_password_hash(staff.password_hash, current):
        return "error_current_password"
    if new != (request.form.get("confirm_password") or ""):
        return "error_password_mismatch"
    if new == current:
        return "error_password_same"
    code = passwords.problem(new, staff.username)
    return f"error_{code}" if code else None
