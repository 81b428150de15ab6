"""Reference data from data/ (departments, categories, routing rules), the wards' own units,
and the first staff account."""
import json
import secrets

from flask import current_app, has_app_context
from werkzeug.security import generate_password_hash

from . import areas
from .config import REFERENCE_DIR
from .db import database
from .models import CannedResponse, Category, Department, RoutingRule, Staff


def _read(name):
    return json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))


def load_reference_data(province_code=None):
    """Insert the departments and categories from data/ that the database lacks, a unit for
    each ward of the province (its People's Committee), and the routing rules of the
    categories it creates (data/routing.json); the canned replies when there are none at all.

    Rows already present are left alone: admins may have edited them. A change to shipped
    rows reaches an existing database through a migration step (e.g. 0002_city_units).
    """
    with database.atomic():
        departments = {d.slug: d for d in Department.select()}
        for item in _read("departments.json"):
            if item["slug"] not in departments:
                departments[item["slug"]] = Department.create(**item)
        _ward_units(province_code or _province(), departments)
        known = {c.slug for c in Category.select(Category.slug)}
        rules = _read("routing.json")["city"]
        for position, item in enumerate(_read("categories.json")):
            if item["slug"] in known:
                continue
            category = Category.create(
                slug=item["slug"], name_vi=item["name_vi"], name_en=item["name_en"],
                keywords=item.get("keywords", []), position=position,
                department=departments.get(item.get("department")),
                deadline_days=item.get("deadline_days", 5),
                urgent_hours=item.get("urgent_hours", 24),
                hazard_terms=item.get("hazard_terms", []), hotline=item.get("hotline"),
                questions=item.get("questions", []))
            target = rules.get(item["slug"])
            if target:
                RoutingRule.create(category=category, to_ward=target == "ward",
                                   department=None if target == "ward" else departments[target])
        _seed_canned_replies()


def _province():
    return current_app.config.get("PROVINCE_CODE", 79) if has_app_context() else 79


def _ward_units(province_code, departments):
    """A unit for every ward of the province that has none yet (one insert)."""
    missing = [unit for unit in map(areas.unit_of, areas.areas(province_code))
               if unit["slug"] not in departments]
    if missing:
        Department.insert_many(missing).execute()


def _seed_canned_replies():
    """A useful set of canned replies (data/canned_replies.json), general and per category,
    for a database that has none (a new one, or one made before they were shipped)."""
    if CannedResponse.select().exists():
        return
    categories = {c.slug: c for c in Category.select()}
    for item in _read("canned_replies.json"):
        slug = item.get("category")
        if slug and slug not in categories:
            continue  # a category this city does not have
        CannedResponse.create(title=item["title"], body_vi=item["body_vi"],
                              body_en=item.get("body_en"), status=item.get("status"),
                              category=categories.get(slug) if slug else None)


def create_staff(username, password, role="admin", name=None, department=None,
                 must_change_password=False):
    """Create a staff account with a hashed password."""
    return Staff.create(username=username, password_hash=generate_password_hash(password),
                        role=role, name=name or username, department=department,
                        must_change_password=must_change_password)


def ensure_first_admin():
    """Create an `admin` account with a random password when there is no staff yet; the
    dashboard asks for a new password at the first sign-in (this one was printed).

    Returns (username, password) when one was made, else None.
    """
    if Staff.select().exists():
        return None
    password = secrets.token_urlsafe(12)
    create_staff("admin", password, role="admin", name="Administrator",
                 must_change_password=True)
    return "admin", password
