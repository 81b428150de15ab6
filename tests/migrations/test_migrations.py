"""Schema migrations: step 1 is exactly the schema release f25d6f5 created, a database made by
that release upgrades to the head with every row kept, and the models match what the steps
build (so nobody can add a field without a step). On SQLite, and on PostgreSQL when the suite
runs there."""
import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import peewee
import pytest
from playhouse.migrate import SchemaMigrator
from playhouse.schema_diff import diff_models

from zalo_oa import migrations
from zalo_oa.db import database, init_database
from zalo_oa.models import MODELS
from zalo_oa.sandbox.models import MODELS as SANDBOX_MODELS

from .schema import diff_without_search, dump, without_search

HERE = Path(__file__).parent
PG_ADMIN_URL = os.environ.get("ZALO_OA_TEST_DATABASE_URL", "")
HISTORY = {migrations.HISTORY_TABLE, migrations.SANDBOX_HISTORY_TABLE}
ENGINE = "postgresql" if PG_ADMIN_URL else "sqlite"


@pytest.fixture
def scratch_url(tmp_path):
    """A URL for a database with nothing in it, of the engine the suite runs on."""
    urls = []

    def make():
        if not PG_ADMIN_URL:
            urls.append(f"sqlite:///{tmp_path / f'scratch{len(urls)}.db'}")
            return urls[-1]
        import psycopg2

        name = f"zalo_oa_mig_{uuid.uuid4().hex[:10]}"
        admin = psycopg2.connect(PG_ADMIN_URL)
        admin.autocommit = True
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
        admin.close()
        urls.append(f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}")
        return urls[-1]

    yield make
    if database.obj is not None:
        database.close()
    if PG_ADMIN_URL:
        import psycopg2

        admin = psycopg2.connect(PG_ADMIN_URL)
        admin.autocommit = True
        for url in urls:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" '
                                   "WITH (FORCE)")
        admin.close()


def use(url):
    """Point the app's database at `url` and connect."""
    init_database(url)
    database.connect(reuse_if_open=True)
    return database.obj


def apply_frozen_step(path, db):
    """Run one step file's up() as release f25d6f5's own create_tables would have."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with db.atomic():
        module.up(SchemaMigrator.from_database(db), db)


def make_f25d6f5_database(url):
    """A database exactly as release f25d6f5 left it: its schema, version 1, rows everywhere."""
    db = use(url)
    apply_frozen_step(HERE.parents[1] / "zalo_oa" / "migrations" / "0001_initial.py", db)
    apply_frozen_step(HERE.parents[1] / "zalo_oa" / "sandbox" / "migrations" /
                      "0001_sandbox.py", db)
    db.execute_sql("INSERT INTO schema_version (version, applied_at) VALUES (1, "
                   f"{db.param})", (dt.datetime(2026, 11, 20, 8, 0),))
    fill_every_table(db)
    return db


def fill_every_table(db, per_table=2):
    """Two rows in every table, every column given a value of its type (FKs point at rows)."""
    for table in in_dependency_order(db, set(db.get_tables()) - HISTORY - {"schema_version"}):
        _insert_rows(db, table, per_table)


def in_dependency_order(db, tables):
    """`tables` ordered so that each comes after the tables its foreign keys point at."""
    done = []
    while len(done) < len(tables):
        for table in sorted(tables - set(done)):
            targets = {fk.dest_table for fk in db.get_foreign_keys(table)} & tables - {table}
            if targets <= set(done):
                done.append(table)
    return done


def _insert_rows(db, table, count):
    foreign = {fk.column: fk.dest_table for fk in db.get_foreign_keys(table)}
    columns = [c for c in db.get_columns(table) if not c.primary_key]
    for n in range(1, count + 1):
        values = [_value(c, n, foreign.get(c.name), table) for c in columns]
        names = ", ".join(f'"{c.name}"' for c in columns)
        marks = ", ".join([db.param] * len(columns))
        db.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)


def _value(column, n, points_to, table):
    kind = column.data_type.lower()
    if points_to is not None:
        return None if points_to == table and n == 1 else 1 if points_to == table else n
    if "bool" in kind:
        return n % 2 == 0
    if "int" in kind:
        return 1000 * n + 7
    if "real" in kind or "double" in kind or "float" in kind:
        return 10.77 + n / 1000
    if "time" in kind or "date" in kind:
        return dt.datetime(2026, 11, n, 8, 30, 15)
    if "char" in kind:
        return f"v{n}"[:8]
    # TEXT columns also hold JSON in this schema: a JSON string is valid text and valid JSON.
    return json.dumps(f"Đèn đường hỏng trước số {n} Lê Lợi ({table}.{column.name})",
                      ensure_ascii=False)


def all_rows(db):
    """Every row of every table, as {table: [tuple, ...]} ordered by id."""
    found = {}
    for table in sorted(set(db.get_tables()) - HISTORY):
        names = [c.name for c in db.get_columns(table)]
        cursor = db.execute_sql(f'SELECT {", ".join(chr(34) + n + chr(34) for n in names)} '
                                f'FROM "{table}" ORDER BY 1')
        found[table] = (names, [tuple(row) for row in cursor.fetchall()])
    return found


def test_step_one_builds_exactly_the_schema_release_f25d6f5_created(scratch_url):
    db = use(scratch_url())
    migrations.upgrade(sandbox=True)
    expected = (HERE / f"f25d6f5_{ENGINE}.txt").read_text().split("\n")
    built = dump(db, skip=HISTORY)
    # Steps after the first may add to the schema, never take from it: f25d6f5's schema is
    # all there. Step 1 alone builds exactly that schema (checked below).
    assert not set(filter(None, expected)) - set(built)
    first_only = use(scratch_url())
    apply_frozen_step(HERE.parents[1] / "zalo_oa" / "migrations" / "0001_initial.py",
                      first_only)
    apply_frozen_step(HERE.parents[1] / "zalo_oa" / "sandbox" / "migrations" /
                      "0001_sandbox.py", first_only)
    assert dump(first_only) == list(filter(None, expected))


def test_a_database_made_by_f25d6f5_upgrades_to_the_head_with_every_row_kept(scratch_url):
    db = make_f25d6f5_database(scratch_url())
    before = all_rows(db)
    assert all(len(rows) == 2 for table, (_, rows) in before.items() if table != "schema_version")
    old, new = migrations.upgrade(sandbox=True)
    assert (old, new) == (1, migrations.LATEST)
    after = all_rows(db)
    for table, (names, rows) in before.items():
        after_names, after_rows = after[table]
        index = [after_names.index(name) for name in names]  # later steps may add columns
        assert [tuple(row[i] for i in index) for row in after_rows] == rows, table
    # Today's models read every upgraded row (tables added by later steps start empty).
    for model in MODELS + SANDBOX_MODELS:
        expected = 2 if model._meta.table_name in before else 0
        assert len(list(model.select())) == expected, model.__name__
    assert migrations.status().up_to_date and migrations.status(sandbox=True).up_to_date
    assert migrations.upgrade(sandbox=True) == (new, new)  # idempotent


def test_the_release_still_running_during_an_upgrade_can_still_write(scratch_url):
    """A rolling upgrade: web and worker processes of release f25d6f5 keep inserting rows with
    the columns they know while, and after, the new steps run. Every column a later step adds
    is nullable or has a default in the database itself, so those inserts succeed."""
    db = make_f25d6f5_database(scratch_url())
    known = {table: [c for c in db.get_columns(table) if not c.primary_key]
             for table in set(db.get_tables()) - HISTORY - {"schema_version"}}
    migrations.upgrade(sandbox=True)
    for table in in_dependency_order(db, set(known)):
        columns = known[table]
        foreign = {fk.column: fk.dest_table for fk in db.get_foreign_keys(table)}
        values = [_value(c, 3, foreign.get(c.name), table) for c in columns]
        names = ", ".join(f'"{c.name}"' for c in columns)
        marks = ", ".join([db.param] * len(columns))
        with db.atomic():
            db.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)
    for model in MODELS + SANDBOX_MODELS:  # and today's code reads what the old one wrote
        if model._meta.table_name in known:
            assert len(list(model.select())) == 3, model.__name__


def test_the_upgrade_command_adopts_an_f25d6f5_database(scratch_url):
    url = scratch_url()
    make_f25d6f5_database(url)
    database.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZALO_")}
    env.update(ZALO_OA_DATABASE_URL=url, ZALO_OA_SECRET="mig-test")
    zalo_oa = Path(sys.executable).parent / "zalo-oa"
    status = subprocess.run([zalo_oa, "db", "status"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    pending = f"current 1, head {migrations.LATEST}"
    assert status.returncode == (1 if migrations.LATEST > 1 else 0), status.stderr
    assert pending in status.stdout
    upgraded = subprocess.run([zalo_oa, "db", "upgrade"], env=env, capture_output=True,
                              text=True, timeout=60, check=False)
    assert upgraded.returncode == 0, upgraded.stderr
    status = subprocess.run([zalo_oa, "db", "status"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert status.returncode == 0 and "pending none" in status.stdout
    # Production stays free of the sandbox's tables: the sandbox was off.
    db = use(url)
    assert migrations.SANDBOX_HISTORY_TABLE not in db.get_tables()


def test_a_production_database_never_gets_the_sandbox_tables(scratch_url):
    db = use(scratch_url())
    migrations.upgrade(sandbox=False)
    assert not [t for t in db.get_tables() if t.startswith("sandbox")]
    with pytest.raises(Exception, match="zalo-oa db upgrade"):
        migrations.check(sandbox=True)


def test_the_models_match_the_schema_the_migrations_build(scratch_url):
    migrated = use(scratch_url())
    migrations.upgrade(sandbox=True)
    difference = diff_without_search(diff_models(migrated, MODELS + SANDBOX_MODELS))
    assert not difference, f"models differ from the migrated schema; add a step:\n{difference}"
    # Search objects are deliberately not models (see schema.without_search); all else must match.
    built_by_migrations = without_search(dump(migrated, skip=HISTORY | {"schema_version"}))
    database.close()
    from_models = use(scratch_url())
    from_models.create_tables(MODELS + SANDBOX_MODELS)
    assert dump(from_models) == built_by_migrations


def test_a_field_added_without_a_step_is_caught(scratch_url):
    db = use(scratch_url())
    migrations.upgrade(sandbox=True)
    from zalo_oa.models import Case

    extra = peewee.CharField(null=True)
    Case._meta.add_field("undeclared", extra)
    try:
        difference = diff_models(db, MODELS)
    finally:
        Case._meta.remove_field("undeclared")
    assert "add column case.undeclared" in str(difference)
