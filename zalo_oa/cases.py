"""Case lifecycle: opening a case from a confirmed draft, codes, deadlines, status words."""
import logging

from .db import database
from .messages import label
from .models import Case, CasePhoto, Category, TimelineEntry, utcnow
from .timeutil import add_working_days, format_date, to_local

log = logging.getLogger(__name__)

STATUSES = ("new", "received", "assigned", "in_progress", "resolved", "closed", "rejected",
            "duplicate", "reopened")
OPEN_STATUSES = ("new", "received", "assigned", "in_progress", "reopened")


def make_code(prefix, case_id, created_at):
    """The public code: prefix, year and month of filing (city time), and the case number."""
    return f"{prefix}-{to_local(created_at).strftime('%y%m')}-{case_id:06d}"


def open_case(citizen, draft, prefix="PA", channel="zalo"):
    """Create a case from a confirmed draft, with its photos and first timeline entry."""
    category = Category.get(Category.slug == draft["category"])
    location = draft.get("location") or {}
    contact = draft.get("contact") or {}
    now = utcnow()
    with database.atomic():
        case = Case.create(
            citizen=citizen, category=category, department=category.department_id,
            description=draft["description"], latitude=location.get("latitude"),
            longitude=location.get("longitude"), address=location.get("address"),
            contact_name=contact.get("name"), contact_phone=contact.get("phone"),
            channel=channel, created_at=now, updated_at=now,
            due_at=add_working_days(now, category.deadline_days))
        case.code = make_code(prefix, case.id, now)
        case.save(only=[Case.code])
        for url in draft.get("photos", []):
            CasePhoto.create(case=case, url=url)
        TimelineEntry.create(case=case, kind="created", actor="citizen", created_at=now,
                             data={"channel": channel, "photos": len(draft.get("photos", []))})
    log.info("case %s opened (%s)", case.code, category.slug)
    return case


def find_for_citizen(citizen, code):
    """The citizen's own case with this code, or None."""
    return Case.get_or_none((Case.code == code) & (Case.citizen == citizen))


def status_name(status, locale):
    """The citizen-facing word for a status."""
    return label(f"status_{status}", locale)


def case_params(case, locale):
    """The template parameters that describe a case to its citizen."""
    category = case.category
    department = case.department
    return {
        "code": case.code,
        "category": category.name_en if locale == "en" else category.name_vi,
        "department": (department.name_en if locale == "en" else department.name_vi)
        if department else "",
        "status": status_name(case.status, locale),
        "created_date": format_date(case.created_at),
        "due_date": format_date(case.due_at),
    }
