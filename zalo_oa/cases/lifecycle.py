"""Case lifecycle: opening a case, status changes, assignment, notes and replies."""
import datetime as dt
import logging

from flask import current_app

from .. import areas, audit
from ..db import database
from ..models import Case, CasePhoto, Category, TimelineEntry, TrainingExample, utcnow
from ..timeutil import add_working_days, to_local
from . import notify, rules, schedule

log = logging.getLogger(__name__)



def make_code(prefix, case_id, created_at):
    """The public code: prefix, year and month of filing (city time), and the case number."""
    return f"{prefix}-{to_local(created_at).strftime('%y%m')}-{case_id:06d}"


def open_case(citizen, draft, prefix="PA", channel="zalo"):
    """Create a case from a confirmed draft, with its photos, voice messages and videos, its
    answers to the category's extra questions and its first timeline entry. An urgent draft
    (an emergency the citizen chose to record) is due in the category's urgent hours, and
    staff are alerted."""
    category = Category.get(Category.slug == draft["category"])
    location = draft.get("location") or {}
    contact = draft.get("contact") or {}
    urgent = bool(draft.get("urgent"))
    now = utcnow()
    due_at = (now + dt.timedelta(hours=category.urgent_hours) if urgent
              else add_working_days(now, category.deadline_days))
    attributes = {k: v for k, v in (draft.get("attributes") or {}).items() if v is not None}
    with database.atomic():
        case = Case.create(
            citizen=citizen, category=category, department=category.department_id,
            description=draft["description"], latitude=location.get("latitude"),
            longitude=location.get("longitude"), address=location.get("address"),
            contact_name=contact.get("name"), contact_phone=contact.get("phone"),
            channel=channel, created_at=now, updated_at=now,
            is_public=draft.get("public", True), priority="urgent" if urgent else "normal",
            attributes=attributes or None, due_at=due_at)
        case.code = make_code(prefix, case.id, now)
        case.area_code = location.get("ward_code") or _area_of(location.get("address"), citizen)
        case.save(only=[Case.code, Case.area_code])
        for url in draft.get("photos", []):
            CasePhoto.create(case=case, url=url)
        for item in draft.get("media", []):
            CasePhoto.create(case=case, url=item["url"], kind=item["kind"])
        TimelineEntry.create(case=case, kind="created", actor="citizen", created_at=now,
                             data=_created_data(draft, channel))
        schedule.case_opened(case)
        if urgent:
            notify.urgent_case_opened(case)
    log.info("case %s opened (%s%s)", case.code, category.slug, ", urgent" if urgent else "")
    return case


def _created_data(draft, channel):
    data = {"channel": channel, "photos": len(draft.get("photos", []))}
    for key in ("when", "emergency"):
        if draft.get(key):
            data[key] = draft[key]
    if draft.get("media"):
        data["media"] = len(draft["media"])
    return data


def _area_of(address, citizen):
    """The ward a typed address names, else the reporter's own area, else None."""
    found = areas.match(address or "", current_app.config["PROVINCE_CODE"], limit=2)
    if len(found) == 1:
        return found[0].code
    return citizen.area_code if citizen is not None else None


def find_for_citizen(citizen, code):
    """The citizen's own case with this code, or None."""
    return Case.get_or_none((Case.code == code) & (Case.citizen == citizen))


def _actor(staff):
    return staff.username if staff is not None else "system"


def change_status(case, new, staff=None, note=None, reason=None, duplicate_of=None,
                  after_photo_url=None, actor=None):
    """Move a case to `new`, record it, and queue the citizen's push, in one transaction.

    `note` is public (sent to the citizen); `reason` is required to reject; `duplicate_of`
    names the case this one repeats. Raises rules.TransitionError when not allowed.
    """
    old = case.status
    rules.check_transition(old, new, reason, duplicate_of, case.id)
    now = utcnow()
    with database.atomic():
        case.status, case.updated_at = new, now
        if new == "resolved":
            case.resolved_at = now
        if new == "closed":
            case.closed_at = now
        if new == "rejected":
            case.reject_reason = reason.strip()
        if new == "duplicate":
            case.duplicate_of = duplicate_of
        if new == "reopened":
            case.reopen_count += 1
            case.resolved_at = case.closed_at = None
        if staff is not None and case.first_response_at is None:
            case.first_response_at = now
        case.save()
        if after_photo_url:
            CasePhoto.create(case=case, url=after_photo_url, kind="after")
        entry = TimelineEntry.create(
            case=case, kind="status", actor=actor or _actor(staff), staff=staff, body=note,
            public=True, data={"from": old, "to": new, "reason": reason,
                               "duplicate_of": duplicate_of.code if duplicate_of else None})
        if staff is not None:
            audit.record(staff, "change_status", case.code, old=old, new=new)
            notify.urgent_case_handled(case)
        notify.status_changed(case, entry, note=note, after_photo_url=after_photo_url)
        schedule.status_changed(case, old, entry.id, now)
    log.info("case %s: %s -> %s", case.code, old, new)
    return entry


def assign(case, staff=None, department=None, assignee=None):
    """Route a case to a department and/or a person; a new case becomes `assigned`."""
    with database.atomic():
        changes = {}
        if department is not None and department.id != case.department_id:
            case.department, changes["department"] = department, department.slug
        if assignee is not None and assignee.id != case.assigned_to_id:
            case.assigned_to, changes["assignee"] = assignee, assignee.username
        if not changes:
            return None
        case.updated_at = utcnow()
        case.save()
        TimelineEntry.create(case=case, kind="assignment", actor=_actor(staff), staff=staff,
                             data=changes)
        if staff is not None:
            audit.record(staff, "assign", case.code, **changes)
            notify.urgent_case_handled(case)
        if case.status in ("new", "received", "reopened"):
            change_status(case, "assigned", staff=staff)
    return changes


def change_category(case, category, staff):
    """Staff put the case in another category. Its department follows when it was still the
    old category's own; the (description, category) pair teaches the category model."""
    old = case.category
    if category.id == old.id:
        return None
    with database.atomic():
        changes = {"from": old.slug, "to": category.slug}
        case.category = category
        if case.department_id in (None, old.department_id) and category.department_id:
            case.department = category.department_id
            changes["department"] = category.department.slug
        case.updated_at = utcnow()
        case.save(only=[Case.category, Case.department, Case.updated_at])
        TimelineEntry.create(case=case, kind="category", actor=_actor(staff), staff=staff,
                             data=changes)
        TrainingExample.create(text=case.description, category_slug=category.slug,
                               source="staff", case=case, staff=staff)
        audit.record(staff, "change_category", case.code, old=old.slug, new=category.slug)
        notify.urgent_case_handled(case)
    log.info("case %s: category %s -> %s", case.code, old.slug, category.slug)
    return changes


def set_priority(case, priority, staff=None):
    """Change a case's priority."""
    if priority not in rules.PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}")
    with database.atomic():
        old, case.priority = case.priority, priority
        case.save(only=[Case.priority])
        TimelineEntry.create(case=case, kind="priority", actor=_actor(staff), staff=staff,
                             data={"from": old, "to": priority})
        if staff is not None:
            audit.record(staff, "set_priority", case.code, old=old, new=priority)


def add_note(case, staff, body):
    """An internal note: on the timeline, never sent to the citizen."""
    with database.atomic():
        entry = TimelineEntry.create(case=case, kind="note", actor=_actor(staff), staff=staff,
                                     body=body.strip())
        audit.record(staff, "add_note", case.code)
    return entry


def reply(case, staff, text):
    """A public reply from staff to the case's citizen, through the outbox."""
    with database.atomic():
        entry = TimelineEntry.create(case=case, kind="reply", actor=_actor(staff), staff=staff,
                                     body=text.strip(), public=True)
        notify.staff_replied(case, entry)
        if case.first_response_at is None:
            case.first_response_at = entry.created_at
            case.save(only=[Case.first_response_at])
        audit.record(staff, "reply", case.code)
    return entry
