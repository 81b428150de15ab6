"""Every report knows its place: ward units, ward boundaries, routing rules, followers of a
case ("me too"), archived evidence, public moderation, and an index for nearby cases.

Schema only, plus the city-wide routing rules of the categories that still go to the generic
ward unit (frozen beside this file). The 168 ward units themselves are reference data:
seed.load_reference_data adds the missing ones for the configured province.
"""
import datetime as dt
import json
from pathlib import Path

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from zalo_oa.migrations import database_default

FROZEN = json.loads(Path(__file__).with_suffix(".json").read_text(encoding="utf-8"))


def up(migrator, db):
    models = _frozen_models(db)
    db.create_tables([models["MediaFile"], models["CaseFollower"], models["WardBoundary"],
                      models["RoutingRule"]])
    migrator.migrate(
        migrator.add_column("department", "area_code", CharField(null=True, max_length=16)),
        migrator.add_index("department", ("area_code",), False),
        migrator.add_column("case", "description_public",
                            database_default(BooleanField(default=False))),
        migrator.add_column("case", "follower_count", database_default(IntegerField(default=0))),
        migrator.add_index("case", ("category_id", "latitude", "longitude"), False),
        migrator.add_column("case_photo", "media_id", ForeignKeyField(
            models["MediaFile"], null=True, field=models["MediaFile"].id, on_delete="SET NULL")),
        migrator.add_column("case_photo", "public", database_default(BooleanField(default=False))))
    _city_rules(models)


def _frozen_models(db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Department(Base):
        slug = CharField(unique=True, max_length=64)

    class Category(Base):
        slug = CharField(unique=True, max_length=64)
        department = ForeignKeyField(Department, null=True)

    class Citizen(Base):
        zalo_user_id = CharField(unique=True, max_length=64)

    class Case(Base):
        code = CharField(unique=True, null=True, max_length=32)

    class MediaFile(Base):
        citizen = ForeignKeyField(Citizen, null=True, on_delete="SET NULL")
        source_url = TextField()
        source_key = CharField(unique=True, max_length=64)
        kind = CharField(max_length=16)
        status = CharField(max_length=16)
        attempts = IntegerField()
        due_at = DateTimeField()
        claimed_until = DateTimeField(null=True)
        error = TextField(null=True)
        content_type = CharField(null=True, max_length=64)
        size = IntegerField(null=True)
        stored_key = CharField(null=True, max_length=191)
        thumbnail_key = CharField(null=True, max_length=191)
        created_at = DateTimeField()
        stored_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("status", "due_at"), False),)

    class CaseFollower(Base):
        case = ForeignKeyField(Case, on_delete="CASCADE")
        citizen = ForeignKeyField(Citizen, on_delete="CASCADE")
        created_at = DateTimeField()

        class Meta:
            indexes = ((("case", "citizen"), True),)

    class WardBoundary(Base):
        area_code = CharField(unique=True, max_length=16)
        name = CharField()
        geometry = TextField()
        source = CharField(null=True)
        imported_at = DateTimeField()

    class RoutingRule(Base):
        category = ForeignKeyField(Category, on_delete="CASCADE")
        area_code = CharField(null=True, max_length=16)
        department = ForeignKeyField(Department, null=True, on_delete="CASCADE")
        to_ward = BooleanField()
        updated_at = DateTimeField()

        class Meta:
            indexes = ((("category", "area_code"), False),)

    return locals()


def _city_rules(models):
    """Send the ward-level categories to the case's own ward, where an admin left them as
    shipped (still on the generic ward unit) and no rule exists yet."""
    Department, Category, RoutingRule = (models["Department"], models["Category"],
                                         models["RoutingRule"])
    generic = Department.get_or_none(Department.slug == FROZEN["generic_ward_unit"])
    if generic is None:
        return  # a new database: seed.load_reference_data makes the rules with the categories
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for category in Category.select().where(Category.slug.in_(FROZEN["to_ward"])
                                            & (Category.department == generic.id)):
        if not RoutingRule.select().where(RoutingRule.category == category.id).exists():
            RoutingRule.create(category=category.id, area_code=None, department=None,
                               to_ward=True, updated_at=now)
