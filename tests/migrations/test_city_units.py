"""Reference data reaches existing databases: a database holding release f25d6f5's categories
and units upgrades to the real city's (split water supply and drainage, new fields, real unit
names, urgent deadlines in hours), keeping what admins changed. SQLite and PostgreSQL."""
import datetime as dt
import json
from pathlib import Path

from zalo_oa import migrations, seed
from zalo_oa.models import Case, Category, Department, RoutingRule, Staff

from .test_migrations import use

HERE = Path(__file__).parent
DATA = HERE.parents[1] / "data"


def shipped_by_f25d6f5(db):
    """Step 1's schema with the reference data release f25d6f5's seed loaded into it."""
    migrations._runner().up("0001_initial")
    departments = json.loads((HERE / "f25d6f5_reference" / "departments.json").read_text())
    categories = json.loads((HERE / "f25d6f5_reference" / "categories.json").read_text())
    ids = {}
    for item in departments:
        db.execute_sql("INSERT INTO department (slug, name_vi, name_en) VALUES "
                       f"({db.param}, {db.param}, {db.param})",
                       (item["slug"], item["name_vi"], item["name_en"]))
        ids[item["slug"]] = db.execute_sql("SELECT id FROM department WHERE slug = "
                                           f"{db.param}", (item["slug"],)).fetchone()[0]
    for position, item in enumerate(categories):
        db.execute_sql(
            "INSERT INTO category (slug, name_vi, name_en, keywords, department_id, "
            "deadline_days, update_every_days, questions, position, active) VALUES "
            f"({', '.join([db.param] * 10)})",
            (item["slug"], item["name_vi"], item["name_en"],
             json.dumps(item["keywords"], ensure_ascii=False), ids[item["department"]],
             item["deadline_days"], 3, "[]", position, True))


def reference_data():
    """Departments and categories as comparable plain data, by slug."""
    departments = {d.id: d.slug for d in Department.select()}
    return ({d.slug: (d.name_vi, d.name_en) for d in Department.select()},
            {c.slug: {"name_vi": c.name_vi, "name_en": c.name_en, "keywords": c.keywords,
                      "department": departments.get(c.department_id),
                      "deadline_days": c.deadline_days, "urgent_hours": c.urgent_hours,
                      "hazard_terms": c.hazard_terms, "hotline": c.hotline,
                      "position": c.position, "active": c.active,
                      "update_every_days": c.update_every_days, "questions": c.questions}
             for c in Category.select()})


def test_an_untouched_f25d6f5_database_ends_with_the_reference_data_of_a_new_one(scratch_url):
    use(scratch_url())
    migrations.upgrade()
    seed.load_reference_data()
    fresh = reference_data()
    db = use(scratch_url())
    shipped_by_f25d6f5(db)
    migrations.upgrade()
    seed.load_reference_data()
    upgraded = reference_data()
    assert upgraded[0] == fresh[0]
    for slug in fresh[1]:
        assert upgraded[1].get(slug) == fresh[1][slug], slug
    assert upgraded == fresh
    shipped = json.loads((DATA / "categories.json").read_text())
    assert [c.slug for c in Category.listed()] == [c["slug"] for c in shipped]


def sql(db, query, *params):
    """Run `query` with `?` marks as this engine's parameters (the old schema, no models)."""
    return db.execute_sql(query.replace("?", db.param), params)


def slug_id(db, table, slug):
    return sql(db, f"SELECT id FROM {table} WHERE slug = ?", slug).fetchone()[0]


def test_the_upgrade_keeps_admins_edits_and_every_case_and_account(scratch_url):
    db = use(scratch_url())
    shipped_by_f25d6f5(db)
    transport, ward = slug_id(db, "department", "transport"), slug_id(db, "department", "ward")
    water = slug_id(db, "category", "water")
    sql(db, "UPDATE category SET deadline_days = 4 WHERE slug = 'lighting'")
    sql(db, "UPDATE category SET name_vi = ? WHERE slug = 'environment'", "Rác, vệ sinh đô thị")
    sql(db, "UPDATE category SET department_id = ? WHERE slug = 'trees'", ward)
    words = json.loads(sql(db, "SELECT keywords FROM category WHERE id = ?", water).fetchone()[0])
    sql(db, "UPDATE category SET keywords = ? WHERE id = ?",
        json.dumps([*words, "nước sinh hoạt"], ensure_ascii=False), water)
    sql(db, "UPDATE department SET name_en = 'Parks Co.' WHERE slug = 'greenery'")
    sql(db, "INSERT INTO staff (username, password_hash, role, department_id, active, locale, "
        "failed_logins, created_at) VALUES ('hoa', 'x', 'department', ?, ?, 'vi', 0, ?)",
        transport, True, dt.datetime(2026, 11, 2))
    sql(db, 'INSERT INTO "case" (category_id, department_id, description, status, priority, '
        "reopen_count, channel, is_public, created_at, updated_at) VALUES "
        "(?, ?, 'Ngập sâu sau mưa', 'new', 'normal', 0, 'zalo', ?, ?, ?)",
        water, transport, True, dt.datetime(2026, 11, 2), dt.datetime(2026, 11, 2))

    migrations.upgrade()
    seed.load_reference_data()

    infrastructure = Department.get(Department.slug == "infrastructure")
    assert infrastructure.id == transport  # renamed in place: its cases and staff follow
    assert infrastructure.name_vi == "Trung tâm Quản lý Hạ tầng kỹ thuật TP.HCM"
    assert not Department.select().where(Department.slug == "transport").exists()
    assert Staff.get(Staff.username == "hoa").department_id == transport
    kept = Case.get()
    assert (kept.category_id, kept.department_id) == (water, transport)

    water = Category.get(Category.slug == "water")
    assert (water.name_vi, water.department.name_vi) == (
        "Cấp nước", "Tổng Công ty Cấp nước Sài Gòn (SAWACO)")
    assert "nước sinh hoạt" in water.keywords and "mất nước" in water.keywords
    assert "ngập" not in water.keywords and "vỡ ống" in water.hazard_terms
    drainage = Category.get(Category.slug == "drainage")
    assert drainage.department_id == infrastructure.id and "ngập" in drainage.keywords
    assert drainage.urgent_hours == 4 and "mất nắp cống" in drainage.hazard_terms

    # What admins changed stays; what they left takes the new value.
    lighting = Category.get(Category.slug == "lighting")
    assert (lighting.deadline_days, lighting.name_vi) == (4, "Chiếu sáng công cộng")
    environment = Category.get(Category.slug == "environment")
    assert environment.name_vi == "Rác, vệ sinh đô thị"
    assert environment.department.slug == "ward"  # was the Department of Environment
    assert "tiếng ồn" not in environment.keywords
    assert Category.get(Category.slug == "trees").department_id == ward
    greenery = Department.get(Department.slug == "greenery")
    assert (greenery.name_vi, greenery.name_en) == (
        "Công ty TNHH MTV Công viên Cây xanh TP.HCM", "Parks Co.")

    security = Category.get(Category.slug == "security")
    assert (security.hotline, security.department.name_vi) == ("113", "Công an phường, xã")
    for slug in ("noise", "electricity", "telecoms", "admin_procedures"):
        assert Category.get(Category.slug == slug).active
    assert Department.get(Department.slug == "electricity").name_vi == (
        "Tổng Công ty Điện lực TP.HCM (EVNHCMC)")
    city_units = Department.select().where(Department.area_code.is_null())
    assert Category.select().count() == 14 and city_units.count() == 11
    # Step 0006 sends the ward-level categories still on the generic unit to the ward's own.
    to_ward = RoutingRule.select().where(RoutingRule.to_ward & RoutingRule.area_code.is_null())
    assert sorted(r.category.slug for r in to_ward) == ["admin_procedures", "environment",
                                                         "noise", "urban_order"]
    assert migrations.upgrade() == (migrations.LATEST, migrations.LATEST)


def test_the_shipped_data_names_only_units_it_defines_and_sane_deadlines():
    departments = {d["slug"] for d in json.loads((DATA / "departments.json").read_text())}
    categories = json.loads((DATA / "categories.json").read_text())
    assert len({c["slug"] for c in categories}) == len(categories)
    for item in categories:
        assert item["department"] in departments, item["slug"]
        assert 1 <= item["deadline_days"] <= 15 and 1 <= item["urgent_hours"] <= 48
        assert item["keywords"] and isinstance(item["hazard_terms"], list)


def test_the_chat_questions_reach_shipped_categories_but_not_an_admins_own(scratch_url):
    db = use(scratch_url())
    shipped_by_f25d6f5(db)
    migrations._runner().up("0002_city_units")
    own = [{"code": "LANE", "datatype": "string", "required": True, "description": "Làn nào?"}]
    sql(db, "UPDATE category SET questions = ? WHERE slug = ?", json.dumps(own), "trees")
    migrations.upgrade()
    shipped = {c["slug"]: c.get("questions", []) for c in
               json.loads((DATA / "categories.json").read_text())}
    questions = {c.slug: c.questions for c in Category.select()}
    assert questions.pop("trees") == own
    assert questions == {slug: q for slug, q in shipped.items() if slug != "trees"}
    assert questions["roads"][0]["values"][0]["key"] == "small"
