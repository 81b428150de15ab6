"""What a case looks like to the people told about it: the parameters of its messages."""
from flask import current_app

from ..delivery.messages import label
from ..timeutil import format_date, format_datetime


def status_name(status, locale):
    """The citizen-facing word for a status."""
    return label(f"status_{status}", locale)


def case_params(case, locale):
    """The template parameters that describe a case to its citizen."""
    category = case.category
    department = case.department
    public = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    urgent = case.priority == "urgent"
    return {
        "code": case.code,
        "public_url": f"{public}/p/{case.code}" if public and case.is_public else "",
        "category": category.name_en if locale == "en" else category.name_vi,
        "department": (department.name_en if locale == "en" else department.name_vi)
        if department else "",
        "status": status_name(case.status, locale),
        "created_date": format_date(case.created_at),
        # An urgent case is due in hours: the time matters as much as the day.
        "due_date": format_datetime(case.due_at) if urgent else format_date(case.due_at),
        "urgent": urgent,
        "hotline": (category.hotline or "") if urgent else "",
    }
