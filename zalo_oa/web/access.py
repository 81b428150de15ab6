"""Who may do what: staff roles, the rules per case, and the guard every dashboard view wears.

A view says who may use it (`@access.require(READ)`, `ACT`, `ADMIN`, or `@access.public`); the
guard sends anonymous visitors to the login page and answers 403 to a role that is not allowed.
CSRF is checked app-wide (csrf.py), not here. The route-access test reads the `access`
attribute the guard leaves on each view.
"""
import functools

from flask import abort, g, redirect, request, session, url_for

from ..models import Case, Staff

ROLES = ("admin", "operator", "department", "viewer")
READ = ROLES
ACT = ("admin", "operator", "department")
ADMIN = ("admin",)
PUBLIC = "public"
# Where an account that must change its password may still go.
PASSWORD_PAGES = ("account.password", "auth.logout")


def current_staff():
    """The logged-in, active staff member of this session, or None."""
    staff_id = session.get("staff_id")
    if staff_id is None:
        return None
    staff = Staff.get_or_none((Staff.id == staff_id) & Staff.active)
    # The mark changes on logout, a password reset or deactivation (end_sessions), which ends
    # every session opened before, whatever cookie is still around.
    if staff is None or session.get("auth") != session_mark(staff):
        return None
    return staff


def session_mark(staff):
    """The account's session version and a short fingerprint of its password hash, kept in
    its sessions."""
    return f"{staff.session_version}:{staff.password_hash[-16:]}"


def end_sessions(staff):
    """End every session of `staff` on the server (logout, password reset, deactivation)."""
    Staff.update(session_version=Staff.session_version + 1).where(Staff.id == staff.id).execute()
    staff.session_version += 1


def require(roles):
    """Let only logged-in staff with one of `roles` through."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if staff.role not in roles:
                abort(403)
            g.staff = staff
            if staff.must_change_password and request.endpoint not in PASSWORD_PAGES:
                return redirect(url_for("account.password"))
            return view(*args, **kwargs)

        guarded.access = tuple(roles)
        return guarded

    return decorate


def public(view):
    """A page anyone may open (login, language); CSRF is still checked on its posts."""

    @functools.wraps(view)
    def open_view(*args, **kwargs):
        g.staff = current_staff()
        return view(*args, **kwargs)

    open_view.access = PUBLIC
    return open_view


# --- rules per case (pure: staff and case in, yes or no out) --------------------------------

def can_view(staff, case):
    """Department staff see their department's cases; every other role sees all."""
    if staff.role == "department":
        return staff.department_id is not None and case.department_id == staff.department_id
    return staff.role in ROLES


def can_act(staff, case):
    """Admins and operators act on any case, department staff on their own; viewers never."""
    return staff.role in ("admin", "operator") or (
        staff.role == "department" and can_view(staff, case))


def can_see_contact(staff, case):
    """The citizen's name and phone: for those who may act on the case, not for viewers."""
    return can_act(staff, case)


def case_or_404(code, for_action=False):
    """The case with this code that g.staff may see (and act on), else 404 or 403."""
    case = Case.get_or_none(Case.code == code)
    if case is None or not can_view(g.staff, case):
        abort(404)
    if for_action and not can_act(g.staff, case):
        abort(403)
    return case
