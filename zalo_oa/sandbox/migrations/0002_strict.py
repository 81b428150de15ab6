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


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("sandbox_user", "last_message_at", DateTimeField(null=True)),
        migrator.add_column("sandbox_user", "replies_used", IntegerField(default=0)),
        migrator.add_column("sandbox_user", "banned", BooleanField(default=False)),
        migrator.add_column("sandbox_user", "blocks_invitations", BooleanField(default=False)),
        migrator.add_column("sandbox_user", "restricted", TextField(default="[]")),
        migrator.add_column("sandbox_event", "retries", IntegerField(default=0)),
        migrator.add_column("sandbox_event", "next_retry_at", DateTimeField(null=True)),
        *(migrator.add_column("sandbox_setting", name, field) for name, field in (
            ("webhook_timeout_ms", IntegerField(default=2000)),
            ("webhook_retry_scale", FloatField(default=1.0)),
            ("webhook_subscribed", BooleanField(default=True)),
            ("upload_ttl_seconds", IntegerField(default=7 * 24 * 3600)),
            ("article_review_seconds", IntegerField(default=30 * 60)),
            ("zns_daily_quota", IntegerField(default=500)),
            ("paid_quota", IntegerField(null=True)),
            ("zca_state", CharField(default="ok", max_length=16)),
            ("require_appsecret_proof", BooleanField(default=False)),
            ("oauth_callback", TextField(null=True)),
            ("oa_violation", BooleanField(default=False)))))

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
