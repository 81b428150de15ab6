"""Issue 16: a case keeps the reporter's email (partners' Open311 reports carry one).

Frozen: the column as it is today, not the model's."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("case", "contact_email", CharField(null=True, max_length=254)))
