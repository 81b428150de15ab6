"""Reference data from data/ (departments, categories) and the first staff account."""
import json
import secrets

from werkzeug.security import generate_password_hash

from .config import REFERENCE_DIR
from .db import database
from .models import Category, Department, Staff


def _read(name):
    return json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))


def load_reference_data():
    """Insert the departments and categories from data/ that the database lacks.

    Rows already present are left alone: admins may have edited them. A change to shipped
    rows reaches an existing database through a migration step (e.g. 0002_issue13_city_units).
    """
    with database.atomic():
        departments = {d.slug: d for d in Department.select()}
        for item in _read("departments.json"):
            if item["slug"] not in departments:
                departments[item["slug"]] = Department.create(**item)
        known = {c.slug for c in Category.select(Category.slug)}
        for position, item in enumerate(_read("categories.json")):
            if item["slug"] in known:
                continue
            Category.create(slug=item["slug"], name_vi=item["name_vi"], name_en=item["name_en"],
                            keywords=item.get("keywords", []), position=position,
                            department=departments.get(item.get("department")),
                            deadline_days=item.get("deadline_days", 5),
                            urgent_hours=item.get("urgent_hours", 24),
                            hazard_terms=item.get("hazard_terms", []),
                            hotline=item.get("hotline"), questions=item.get("questions", []))


def create_staff(username, password, role="admin", name=None, department=None):
    """Create a staff account with a hashed password."""
    return Staff.create(username=username, password_hash=generate_password_hash(password),
                        role=role, name=name or username, department=department)


def ensure_first_admin():
    """Create an `admin` account with a random password when there is no staff yet.

    Returns (username, password) when one was made, else None.
    """
    if Staff.select().exists():
        return None
    password = secrets.token_urlsafe(12)
    create_staff("admin", password, role="admin", name="Administrator")
    return "admin", password
