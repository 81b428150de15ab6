"""One case's page and the staff actions on it; every change goes through lifecycle.py."""
import datetime as dt

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from .. import areas
from ..cases import lifecycle, rules, suggestions
from ..config import map_tiles
from ..models import Case, CasePhoto, Category, Department, Staff
from ..text import display_phone, mask_email
from ..timeutil import to_local, to_utc_naive, zone
from . import access, forms, handoff_views, i18n, timeline, uploads

bp = Blueprint("case_views", __name__)


def _back(case):
    return redirect(url_for("case_views.case_page", code=case.code) + "#actions")


def contact(staff, case):
    """The reporter's name, phone (as stored, 84…) and email as `staff` may see them; for
    viewers masked, the phone already formatted."""
    citizen = case.citizen
    name = case.contact_name or (citizen.name or citizen.display_name if citizen else None)
    phone = case.contact_phone or (citizen.phone if citizen else None)
    if access.can_see_contact(staff, case):
        return {"name": name or "", "phone": phone or "", "email": case.contact_email or "",
                "masked": False}
    return {"name": (name[:1] + "***") if name else "",
            "phone": display_phone(phone, masked=True) if phone else "",
            "email": mask_email(case.contact_email), "masked": True}


def answers(case, locale):
    """(question, answer) of the case's answers to its category's extra questions (asked in
    chat, or sent by an Open311 partner), as staff read them; an answer to a question the
    category does not ask shows under its code, and an empty answer not at all."""
    given = {code: value for code, value in (case.attributes or {}).items()
             if value not in ("", None, [])}
    rows = []
    for question in case.category.questions or []:
        if question["code"] in given:
            rows.append((_in(question, "description", locale) or question["code"],
                         _answer_text(question, given.pop(question["code"]), locale)))
    return rows + [(code, ", ".join(map(str, value)) if isinstance(value, list) else str(value))
                   for code, value in given.items()]


def _in(item, key, locale):
    return (item.get(f"{key}_en") if locale == "en" else None) or item.get(key)


def _answer_text(question, value, locale):
    values = question.get("values") or []
    picked = [str(x) for x in value] if isinstance(value, list) else [str(value)]
    names = {str(v["key"]): _in(v, "name", locale) for v in values}
    return ", ".join(names.get(key, key) for key in picked)


def assignable(staff):
    """The staff a case may be assigned to (department staff: their own department's)."""
    query = Staff.select().where(Staff.active & Staff.role.in_(access.ACT))
    if staff.role == "department":
        query = query.where(Staff.department == staff.department_id)
    return list(query.order_by(Staff.name))


@bp.get("/cases/<code>")
@access.require(access.READ)
def case_page(code):
    """One case: what, where, who, its timeline of everything, and the actions staff may take."""
    case = access.case_or_404(code)
    can_act = access.can_act(g.staff, case)
    photos = list(CasePhoto.select().where(CasePhoto.case == case).order_by(CasePhoto.id))
    return render_template(
        "dashboard/case.html", case=case, can_act=can_act, contact=contact(g.staff, case),
        photos=[p for p in photos if p.kind != "after"],  # voice and video too: evidence
        after_photos=[p for p in photos if p.kind == "after"],
        answers=answers(case, i18n.current_locale()),
        categories=list(Category.listed()) if can_act else [],
        items=timeline.for_case(case), delivery_state=timeline.delivery_state,
        targets=rules.allowed(case.status) if can_act else (),
        priorities=rules.PRIORITIES, open_statuses=rules.OPEN_STATUSES,
        departments=list(Department.select().order_by(Department.id)),
        staff_choices=assignable(g.staff) if can_act else [],
        canned=suggestions.canned_for(case, i18n.current_locale()) if can_act else [],
        nearby=suggestions.nearby_open(case) if can_act else [],
        chat=handoff_views.state(case.citizen, case) if case.citizen else None,
        map_tiles=map_tiles(current_app.config),
        ward=areas.name_of(case.area_code) if case.area_code else "")


@bp.post("/cases/<code>/status")
@access.require(access.ACT)
def change_status(code):
    """Move the case along an allowed transition, with a public note pushed to the citizen."""
    case = access.case_or_404(code, for_action=True)
    with forms.flashing_errors():
        new = forms.choice("status", rules.STATUSES)
        target = None
        if new == "duplicate":
            wanted = forms.text("duplicate_of", 32, required=True).upper()
            target = Case.get_or_none(Case.code == wanted)
            if target is None or not access.can_view(g.staff, target):
                raise forms.FormError("target_not_found")
        photo = request.files.get("after_photo")
        photo_url = uploads.save_after_photo(photo) if (
            new == "resolved" and photo and photo.filename) else None
        entry = lifecycle.change_status(case, new, staff=g.staff, note=forms.text("note") or None,
                                        reason=forms.text("reason") or None,
                                        duplicate_of=target, after_photo_url=photo_url)
        words = i18n.labels(i18n.current_locale())
        forms.done("done_status_sent" if _told(entry) else "done_status",
                   status=words[f"status_{new}"])
    return _back(case)


def _told(entry):
    """True when the action queued a message to the citizen."""
    return bool((entry.data or {}).get("messages"))


@bp.post("/cases/<code>/assign")
@access.require(access.ACT)
def assign(code):
    """Route the case to a department and/or a person."""
    case = access.case_or_404(code, for_action=True)
    with forms.flashing_errors():
        department_id = forms.integer("department")
        assignee_id = forms.integer("assignee")
        department = Department.get_or_none(Department.id == department_id)
        assignee = next((s for s in assignable(g.staff) if s.id == assignee_id), None)
        if (department_id and department is None) or (assignee_id and assignee is None):
            raise forms.FormError("choice")
        changes = lifecycle.assign(case, staff=g.staff, department=department,
                                   assignee=assignee)
        if changes:
            who = [i18n.department_name(department)] if "department" in changes else []
            who += [assignee.name or assignee.username] if "assignee" in changes else []
            forms.done("done_assigned", to=", ".join(who))
        else:
            forms.done("done_nothing_changed")
    return _back(case)


@bp.post("/cases/<code>/category")
@access.require(access.ACT)
def change_category(code):
    """Put the case in another category (this correction teaches the bot)."""
    case = access.case_or_404(code, for_action=True)
    with forms.flashing_errors():
        category = Category.get_or_none(Category.id == forms.integer("category"))
        if category is None:
            raise forms.FormError("choice")
        lifecycle.change_category(case, category, g.staff)
    return _back(case)


@bp.post("/cases/<code>/priority")
@access.require(access.ACT)
def set_priority(code):
    """Change the case's priority."""
    case = access.case_or_404(code, for_action=True)
    with forms.flashing_errors():
        priority = forms.choice("priority", rules.PRIORITIES)
        lifecycle.set_priority(case, priority, staff=g.staff)
        forms.done("done_priority",
                   priority=i18n.labels(i18n.current_locale())[f"priority_{priority}"])
    return _back(case)


@bp.post("/cases/<code>/deadline")
@access.require(access.ACT)
def extend_deadline(code):
    """A later due date with a reason; the citizen receives both."""
    case = access.case_or_404(code, for_action=True)
    with forms.flashing_errors():
        day = forms.date("due_date")
        reason = forms.text("reason", 500, required=True)
        lifecycle.extend_deadline(case, g.staff, due_on(day, case.due_at), reason)
    return _back(case)


def due_on(day, current_due):
    """`day` (city calendar) at the time of day the case is due now (17:00 if it has none)."""
    clock = to_local(current_due).time() if current_due else dt.time(17, 0)
    return to_utc_naive(dt.datetime.combine(day, clock, tzinfo=zone()))


@bp.post("/cases/<code>/note")
@access.require(access.ACT)
def add_note(code):
    """An internal note on the timeline; never sent to the citizen."""
    case = access.case_or_404(code, for_action=True)
    with forms.flashing_errors():
        lifecycle.add_note(case, g.staff, forms.text("body", required=True))
        forms.done("done_note")
    return _back(case)


@bp.post("/cases/<code>/reply")
@access.require(access.ACT)
def reply(code):
    """A public reply to the citizen, sent through the outbox."""
    case = access.case_or_404(code, for_action=True)
    with forms.flashing_errors():
        entry = lifecycle.reply(case, g.staff, forms.text("body", 1900, required=True))
        forms.done("done_reply_sent" if _told(entry) else "done_reply_kept")
    return _back(case)
