"""One case's page and the staff actions on it; every change goes through lifecycle.py."""
from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from ..cases import lifecycle, rules, suggestions
from ..models import Case, CasePhoto, Category, Department, Staff
from ..text import mask_phone
from . import access, forms, i18n, timeline, uploads

bp = Blueprint("case_views", __name__)


def _back(case):
    return redirect(url_for("case_views.case_page", code=case.code) + "#actions")


def contact(staff, case):
    """The citizen's name and phone as `staff` may see them (masked for viewers)."""
    citizen = case.citizen
    name = case.contact_name or (citizen.name or citizen.display_name if citizen else None)
    phone = case.contact_phone or (citizen.phone if citizen else None)
    if access.can_see_contact(staff, case):
        return {"name": name or "", "phone": phone or "", "masked": False}
    return {"name": (name[:1] + "***") if name else "", "phone": mask_phone(phone),
            "masked": True}


MEDIA_KINDS = ("audio", "video")


def answers(case, locale):
    """(question, answer) of the case's answers to its category's extra questions, as staff
    read them; an answer to a question the category no longer asks shows under its code."""
    given = dict(case.attributes or {})
    rows = []
    for question in case.category.questions or []:
        if question["code"] in given:
            rows.append((_in(question, "description", locale) or question["code"],
                         _answer_text(question, given.pop(question["code"]), locale)))
    return rows + [(code, str(value)) for code, value in given.items()]


def _in(item, key, locale):
    return (item.get(f"{key}_en") if locale == "en" else None) or item.get(key)


def _answer_text(question, value, locale):
    values = question.get("values") or []
    chosen = [v for v in values if str(v["key"]) in
              ([str(x) for x in value] if isinstance(value, list) else [str(value)])]
    return ", ".join(_in(v, "name", locale) for v in chosen) if chosen else str(value)


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
        photos=[p for p in photos if p.kind not in ("after", *MEDIA_KINDS)],
        after_photos=[p for p in photos if p.kind == "after"],
        media=[p for p in photos if p.kind in MEDIA_KINDS],
        answers=answers(case, i18n.current_locale()),
        categories=list(Category.listed()) if can_act else [],
        items=timeline.for_case(case), delivery_state=timeline.delivery_state,
        targets=rules.allowed(case.status) if can_act else (),
        priorities=rules.PRIORITIES,
        departments=list(Department.select().order_by(Department.id)),
        staff_choices=assignable(g.staff) if can_act else [],
        canned=suggestions.canned_for(case, i18n.current_locale()) if can_act else [],
        nearby=suggestions.nearby_open(case) if can_act else [],
        tile_url=current_app.config.get("MAP_TILE_URL") or "")


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
        lifecycle.change_status(case, new, staff=g.staff, note=forms.text("note") or None,
                            reason=forms.text("reason") or None, duplicate_of=target,
                            after_photo_url=photo_url)
    return _back(case)


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
        lifecycle.assign(case, staff=g.staff, department=department, assignee=assignee)
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
        lifecycle.set_priority(case, forms.choice("priority", rules.PRIORITIES), staff=g.staff)
    return _back(case)


@bp.post("/cases/<code>/note")
@access.require(access.ACT)
def add_note(code):
    """An internal note on the timeline; never sent to the citizen."""
    case = access.case_or_404(code, for_action=True)
    with forms.flashing_errors():
        lifecycle.add_note(case, g.staff, forms.text("body", required=True))
    return _back(case)


@bp.post("/cases/<code>/reply")
@access.require(access.ACT)
def reply(code):
    """A public reply to the citizen, sent through the outbox."""
    case = access.case_or_404(code, for_action=True)
    with forms.flashing_errors():
        lifecycle.reply(case, g.staff, forms.text("body", 1900, required=True))
    return _back(case)
