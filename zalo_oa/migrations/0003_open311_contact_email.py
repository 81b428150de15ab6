"""Issue 16: a case keeps the reporter's email (partners' Open311 reports carry one), and the
timeline is indexed by time for the Open311 updates feed's date window.

Frozen: the column and index as they are today, not the models'."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("case", "contact_email", CharField(null=True, max_length=254)),
        migrator.add_index("timeline_entry", ("created_at",), False))
