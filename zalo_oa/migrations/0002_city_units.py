"""Categories and units like the real city: three new category columns (urgent deadline in
hours, hazard terms, hotline) and the reference data of release f25d6f5 brought up to date.

The data change is frozen beside this file (`0002_city_units.json`: what f25d6f5
shipped, and what this step ships). A database without f25d6f5's reference data is left to
seed.load_reference_data. Otherwise each shipped row is merged three ways: a value an admin
changed is kept, an untouched one takes the new value; keyword lists keep an admin's own words
and get the words this release adds or drops. New units and categories are inserted, and the
roads unit (`transport`) becomes `infrastructure` in place, so its cases and staff follow it.
"""
import json
from pathlib import Path

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, Model, TextField

from zalo_oa.migrations import database_default

FROZEN = json.loads(Path(__file__).with_suffix(".json").read_text(encoding="utf-8"))
DEFAULT_URGENT_HOURS = 24


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("category", "urgent_hours",
                            database_default(IntegerField(default=DEFAULT_URGENT_HOURS))),
        migrator.add_column("category", "hazard_terms", database_default(TextField(default="[]"))),
        migrator.add_column("category", "hotline", CharField(null=True, max_length=16)))
    Department, Category = _frozen_models(db)
    shipped = set(FROZEN["departments_before"])
    if not Department.select().where(Department.slug.in_(shipped)).exists():
        return  # a new database (or one without our data): seed.load_reference_data fills it
    departments = _update_departments(Department)
    _update_categories(Category, departments)


def _frozen_models(db):
    class Department(Model):
        slug = CharField(unique=True, max_length=64)
        name_vi = CharField()
        name_en = CharField()

        class Meta:
            database = db
            table_name = "department"

    class Category(Model):
        slug = CharField(unique=True, max_length=64)
        name_vi = CharField()
        name_en = CharField()
        keywords = TextField()
        department = ForeignKeyField(Department, null=True)
        deadline_days = IntegerField()
        update_every_days = IntegerField()
        questions = TextField()
        position = IntegerField()
        active = BooleanField()
        urgent_hours = IntegerField()
        hazard_terms = TextField()
        hotline = CharField(null=True, max_length=16)

        class Meta:
            database = db
            table_name = "category"

    return Department, Category


def _update_departments(Department):
    """Rename, merge names, insert new units; return {slug: id}."""
    rows = {d.slug: d for d in Department.select()}
    for old, new in FROZEN["renamed_departments"].items():
        if old in rows and new not in rows:
            rows[new] = rows.pop(old)
            rows[new].slug = new
            rows[new].save()
    before = {FROZEN["renamed_departments"].get(s, s): v
              for s, v in FROZEN["departments_before"].items()}
    for item in FROZEN["departments_after"]:
        row = rows.get(item["slug"])
        if row is None:
            rows[item["slug"]] = Department.create(**item)
            continue
        _merge(row, before.get(item["slug"], {}), item, ("name_vi", "name_en"))
        row.save()
    return {slug: row.id for slug, row in rows.items()}


def _update_categories(Category, departments):
    rows = {c.slug: c for c in Category.select()}
    renamed = FROZEN["renamed_departments"]
    for item in FROZEN["categories_after"]:
        after = {**item, "department": departments.get(item["department"]),
                 "keywords": json.dumps(item["keywords"], ensure_ascii=False),
                 "hazard_terms": json.dumps(item["hazard_terms"], ensure_ascii=False)}
        row = rows.get(item["slug"])
        if row is None:
            Category.create(**after, update_every_days=3, questions="[]", active=True)
            continue
        shipped = FROZEN["categories_before"].get(item["slug"])
        if shipped is None:
            continue  # an admin's own category that happens to share a new slug
        before = {**shipped, "department": departments.get(
            renamed.get(shipped["department"], shipped["department"]))}
        _merge(row, before, after,
               ("name_vi", "name_en", "department", "deadline_days", "position"))
        row.keywords = json.dumps(_merge_words(json.loads(row.keywords or "[]"),
                                               shipped["keywords"], item["keywords"]),
                                  ensure_ascii=False)
        row.urgent_hours, row.hotline = item["urgent_hours"], item["hotline"]
        row.hazard_terms = after["hazard_terms"]
        row.save()


def _merge(row, before, after, fields):
    """Take `after`'s value for each field the row still has as shipped (`before`)."""
    for name in fields:
        current = getattr(row, f"{name}_id" if name == "department" else name)
        if name in before and current == before[name]:
            setattr(row, name, after[name])


def _merge_words(current, before, after):
    """The row's words without those this release drops, plus those it adds."""
    if current == before:
        return after
    dropped = set(before) - set(after)
    kept = [w for w in current if w not in dropped]
    return kept + [w for w in after if w not in kept and w not in before]
