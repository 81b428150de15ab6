"""The sandbox's tables as release f25d6f5 created them (only ever run with the sandbox on)."""

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    class SandboxAuthCode(Model):
        code = CharField(unique=True, max_length=64)
        app_id = CharField(max_length=64)
        code_challenge = CharField(max_length=128)
        created_at = DateTimeField()
        used_at = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "sandbox_auth_code"

    db.create_tables([SandboxAuthCode])

    class SandboxEvent(Model):
        user_id = CharField(index=True, max_length=64)
        event_name = CharField(max_length=64)
        payload = TextField()
        webhook_status = IntegerField(null=True)
        sent_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "sandbox_event"

    db.create_tables([SandboxEvent])

    class SandboxFault(Model):
        path = CharField(index=True, max_length=191)
        error = IntegerField(null=True)
        http_status = IntegerField(null=True)
        delay_ms = IntegerField(null=True)
        remaining = IntegerField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "sandbox_fault"

    db.create_tables([SandboxFault])

    class SandboxMessage(Model):
        user_id = CharField(index=True, max_length=64)
        api = CharField(max_length=16)
        message_id = CharField(unique=True, max_length=64)
        payload = TextField()
        sent_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "sandbox_message"

    db.create_tables([SandboxMessage])

    class SandboxRateWindow(Model):
        minute = BigIntegerField(unique=True)
        calls = IntegerField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "sandbox_rate_window"

    db.create_tables([SandboxRateWindow])

    class SandboxSetting(Model):
        rate_limit_per_minute = IntegerField()
        latency_ms = IntegerField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "sandbox_setting"

    db.create_tables([SandboxSetting])

    class SandboxToken(Model):
        access_token = CharField(unique=True, max_length=191)
        refresh_token = CharField(unique=True, max_length=191)
        expires_at = DateTimeField()
        revoked = BooleanField()
        created_at = DateTimeField()
        refresh_used_at = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "sandbox_token"

    db.create_tables([SandboxToken])

    class SandboxUpload(Model):
        attachment_id = CharField(unique=True, max_length=64)
        file_name = CharField(max_length=191)
        size = IntegerField()
        created_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "sandbox_upload"

    db.create_tables([SandboxUpload])

    class SandboxUser(Model):
        user_id = CharField(unique=True, max_length=64)
        user_id_by_app = CharField(max_length=64)
        display_name = CharField(null=True)
        is_follower = BooleanField()
        last_interaction_at = DateTimeField(null=True)
        shared_name = CharField(null=True)
        shared_phone = CharField(null=True, max_length=32)
        shared_address = TextField(null=True)
        shared_city = CharField(null=True)
        shared_district = CharField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "sandbox_user"

    db.create_tables([SandboxUser])
