"""Admin pages: staff accounts, categories and deadlines, canned responses, the audit log."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from .. import audit
from ..cases import rules
from ..models import AuditLog, CannedResponse, Category, Department, Staff
from ..text import whole_number
from . import access, forms, passwords
from .auth import hash_password

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_PAGE = 100


def _departments():
    return list(Department.select().order_by(Department.id))


def _department_field():
    department_id = forms.integer("department")
    department = Department.get_or_none(Department.id == department_id) if department_id else None
    if department_id and department is None:
        raise forms.FormError("choice")
    return department


def _password_field(required, username):
    """The password typed for an account, checked by the policy ("" when left empty)."""
    password = request.form.get("password") or ""
    if required or password:
        code = passwords.problem(password, username)
        if code is not None:
            raise forms.FormError(code)
    return password


def _staff_fields(member):
    """Apply the account form to `member` (role, department, name, Zalo id, e-mail and phone
    for reminders, language)."""
    member.name = forms.text("name", 128) or member.username
    member.role = forms.choice("role", access.ROLES)
    member.department = _department_field()
    if member.role == "department" and member.department is None:
        raise forms.FormError("department_required")
    member.zalo_user_id = forms.text("zalo_user_id", 64) or None
    member.email = forms.email("email")
    member.phone = forms.phone("phone")
    member.locale = forms.choice("locale", ("vi", "en"))


@bp.get("/staff")
@access.require(access.ADMIN)
def staff_list():
    """Every staff account, and a form for a new one."""
    return render_template("dashboard/admin/staff.html", members=Staff.select()
                           .order_by(Staff.username), departments=_departments(),
                           roles=access.ROLES, member=None)


@bp.post("/staff")
@access.require(access.ADMIN)
def staff_create():
    """Create a staff account."""
    with forms.flashing_errors():
        username = forms.text("username", 64, required=True)
        if Staff.select().where(Staff.username == username).exists():
            raise forms.FormError("username_taken")
        # The colleague chooses their own password when they first sign in.
        member = Staff(username=username, must_change_password=True,
                       password_hash=hash_password(_password_field(True, username)))
        _staff_fields(member)
        member.save()
        audit.record(g.staff, "staff_create", username, role=member.role)
        forms.done("done_staff_created", username=username)
    return redirect(url_for("admin.staff_list"))


@bp.get("/staff/<int:staff_id>")
@access.require(access.ADMIN)
def staff_edit(staff_id):
    """One account's form."""
    member = Staff.get_or_none(Staff.id == staff_id) or _not_found()
    return render_template("dashboard/admin/staff_edit.html", member=member,
                           departments=_departments(), roles=access.ROLES)


@bp.post("/staff/<int:staff_id>")
@access.require(access.ADMIN)
def staff_update(staff_id):
    """Change an account: role, department, active, Zalo id; a new password resets it."""
    member = Staff.get_or_none(Staff.id == staff_id) or _not_found()
    with forms.flashing_errors():
        _staff_fields(member)
        member.active = forms.checkbox("active")
        if member.id == g.staff.id and (not member.active or member.role != "admin"):
            raise forms.FormError("own_account")
        password = _password_field(False, member.username)
        if password:
            member.password_hash = hash_password(password)
            member.failed_logins, member.locked_until = 0, None
            member.must_change_password = member.id != g.staff.id
        member.save()
        if password or not member.active:
            access.end_sessions(member)  # a reset password or a closed account: sessions end
        audit.record(g.staff, "staff_update", member.username, role=member.role,
                     active=member.active, password_reset=bool(password))
        flash("saved", "ok")
    return redirect(url_for("admin.staff_edit", staff_id=member.id))


@bp.get("/categories")
@access.require(access.ADMIN)
def categories():
    """Categories with their department, deadlines and update interval."""
    # A category's own unit is a city unit; wards' units are reached by routing rules.
    city_units = [d for d in _departments() if d.area_code is None]
    return render_template("dashboard/admin/categories.html", departments=city_units,
                           categories=Category.select().order_by(Category.position, Category.id))


@bp.post("/categories/<int:category_id>")
@access.require(access.ADMIN)
def category_update(category_id):
    """Change a category's deadline (working days; hours when urgent), update interval,
    department or whether it is offered."""
    category = Category.get_or_none(Category.id == category_id) or _not_found()
    with forms.flashing_errors():
        category.deadline_days = forms.integer("deadline_days", 1, 365) or category.deadline_days
        category.urgent_hours = forms.integer("urgent_hours", 1, 168) or category.urgent_hours
        category.update_every_days = (forms.integer("update_every_days", 1, 30)
                                      or category.update_every_days)
        category.department = _department_field()
        category.active = forms.checkbox("active")
        category.save()
        audit.record(g.staff, "category_update", category.slug,
                     deadline_days=category.deadline_days, urgent_hours=category.urgent_hours,
                     update_every_days=category.update_every_days, active=category.active)
        flash("saved", "ok")
    return redirect(url_for("admin.categories"))


def _canned_fields(response):
    response.title = forms.text("title", 200, required=True)
    response.body_vi = forms.text("body_vi", 1900, required=True)
    response.body_en = forms.text("body_en", 1900) or None
    category_id = forms.integer("category")
    response.category = Category.get_or_none(Category.id == category_id) if category_id else None
    response.status = forms.choice("status", rules.STATUSES, required=False)
    response.active = forms.checkbox("active")


@bp.get("/canned")
@access.require(access.ADMIN)
def canned():
    """Canned responses, per category and status."""
    return render_template("dashboard/admin/canned.html", statuses=rules.STATUSES,
                           responses=CannedResponse.select().order_by(CannedResponse.title),
                           categories=Category.select().order_by(Category.position))


@bp.post("/canned")
@bp.post("/canned/<int:response_id>")
@access.require(access.ADMIN)
def canned_save(response_id=None):
    """Create or change a canned response."""
    response = (CannedResponse.get_or_none(CannedResponse.id == response_id) or _not_found()
                ) if response_id else CannedResponse()
    with forms.flashing_errors():
        _canned_fields(response)
        response.save()
        audit.record(g.staff, "canned_save", response.title, id=response.id)
        flash("saved", "ok")
    return redirect(url_for("admin.canned"))


@bp.get("/audit")
@access.require(access.ADMIN)
def audit_log():
    """Every staff action, newest first, a keyset page at a time (`before` an id)."""
    query = AuditLog.select().order_by(AuditLog.id.desc()).limit(AUDIT_PAGE + 1)
    before = whole_number(request.args.get("before", ""))
    if before is not None:
        query = query.where(AuditLog.id < before)
    rows = list(query)
    more = rows[AUDIT_PAGE - 1].id if len(rows) > AUDIT_PAGE else None
    return render_template("dashboard/admin/audit.html", rows=rows[:AUDIT_PAGE], before=more,
                           names={s.id: s.name or s.username for s in Staff.select()})


def _not_found():
    abort(404)
