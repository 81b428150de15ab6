"""Words, not codes: how the dashboard names people, phones, numbers, wards and audit lines,
in the staff member's language (labels from i18n)."""
import string

from flask import g

from .. import areas
from ..models import Category, Department, Staff
from .i18n import current_locale, labels, local_name

# Actors the timeline records by role rather than by a staff account.
ROLE_ACTORS = ("citizen", "bot", "system")


def _words():
    return labels(current_locale())


def _accounts():
    """Every staff account's (id, username, name), read once per request."""
    if "accounts" not in g:
        g.accounts = [(s.id, s.username, s.name or s.username)
                      for s in Staff.select(Staff.id, Staff.name, Staff.username)]
    return g.accounts


def staff_names():
    """{staff id: name} of every account."""
    return {account_id: name for account_id, _, name in _accounts()}


def staff_label(username):
    """A staff member's name for their username (the username when unknown)."""
    return next((name for _, login, name in _accounts() if login == username), username)


def actor(item):
    """Who did a timeline item, as people say it: "Người dân", "Trợ lý tự động", a name."""
    entry = getattr(item, "entry", None)
    if entry is not None and entry.staff_id:
        return staff_names().get(entry.staff_id) or entry.actor
    if item.actor in ROLE_ACTORS:
        return _words()[f"actor_{item.actor}"]
    return item.actor


def number(value, decimals=0):
    """A number the way the staff's language writes it: 1.234,5 in Vietnamese, 1,234.5 in
    English."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if current_locale() == "vi":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text


def ward(code):
    """A ward's name for its vietnam-provinces code ("Phường Bến Thành"), or a dash."""
    return areas.name_of(code) if code else "—"


# --- the audit log ----------------------------------------------------------------------------

def department_label(slug):
    """A department's name in the staff's language for its slug."""
    found = Department.get_or_none(Department.slug == slug)
    return local_name(found) if found is not None else slug


def _value(action, key, value):
    """One recorded detail in words (statuses, roles, yes/no, names)."""
    words = _words()
    if isinstance(value, bool):
        return words["yes" if value else "no"]
    if key in ("old", "new") and action == "change_status":
        return words[f"status_{value}"]
    if key in ("old", "new") and action == "set_priority":
        return words[f"priority_{value}"]
    if key == "role":
        return words[f"role_{value}"]
    if key == "department":
        return department_label(value)
    if key == "assignee":
        return staff_label(value)
    if key == "previous":
        return staff_names().get(value, "—") if value else "—"
    if key == "channel":
        return words[f"channel_{value}"]
    return "" if value is None else str(value)


def _target(action, target):
    """What an action was done to, named for people (a category's name, not its slug)."""
    if action == "category_update" and target:
        found = Category.get_or_none(Category.slug == target)
        return local_name(found) if found is not None else target
    return target or ""


def audit_text(row):
    """An audit row as a sentence, e.g. "Đổi trạng thái PA-2611-000001: Đã xử lý → Đã đóng"."""
    words = _words()
    data = row.data or {}
    values = {key: _value(row.action, key, value) for key, value in data.items()}
    values["target"] = _target(row.action, row.target)
    key = f"audit_{row.action}"
    if key not in words:
        details = ", ".join(f"{k}: {v}" for k, v in values.items() if k != "target")
        return f"{row.action} {row.target or ''} {details}".strip()
    return string.Formatter().vformat(words[key], (), _Blank(values))


class _Blank(dict):
    """Format values where a detail the sentence names was not recorded shows as nothing."""

    def __missing__(self, key):
        return ""


def init_app(app):
    app.jinja_env.globals.update(actor_name=actor, audit_text=audit_text)
    app.jinja_env.filters.update(number=number, ward=ward,
                                 department_label=department_label, staff_label=staff_label)
