"""The sandbox as strict as Zalo: per-user reply counters and refusals, the knobs for the
webhook retry ladder, upload expiry, article review, ZNS quota, billing state, appsecret_proof
and the registered OAuth callback, the retry count of each webhook delivery, and articles."""
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    FloatField,
    IntegerField,
    Model,
    TextField,
)

from zalo_oa.migrations import database_default


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("sandbox_user", "last_message_at", DateTimeField(null=True)),
        migrator.add_column("sandbox_user", "replies_used",
                            database_default(IntegerField(default=0))),
        migrator.add_column("sandbox_user", "banned",
                            database_default(BooleanField(default=False))),
        migrator.add_column("sandbox_user", "blocks_invitations",
                            database_default(BooleanField(default=False))),
        migrator.add_column("sandbox_user", "restricted",
                            database_default(TextField(default="[]"))),
        migrator.add_column("sandbox_event", "retries", database_default(IntegerField(default=0))),
        migrator.add_column("sandbox_event", "next_retry_at", DateTimeField(null=True)),
        *(migrator.add_column("sandbox_setting", name, field) for name, field in (
            ("webhook_timeout_ms", database_default(IntegerField(default=2000))),
            ("webhook_retry_scale", database_default(FloatField(default=1.0))),
            ("webhook_subscribed", database_default(BooleanField(default=True))),
            ("upload_ttl_seconds", database_default(IntegerField(default=7 * 24 * 3600))),
            ("article_review_seconds", database_default(IntegerField(default=30 * 60))),
            ("zns_daily_quota", database_default(IntegerField(default=500))),
            ("paid_quota", IntegerField(null=True)),
            ("zca_state", database_default(CharField(default="ok", max_length=16))),
            ("require_appsecret_proof", database_default(BooleanField(default=False))),
            ("oauth_callback", TextField(null=True)),
            ("oa_violation", database_default(BooleanField(default=False))))))

    class SandboxArticle(Model):
        message_id = CharField(unique=True, max_length=64)
        article_id = CharField(max_length=191)
        target = TextField()
        submitted_at = DateTimeField()
        review_until = DateTimeField()
        delivered_at = DateTimeField(null=True)
        recipients = IntegerField(default=0)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "sandbox_article"

    db.create_tables([SandboxArticle])
