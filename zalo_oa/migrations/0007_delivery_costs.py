"""Channels and cost as Zalo intends: each message keeps Zalo's own cost answer (`quota_type`)
and its price in VND, and may go to a staff member; staff have their own Zalo window (their
last message to the OA), an e-mail address and a phone number for reminders."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class Staff(Model):
        class Meta:
            database = db
            table_name = "staff"

    migrator.migrate(
        migrator.add_column("outbox_message", "quota_type", CharField(null=True, max_length=32)),
        migrator.add_column("outbox_message", "cost_vnd", IntegerField(null=True)),
        migrator.add_column("outbox_message", "staff_id", ForeignKeyField(
            Staff, field=Staff.id, null=True, on_delete="SET NULL")),
        migrator.add_column("staff", "email", CharField(null=True)),
        migrator.add_column("staff", "phone", CharField(null=True, max_length=32)),
        migrator.add_column("staff", "last_interaction_at", DateTimeField(null=True)))
