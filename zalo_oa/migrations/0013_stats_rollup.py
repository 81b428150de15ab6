"""Statistics kept ahead of time: weekly totals of cases and sent messages (cases/rollup.py).

- tables `stats_case_week`, `stats_unit_week`, `stats_sent_week`: totals per city-time week;
- table `stats_rollup`: one row, how far those totals reach;
- table `stats_dirty` and triggers on "case": every insert, delete and change of a column the
  statistics read leaves the case's filing time there, so the statistics count that week from
  the cases again until the worker's next refresh. Triggers rather than application code, so
  no write (a bulk UPDATE, a partner import, a hand-made fix in psql) can be missed.
The totals are built by the first refresh (`zalo-oa stats refresh`, or the worker within ten
minutes); until then the statistics are counted from the cases, as before.
"""
from peewee import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    IntegerField,
    Model,
    PostgresqlDatabase,
)

# The columns the weekly totals are made of (a change to any other leaves them as they are).
WATCHED = ("created_at", "category_id", "department_id", "area_code", "status", "due_at",
           "resolved_at", "closed_at", "updated_at", "reopen_count", "rating")

PG_STATEMENTS = (
    """CREATE OR REPLACE FUNCTION zalo_oa_stats_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'INSERT' THEN
           INSERT INTO stats_dirty (created_at) VALUES (OLD.created_at);
         END IF;
         IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE'
                                 AND NEW.created_at IS DISTINCT FROM OLD.created_at) THEN
           INSERT INTO stats_dirty (created_at) VALUES (NEW.created_at);
         END IF;
         RETURN NULL;
       END $$""",
    'CREATE TRIGGER stats_dirty_insert_delete AFTER INSERT OR DELETE ON "case" '
    "FOR EACH ROW EXECUTE FUNCTION zalo_oa_stats_dirty()",
    'CREATE TRIGGER stats_dirty_update AFTER UPDATE ON "case" FOR EACH ROW WHEN ('
    + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    + ") EXECUTE FUNCTION zalo_oa_stats_dirty()",
)

SQLITE_STATEMENTS = (
    'CREATE TRIGGER stats_dirty_insert AFTER INSERT ON "case" BEGIN '
    "INSERT INTO stats_dirty (created_at) VALUES (new.created_at); END",
    'CREATE TRIGGER stats_dirty_delete AFTER DELETE ON "case" BEGIN '
    "INSERT INTO stats_dirty (created_at) VALUES (old.created_at); END",
    'CREATE TRIGGER stats_dirty_update AFTER UPDATE ON "case" WHEN '
    + " OR ".join(f"old.{c} IS NOT new.{c}" for c in WATCHED)
    + " BEGIN INSERT INTO stats_dirty (created_at) VALUES (old.created_at); "
    "INSERT INTO stats_dirty (created_at) SELECT new.created_at "
    "WHERE new.created_at IS NOT old.created_at; END",
)


def up(migrator, db):
    class StatsCaseWeek(Model):
        week = DateField(index=True)
        category_id = IntegerField(null=True)
        department_id = IntegerField(null=True)
        area_code = CharField(null=True, max_length=16)
        cases = IntegerField()

        class Meta:
            database = db
            legacy_table_names = False  # index names from the table name, as in models.py
            table_name = "stats_case_week"

    class StatsUnitWeek(Model):
        week = DateField(index=True)
        category_id = IntegerField(null=True)
        department_id = IntegerField(null=True)
        done_week = DateField(null=True)
        cases = IntegerField()
        judged = IntegerField()
        on_time = IntegerField()
        first_judged = IntegerField(null=True)
        finished = IntegerField()
        reopened = IntegerField()
        ratings = IntegerField()
        rating_sum = IntegerField()

        class Meta:
            database = db
            legacy_table_names = False  # index names from the table name, as in models.py
            table_name = "stats_unit_week"

    class StatsSentWeek(Model):
        week = DateField(index=True)
        cost_class = CharField(null=True, max_length=16)
        messages = IntegerField()
        vnd = BigIntegerField()

        class Meta:
            database = db
            legacy_table_names = False  # index names from the table name, as in models.py
            table_name = "stats_sent_week"

    class StatsDirty(Model):
        created_at = DateTimeField(index=True)

        class Meta:
            database = db
            legacy_table_names = False  # index names from the table name, as in models.py
            table_name = "stats_dirty"

    class StatsRollup(Model):
        until = DateField(null=True)
        refreshed_at = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False  # index names from the table name, as in models.py
            table_name = "stats_rollup"

    db.create_tables([StatsCaseWeek, StatsUnitWeek, StatsSentWeek, StatsDirty, StatsRollup])
    statements = PG_STATEMENTS if isinstance(db, PostgresqlDatabase) else SQLITE_STATEMENTS
    for statement in statements:
        db.execute_sql(statement)
