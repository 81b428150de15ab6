"""Case lifecycle: opening a case, status changes, assignment, notes and replies."""
import logging

from flask import current_app

from .. import audit
from ..db import database
from ..evidence import archive
from ..models import Case, CasePhoto, Category, TimelineEntry, TrainingExample, utcnow
from ..places import boundaries, resolve
from ..timeutil import format_date, to_local
from . import notify, routing, rules, schedule, urgency

log = logging.getLogger(__name__)


def make_code(prefix, case_id, created_at):
    """The public code: prefix, year and month of filing (city time), and the case number."""
    return f"{prefix}-{to_local(created_at).strftime('%y%m')}-{case_id:06d}"


def open_case(citizen, draft, prefix="PA", channel="zalo", staff=None):
    """Create a case from a confirmed draft, with its photos, voice messages and videos, its
    answers to the category's extra questions and its first timeline entry. `staff` files it
    for a caller or walk-in (no `citizen` then, unless one is linked). An urgent draft (an
    emergency the citizen chose to record, or a hazard named in the report) is due in the
    category's urgent hours."""
    category = Category.get(Category.slug == draft["category"])
    location = draft.get("location") or {}
    contact = draft.get("contact") or {}
    ward = ward_of(location)
    now = utcnow()
    # A hazard named in the report (or flagged by whoever drafted it) makes it urgent.
    hazard = urgency.hazard_in(draft["description"], category.hazard_terms)
    urgent = bool(hazard or draft.get("urgent"))
    attributes = {k: v for k, v in (draft.get("attributes") or {}).items() if v is not None}
    with database.atomic():
        case = Case.create(
            citizen=citizen, category=category, department=routing.unit_for(category, ward),
            description=draft["description"], latitude=location.get("latitude"),
            longitude=location.get("longitude"), address=location.get("address"),
            contact_name=contact.get("name"), contact_phone=contact.get("phone"),
            contact_email=contact.get("email"),
            channel=channel, created_at=now, updated_at=now,
            is_public=draft.get("public", True),
            priority=urgency.URGENT if urgent else "normal",
            attributes=attributes or None, due_at=urgency.due_at(now, category, urgent))
        case.code = make_code(prefix, case.id, now)
        case.area_code = ward or (citizen.area_code if citizen is not None else None)
        case.save(only=[Case.code, Case.area_code])
        for url in draft.get("photos", []):
            CasePhoto.create(case=case, url=url, media=archive.media_for(url))
        for item in draft.get("media", []):
            CasePhoto.create(case=case, url=item["url"], kind=item["kind"],
                             media=archive.media_for(item["url"]))
        TimelineEntry.create(case=case, kind="created", actor=_actor(staff) if staff else "citizen",
                             staff=staff, created_at=now,
                             data=_created_data(draft, channel, hazard or urgent or None))
        schedule.case_opened(case)
        if urgent:
            notify.urgent_case_opened(case)
    log.info("case %s opened (%s%s)", case.code, category.slug, ", urgent" if urgent else "")
    return case


def ward_of(location):
    """The ward of a report's place: found in chat (`ward_code`), else by the imported
    outlines at its point, else the one ward its typed address names; None if unknown."""
    if location.get("ward_code"):
        return str(location["ward_code"])
    if location.get("latitude") is not None and location.get("longitude") is not None:
        found = boundaries.ward_at(location["latitude"], location["longitude"])
        if found:
            return found
    return resolve.ward_named_in(location.get("address"), current_app.config["PROVINCE_CODE"])


def _created_data(draft, channel, urgent):
    data = {"channel": channel, "photos": len(draft.get("photos", [])), "urgent": urgent}
    for key in ("when", "emergency"):
        if draft.get(key):
            data[key] = draft[key]
    if draft.get("media"):
        data["media"] = len(draft["media"])
    return data


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
                               "duplicate_of": duplicate_of.code if duplicate_of else None,
                               "after_photo": after_photo_url})
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
        due = urgency.due_after_priority(case, case.category, priority, utcnow())
        old, case.priority = case.priority, priority
        moved, case.due_at = due != case.due_at, due
        case.save(only=[Case.priority, Case.due_at])
        TimelineEntry.create(case=case, kind="priority", actor=_actor(staff), staff=staff,
                             data={"from": old, "to": priority,
                                   "due_at": due.isoformat() if moved and due else None})
        if moved:
            schedule.deadline_changed(case)
        if staff is not None:
            audit.record(staff, "set_priority", case.code, old=old, new=priority)


def extend_deadline(case, staff, new_due, reason):
    """Give an open case a later due time; the citizen is told the new date and the reason,
    and the deadline reminders move with it. Raises rules.TransitionError when not allowed."""
    rules.check_extension(case.status, case.due_at, new_due, reason, utcnow())
    with database.atomic():
        old = case.due_at
        case.due_at, case.updated_at = new_due, utcnow()
        case.save(only=[Case.due_at, Case.updated_at])
        entry = TimelineEntry.create(
            case=case, kind="deadline", actor=_actor(staff), staff=staff, body=reason.strip(),
            public=True, data={"from": old.isoformat() if old else None,
                               "to": new_due.isoformat()})
        if staff is not None:
            audit.record(staff, "extend_deadline", case.code, new=new_due.isoformat())
        notify.deadline_extended(case, entry, format_date(old))
        schedule.deadline_changed(case)
    log.info("case %s: due %s -> %s", case.code, old, new_due)
    return entry


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
