"""Issue 14: the case a taken-over conversation belongs to, the "change your password" flag,
and the caller's consent to updates by phone on cases staff file for a caller or a walk-in.

Frozen definitions: the columns as this step adds them, never today's models. citizen and case
refer to each other, so citizen.handoff_case_id is a plain indexed column, as the models'
deferred foreign key creates it (no constraint: cases are never deleted, only blanked)."""

from peewee import BooleanField, IntegerField

from zalo_oa.migrations import database_default


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("citizen", "handoff_case_id", IntegerField(null=True, index=True)),
        migrator.add_column("staff", "must_change_password",
                            database_default(BooleanField(default=False))),
        migrator.add_column("case", "notify_by_phone",
                            database_default(BooleanField(default=False))))
