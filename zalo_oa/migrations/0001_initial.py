"""The schema release f25d6f5 created, frozen: a database made by it is already at this step.

Frozen definitions, never today's models: a later model change must not change what this
step builds. Python-side defaults are left out; they do not shape the schema."""

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    class Alert(Model):
        kind = CharField(index=True, max_length=64)
        message = TextField()
        created_at = DateTimeField()
        resolved_at = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "alert"

    db.create_tables([Alert])

    class Department(Model):
        slug = CharField(unique=True, max_length=64)
        name_vi = CharField()
        name_en = CharField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "department"

    db.create_tables([Department])

    class Staff(Model):
        username = CharField(unique=True, max_length=64)
        password_hash = CharField()
        name = CharField(null=True)
        role = CharField(max_length=16)
        department = ForeignKeyField(Department, null=True)
        active = BooleanField()
        zalo_user_id = CharField(null=True, max_length=64)
        locale = CharField(max_length=8)
        failed_logins = IntegerField()
        locked_until = DateTimeField(null=True)
        last_login_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "staff"

    db.create_tables([Staff])

    class AuditLog(Model):
        staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        action = CharField(max_length=64)
        target = CharField(null=True, max_length=191)
        data = TextField(null=True)
        created_at = DateTimeField(index=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "audit_log"

    db.create_tables([AuditLog])

    class Broadcast(Model):
        title = CharField()
        body = TextField()
        image_url = TextField(null=True)
        button = TextField(null=True)
        audience = TextField()
        emergency = BooleanField()
        channel = CharField(max_length=16)
        article_id = CharField(null=True, max_length=64)
        status = CharField(index=True, max_length=16)
        scheduled_at = DateTimeField(null=True)
        created_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        queued_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        recipients = IntegerField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "broadcast"

    db.create_tables([Broadcast])

    class Category(Model):
        slug = CharField(unique=True, max_length=64)
        name_vi = CharField()
        name_en = CharField()
        keywords = TextField()
        department = ForeignKeyField(Department, null=True)
        deadline_days = IntegerField()
        update_every_days = IntegerField()
        questions = TextField()
        position = IntegerField()
        active = BooleanField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "category"

    db.create_tables([Category])

    class CannedResponse(Model):
        title = CharField()
        body_vi = TextField()
        body_en = TextField(null=True)
        category = ForeignKeyField(Category, null=True, on_delete="CASCADE")
        status = CharField(null=True, max_length=16)
        active = BooleanField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "canned_response"

    db.create_tables([CannedResponse])

    class Citizen(Model):
        zalo_user_id = CharField(unique=True, max_length=64)
        user_id_by_app = CharField(null=True, max_length=64)
        display_name = CharField(null=True)
        name = CharField(null=True)
        phone = CharField(index=True, null=True, max_length=32)
        address = TextField(null=True)
        locale = CharField(max_length=8)
        is_follower = BooleanField()
        followed_at = DateTimeField(null=True)
        unfollowed_at = DateTimeField(null=True)
        last_interaction_at = DateTimeField(null=True)
        withdrawn_at = DateTimeField(null=True)
        tags = TextField()
        area_code = CharField(index=True, null=True, max_length=16)
        topics = TextField()
        announcements_off = BooleanField()
        handoff_staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        handoff_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "citizen"

    db.create_tables([Citizen])

    class Case(Model):
        code = CharField(unique=True, null=True, max_length=32)
        citizen = ForeignKeyField(Citizen, null=True, on_delete="SET NULL")
        category = ForeignKeyField(Category)
        department = ForeignKeyField(Department, null=True)
        description = TextField()
        latitude = DoubleField(null=True)
        longitude = DoubleField(null=True)
        address = TextField(null=True)
        contact_name = CharField(null=True)
        contact_phone = CharField(null=True, max_length=32)
        status = CharField(index=True, max_length=16)
        priority = CharField(max_length=16)
        assigned_to = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        duplicate_of = ForeignKeyField("self", null=True, on_delete="SET NULL")
        reject_reason = TextField(null=True)
        rating = IntegerField(null=True)
        citizen_confirmed = BooleanField(null=True)
        reopen_count = IntegerField()
        first_response_at = DateTimeField(null=True)
        area_code = CharField(index=True, null=True, max_length=16)
        attributes = TextField(null=True)
        open311_token = CharField(unique=True, null=True, max_length=64)
        partner = CharField(null=True, max_length=64)
        channel = CharField(max_length=16)
        is_public = BooleanField()
        due_at = DateTimeField(index=True, null=True)
        created_at = DateTimeField(index=True)
        updated_at = DateTimeField()
        resolved_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "case"
            indexes = (
                (("status", "id"), False),
                (("department", "status", "id"), False),
                (("category", "id"), False),
                (("citizen", "id"), False),
                (("status", "due_at"), False),
                (("contact_phone",), False),
            )

    db.create_tables([Case])

    class CasePhoto(Model):
        case = ForeignKeyField(Case, on_delete="CASCADE")
        url = TextField()
        thumbnail = TextField(null=True)
        kind = CharField(max_length=16)
        created_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "case_photo"

    db.create_tables([CasePhoto])

    class Conversation(Model):
        citizen = ForeignKeyField(Citizen, unique=True, on_delete="CASCADE")
        draft = TextField(null=True)
        updated_at = DateTimeField()
        remind_at = DateTimeField(index=True, null=True)
        expire_at = DateTimeField(index=True, null=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "conversation"

    db.create_tables([Conversation])

    class FollowUp(Model):
        case = ForeignKeyField(Case, on_delete="CASCADE")
        kind = CharField(max_length=32)
        due_at = DateTimeField()
        status = CharField(max_length=16)
        dedupe_key = CharField(unique=True, max_length=191)
        data = TextField(null=True)
        created_at = DateTimeField()
        done_at = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "follow_up"
            indexes = ((("status", "due_at"), False),)

    db.create_tables([FollowUp])

    class InboundEvent(Model):
        dedupe_key = CharField(unique=True, max_length=191)
        event_name = CharField(max_length=64)
        zalo_user_id = CharField(null=True, max_length=64)
        payload = TextField()
        status = CharField(max_length=16)
        received_at = DateTimeField()
        handled_at = DateTimeField(null=True)
        error = TextField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "inbound_event"
            indexes = ((("status", "zalo_user_id", "id"), False),)

    db.create_tables([InboundEvent])

    class OAToken(Model):
        access_token = TextField()
        refresh_token = TextField(null=True)
        expires_at = DateTimeField(null=True)
        updated_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "oa_token"

    db.create_tables([OAToken])

    class OAuthRequest(Model):
        state = CharField(unique=True, max_length=64)
        code_verifier = CharField(max_length=128)
        redirect_uri = TextField()
        created_at = DateTimeField()
        used_at = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "o_auth_request"

    db.create_tables([OAuthRequest])

    class OutboxMessage(Model):
        citizen = ForeignKeyField(Citizen, null=True, on_delete="SET NULL")
        zalo_user_id = CharField(max_length=64)
        case = ForeignKeyField(Case, null=True, on_delete="SET NULL")
        broadcast = ForeignKeyField(Broadcast, null=True, on_delete="CASCADE")
        kind = CharField(max_length=64)
        api = CharField(max_length=16)
        payload = TextField()
        params = TextField(null=True)
        urgent = BooleanField()
        channel = CharField(null=True, max_length=16)
        cost_class = CharField(null=True, max_length=16)
        expires_at = DateTimeField(null=True)
        dedupe_key = CharField(unique=True, null=True, max_length=191)
        status = CharField(max_length=16)
        due_at = DateTimeField()
        claimed_until = DateTimeField(null=True)
        attempts = IntegerField()
        last_error = TextField(null=True)
        zalo_message_id = CharField(index=True, null=True, max_length=64)
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        delivered_at = DateTimeField(null=True)
        seen_at = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "outbox_message"
            indexes = (
                (("status", "due_at"), False),
                (("zalo_user_id", "status", "due_at"), False),
                (("broadcast", "status"), False),
            )

    db.create_tables([OutboxMessage])

    class PartnerKey(Model):
        name = CharField()
        key = CharField(unique=True, max_length=64)
        created_at = DateTimeField()
        revoked_at = DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "partner_key"

    db.create_tables([PartnerKey])

    class SchemaVersion(Model):
        version = IntegerField()
        applied_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "schema_version"

    db.create_tables([SchemaVersion])

    class TemplateText(Model):
        locale = CharField(max_length=8)
        name = CharField(max_length=64)
        body = TextField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "template_text"
            indexes = ((("locale", "name"), True),)

    db.create_tables([TemplateText])

    class TimelineEntry(Model):
        case = ForeignKeyField(Case, on_delete="CASCADE")
        kind = CharField(max_length=32)
        actor = CharField(max_length=64)
        staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        body = TextField(null=True)
        public = BooleanField()
        data = TextField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "timeline_entry"

    db.create_tables([TimelineEntry])

    class WorkerHeartbeat(Model):
        name = CharField(unique=True, max_length=128)
        beat_at = DateTimeField()
        started_at = DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "worker_heartbeat"

    db.create_tables([WorkerHeartbeat])
