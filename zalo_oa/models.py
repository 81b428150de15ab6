"""peewee models: the schema and small query helpers. Times are naive UTC."""
import datetime as dt
import json

import peewee as pw

from .db import database


def utcnow():
    """The current time as naive UTC, the form every DateTimeField here holds."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class JSONField(pw.TextField):
    """JSON stored as text, so SQLite and PostgreSQL share one schema."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class Department(BaseModel):
    slug = pw.CharField(unique=True, max_length=64)
    name_vi = pw.CharField()
    name_en = pw.CharField()
    # A ward's or commune's own unit (its People's Committee): the vietnam-provinces code.
    area_code = pw.CharField(null=True, max_length=16, index=True)


class Category(BaseModel):
    slug = pw.CharField(unique=True, max_length=64)
    name_vi = pw.CharField()
    name_en = pw.CharField()
    keywords = JSONField(default=list)
    department = pw.ForeignKeyField(Department, null=True, backref="categories")
    deadline_days = pw.IntegerField(default=5)
    # An urgent case (staff set priority "urgent", or the report names one of `hazard_terms`,
    # e.g. "cây đổ chắn đường") is due in this many clock hours instead of working days.
    urgent_hours = pw.IntegerField(default=24)
    hazard_terms = JSONField(default=list)
    # A number the citizen should call at once when it is urgent (e.g. 113 for security).
    hotline = pw.CharField(null=True, max_length=16)
    # Days between "still being handled" updates while a case stays open.
    update_every_days = pw.IntegerField(default=3)
    # Extra questions for this category (Open311 service attributes): a list of
    # {"code", "datatype", "required", "description", "values": [{"key", "name"}]}.
    questions = JSONField(default=list)
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)

    @classmethod
    def listed(cls):
        return cls.select().where(cls.active).order_by(cls.position, cls.id)


class Staff(BaseModel):
    username = pw.CharField(unique=True, max_length=64)
    password_hash = pw.CharField()
    name = pw.CharField(null=True)
    role = pw.CharField(default="operator", max_length=16)
    department = pw.ForeignKeyField(Department, null=True, backref="staff")
    active = pw.BooleanField(default=True)
    zalo_user_id = pw.CharField(null=True, max_length=64)
    # Reminders reach staff by Zalo only within 7 days of their own last message to the OA;
    # otherwise by e-mail, or ZNS to their phone (84...), or on the dashboard.
    last_interaction_at = pw.DateTimeField(null=True)
    email = pw.CharField(null=True)
    phone = pw.CharField(null=True, max_length=32)
    locale = pw.CharField(default="vi", max_length=8)
    failed_logins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    last_login_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    # Set on an account whose password was handed out (the demo's first admin): the dashboard
    # asks for a new one before anything else.
    must_change_password = pw.BooleanField(default=False)
    # Part of every session's mark: raising it (logout, password reset, deactivation) ends
    # the account's sessions on the server, whatever cookies are still around.
    session_version = pw.IntegerField(default=0)


class Citizen(BaseModel):
    zalo_user_id = pw.CharField(unique=True, max_length=64)
    user_id_by_app = pw.CharField(null=True, max_length=64)
    display_name = pw.CharField(null=True)
    name = pw.CharField(null=True)
    phone = pw.CharField(null=True, max_length=32, index=True)
    address = pw.TextField(null=True)
    locale = pw.CharField(default="vi", max_length=8)
    is_follower = pw.BooleanField(default=False)
    followed_at = pw.DateTimeField(null=True)
    unfollowed_at = pw.DateTimeField(null=True)
    last_interaction_at = pw.DateTimeField(null=True)
    withdrawn_at = pw.DateTimeField(null=True)
    tags = JSONField(default=list)
    # What the citizen chose to hear: their ward (a vietnam-provinces ward code), topics
    # (category slugs and "emergency"), and whether announcements are off altogether.
    area_code = pw.CharField(null=True, max_length=16, index=True)
    topics = JSONField(default=list)
    announcements_off = pw.BooleanField(default=False)
    # A staff member who took over this citizen's conversation (the bot stays quiet meanwhile).
    handoff_staff = pw.ForeignKeyField(Staff, null=True, backref="handoffs", on_delete="SET NULL")
    handoff_at = pw.DateTimeField(null=True)
    # The case the conversation was taken over from: the citizen's messages go on it until
    # staff hand the conversation back. Deferred (case refers to citizen too): no constraint.
    handoff_case = pw.DeferredForeignKey("Case", null=True, backref="+")
    created_at = pw.DateTimeField(default=utcnow)
    # The flood throttle: when this minute's burst of messages began, and how many so far.
    burst_started_at = pw.DateTimeField(null=True)
    burst_count = pw.IntegerField(default=0)


class Conversation(BaseModel):
    """A citizen's place in the guided dialogue; `draft` is an unfinished report."""

    citizen = pw.ForeignKeyField(Citizen, unique=True, backref="conversation", on_delete="CASCADE")
    draft = JSONField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)
    remind_at = pw.DateTimeField(null=True, index=True)
    expire_at = pw.DateTimeField(null=True, index=True)


class Case(BaseModel):
    code = pw.CharField(unique=True, null=True, max_length=32)
    citizen = pw.ForeignKeyField(Citizen, null=True, backref="cases", on_delete="SET NULL")
    category = pw.ForeignKeyField(Category, backref="cases")
    department = pw.ForeignKeyField(Department, null=True, backref="cases")
    description = pw.TextField()
    latitude = pw.DoubleField(null=True)
    longitude = pw.DoubleField(null=True)
    address = pw.TextField(null=True)
    contact_name = pw.CharField(null=True)
    contact_phone = pw.CharField(null=True, max_length=32)
    # A partner's reporter may give only an email: contact data like the phone (never published).
    contact_email = pw.CharField(null=True, max_length=254)
    status = pw.CharField(default="new", max_length=16, index=True)
    priority = pw.CharField(default="normal", max_length=16)
    assigned_to = pw.ForeignKeyField(Staff, null=True, backref="cases", on_delete="SET NULL")
    duplicate_of = pw.ForeignKeyField("self", null=True, backref="duplicates",
                                      on_delete="SET NULL")
    reject_reason = pw.TextField(null=True)
    rating = pw.IntegerField(null=True)
    citizen_confirmed = pw.BooleanField(null=True)
    reopen_count = pw.IntegerField(default=0)
    first_response_at = pw.DateTimeField(null=True)
    area_code = pw.CharField(null=True, max_length=16, index=True)
    # Answers to the category's extra questions, and the Open311 token of a partner's request.
    attributes = JSONField(null=True)
    open311_token = pw.CharField(null=True, unique=True, max_length=64)
    partner = pw.CharField(null=True, max_length=64)
    channel = pw.CharField(default="zalo", max_length=16)
    # A caller or walk-in (no Zalo follower linked) agreed to hear of the case by phone (ZNS).
    notify_by_phone = pw.BooleanField(default=False)
    is_public = pw.BooleanField(default=True)
    # Staff approved the description for public pages (else they show category and place).
    description_public = pw.BooleanField(default=False)
    # Citizens who reported the same problem and follow this case ("me too").
    follower_count = pw.IntegerField(default=0)
    due_at = pw.DateTimeField(null=True, index=True)
    created_at = pw.DateTimeField(default=utcnow, index=True)
    updated_at = pw.DateTimeField(default=utcnow)
    resolved_at = pw.DateTimeField(null=True)
    closed_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "id"), False), (("department", "status", "id"), False),
                   (("category", "id"), False), (("citizen", "id"), False),
                   # The inbox's per-status counts under a category filter, from the index alone.
                   (("category", "status"), False),
                   (("status", "due_at"), False), (("contact_phone",), False),
                   # Nearby cases: a bounding box on indexed columns (places/nearby.py).
                   (("category", "latitude", "longitude"), False))

    @classmethod
    def of_citizen(cls, citizen):
        return cls.select().where(cls.citizen == citizen).order_by(cls.id.desc())


class MediaFile(BaseModel):
    """A citizen's photo, audio or video: its CDN address and our own copy, fetched by the
    worker (pending -> stored, or failed with the reason after its retries)."""

    citizen = pw.ForeignKeyField(Citizen, null=True, backref="media", on_delete="SET NULL")
    source_url = pw.TextField()
    source_key = pw.CharField(unique=True, max_length=64)  # sha256 of source_url
    kind = pw.CharField(default="image", max_length=16)  # image | audio | video
    status = pw.CharField(default="pending", max_length=16)
    attempts = pw.IntegerField(default=0)
    due_at = pw.DateTimeField(default=utcnow)
    claimed_until = pw.DateTimeField(null=True)
    error = pw.TextField(null=True)
    content_type = pw.CharField(null=True, max_length=64)
    size = pw.IntegerField(null=True)
    stored_key = pw.CharField(null=True, max_length=191)
    thumbnail_key = pw.CharField(null=True, max_length=191)
    created_at = pw.DateTimeField(default=utcnow)
    stored_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "due_at"), False),)


class CasePhoto(BaseModel):
    case = pw.ForeignKeyField(Case, backref="photos", on_delete="CASCADE")
    url = pw.TextField()
    thumbnail = pw.TextField(null=True)
    kind = pw.CharField(default="report", max_length=16)
    created_at = pw.DateTimeField(default=utcnow)
    # Our archived copy of a citizen's file, and whether staff let the public see it.
    media = pw.ForeignKeyField(MediaFile, null=True, backref="photos", on_delete="SET NULL")
    public = pw.BooleanField(default=False)


class CaseFollower(BaseModel):
    """A citizen who reported the same problem and follows this case instead of a new one."""

    case = pw.ForeignKeyField(Case, backref="followers", on_delete="CASCADE")
    citizen = pw.ForeignKeyField(Citizen, backref="following", on_delete="CASCADE")
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("case", "citizen"), True),)


class WardBoundary(BaseModel):
    """A ward's outline (GeoJSON geometry), imported by `zalo-oa areas import`."""

    area_code = pw.CharField(unique=True, max_length=16)
    name = pw.CharField()
    geometry = pw.TextField()
    source = pw.CharField(null=True)
    imported_at = pw.DateTimeField(default=utcnow)


class RoutingRule(BaseModel):
    """Which unit handles a category: in one ward (`area_code`), or city-wide (NULL); either a
    named unit or, with `to_ward`, the People's Committee of the case's own ward."""

    category = pw.ForeignKeyField(Category, backref="routing", on_delete="CASCADE")
    area_code = pw.CharField(null=True, max_length=16)
    department = pw.ForeignKeyField(Department, null=True, on_delete="CASCADE")
    to_ward = pw.BooleanField(default=False)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("category", "area_code"), False),)


class TimelineEntry(BaseModel):
    """One thing that happened to a case; `public` entries were told to the citizen."""

    case = pw.ForeignKeyField(Case, backref="timeline", on_delete="CASCADE")
    kind = pw.CharField(max_length=32)
    actor = pw.CharField(default="system", max_length=64)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    body = pw.TextField(null=True)
    public = pw.BooleanField(default=False)
    data = JSONField(null=True)
    # Indexed for the Open311 updates feed, which partners poll by time window.
    created_at = pw.DateTimeField(default=utcnow, index=True)


class InboundEvent(BaseModel):
    """One webhook delivery, recorded once under its dedupe key and handled in order."""

    dedupe_key = pw.CharField(unique=True, max_length=191)
    event_name = pw.CharField(max_length=64)
    zalo_user_id = pw.CharField(null=True, max_length=64)
    payload = pw.TextField()
    status = pw.CharField(default="pending", max_length=16)
    received_at = pw.DateTimeField(default=utcnow)
    handled_at = pw.DateTimeField(null=True)
    error = pw.TextField(null=True)
    # A failed handler is retried (status "retry", at next_try_at) a few times, then parked.
    attempts = pw.IntegerField(default=0)
    next_try_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "zalo_user_id", "id"), False),)


class Broadcast(BaseModel):
    """An announcement to an audience of followers, sent through the outbox."""

    title = pw.CharField()
    body = pw.TextField()
    image_url = pw.TextField(null=True)
    # One optional button: {"kind": "url"|"phone", "label", "value"}.
    button = JSONField(null=True)
    # Who gets it: {"all": bool, "areas": [...], "topics": [...], "reported_in": {...},
    # "user_ids": [...]} (see broadcasts.py).
    audience = JSONField(default=dict)
    emergency = pw.BooleanField(default=False)
    channel = pw.CharField(default="message", max_length=16)  # message | article
    article_id = pw.CharField(null=True, max_length=64)
    status = pw.CharField(default="draft", max_length=16, index=True)
    scheduled_at = pw.DateTimeField(null=True)
    created_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow)
    queued_at = pw.DateTimeField(null=True)
    finished_at = pw.DateTimeField(null=True)
    recipients = pw.IntegerField(default=0)


class OutboxMessage(BaseModel):
    """One message to one citizen: what to send, when, and what came of it."""

    citizen = pw.ForeignKeyField(Citizen, null=True, backref="messages", on_delete="SET NULL")
    zalo_user_id = pw.CharField(max_length=64)
    case = pw.ForeignKeyField(Case, null=True, backref="messages", on_delete="SET NULL")
    broadcast = pw.ForeignKeyField(Broadcast, null=True, backref="messages",
                                   on_delete="CASCADE")
    kind = pw.CharField(max_length=64)
    # "cs" (and its template fallbacks) to a follower's user id; "anonymous" to a chatter who
    # does not follow: `zalo_user_id` then holds their anonymous id, with their conversation.
    api = pw.CharField(default="cs", max_length=16)
    conversation_id = pw.CharField(null=True, max_length=64)
    payload = JSONField()
    # Template parameters, for a send that must fall back to a ZBS/ZNS template.
    params = JSONField(null=True)
    urgent = pw.BooleanField(default=False)
    # A reminder to a staff member rather than a message to a citizen.
    staff = pw.ForeignKeyField(Staff, null=True, backref="messages", on_delete="SET NULL")
    channel = pw.CharField(null=True, max_length=16)
    # What it cost: forecast from the window until Zalo answers, then Zalo's own quota_type
    # (reply | sub_quota | purchase_quota | reward_quota) and the price table's VND.
    cost_class = pw.CharField(null=True, max_length=16)
    quota_type = pw.CharField(null=True, max_length=32)
    cost_vnd = pw.IntegerField(null=True)
    expires_at = pw.DateTimeField(null=True)
    dedupe_key = pw.CharField(unique=True, null=True, max_length=191)
    status = pw.CharField(default="pending", max_length=16)
    due_at = pw.DateTimeField(default=utcnow)
    claimed_until = pw.DateTimeField(null=True)
    attempts = pw.IntegerField(default=0)
    last_error = pw.TextField(null=True)
    zalo_message_id = pw.CharField(null=True, index=True, max_length=64)
    created_at = pw.DateTimeField(default=utcnow)
    sent_at = pw.DateTimeField(null=True)
    delivered_at = pw.DateTimeField(null=True)
    seen_at = pw.DateTimeField(null=True)
    # Times a lease that ran out (its sender died mid-send) was taken over: each may have
    # reached the citizen twice.
    resends = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("status", "due_at"), False), (("zalo_user_id", "status", "due_at"), False),
                   (("broadcast", "status"), False),
                   # The statistics page's costs per week, from the index alone.
                   (("sent_at", "cost_class", "cost_vnd"), False))


class PartnerKey(BaseModel):
    """An Open311 API key issued to a partner; revoked keys are refused."""

    name = pw.CharField()
    key = pw.CharField(unique=True, max_length=64)
    created_at = pw.DateTimeField(default=utcnow)
    revoked_at = pw.DateTimeField(null=True)


class OAToken(BaseModel):
    """The OA's access and refresh tokens; one row."""

    access_token = pw.TextField()
    refresh_token = pw.TextField(null=True)
    expires_at = pw.DateTimeField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)


class OAuthRequest(BaseModel):
    """One OAuth v4 consent in progress: its `state` and PKCE verifier, used once."""

    state = pw.CharField(unique=True, max_length=64)
    code_verifier = pw.CharField(max_length=128)
    redirect_uri = pw.TextField()
    created_at = pw.DateTimeField(default=utcnow)
    used_at = pw.DateTimeField(null=True)


class TemplateText(BaseModel):
    """An admin's edit of a message template; overrides the file under templates/messages."""

    locale = pw.CharField(max_length=8)
    name = pw.CharField(max_length=64)
    body = pw.TextField()
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("locale", "name"), True),)


class FollowUp(BaseModel):
    """A scheduled push or reminder about a case, done by the worker when due."""

    case = pw.ForeignKeyField(Case, backref="followups", on_delete="CASCADE")
    kind = pw.CharField(max_length=32)
    due_at = pw.DateTimeField()
    status = pw.CharField(default="pending", max_length=16)
    dedupe_key = pw.CharField(unique=True, max_length=191)
    data = JSONField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    done_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "due_at"), False),)


class Alert(BaseModel):
    """Something staff must act on (e.g. the OA token could not be refreshed, or an urgent
    report came in: kind "urgent_case:<code>")."""

    CASE = "urgent_case"

    kind = pw.CharField(max_length=64, index=True)
    message = pw.TextField()
    created_at = pw.DateTimeField(default=utcnow)
    resolved_at = pw.DateTimeField(null=True)

    @classmethod
    def active(cls):
        return cls.select().where(cls.resolved_at.is_null()).order_by(cls.id)

    @classmethod
    def faults(cls):
        """Active alerts about the service itself (not about a case)."""
        return cls.active().where(~cls.kind.startswith(cls.CASE))


class AuditLog(BaseModel):
    """Every staff action, for accountability."""

    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    action = pw.CharField(max_length=64)
    target = pw.CharField(null=True, max_length=191)
    data = JSONField(null=True)
    created_at = pw.DateTimeField(default=utcnow, index=True)


class CannedResponse(BaseModel):
    """A reply staff can pick, per category and status; `{code}`-style variables are filled in."""

    title = pw.CharField()
    body_vi = pw.TextField()
    body_en = pw.TextField(null=True)
    category = pw.ForeignKeyField(Category, null=True, on_delete="CASCADE")
    status = pw.CharField(null=True, max_length=16)
    active = pw.BooleanField(default=True)


class TrainingExample(BaseModel):
    """A message and its right category, learnt by the category model on top of the shipped
    examples: each staff correction of a case's category adds one."""

    text = pw.TextField()
    category_slug = pw.CharField(max_length=64)
    source = pw.CharField(default="staff", max_length=16)
    case = pw.ForeignKeyField(Case, null=True, backref="training", on_delete="SET NULL")
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow)


class WorkerHeartbeat(BaseModel):
    """Each scheduler process's last sign of life, for /healthz."""

    name = pw.CharField(unique=True, max_length=128)
    beat_at = pw.DateTimeField(default=utcnow)
    started_at = pw.DateTimeField(default=utcnow)
    # Set while this process leads the schedule (leader.py); how many leader-only job passes
    # it has run, so "each periodic job once per tick" can be checked from outside.
    leading_since = pw.DateTimeField(null=True)
    leader_passes = pw.IntegerField(default=0)


class SendBudget(BaseModel):
    """The one send timeline every worker on PostgreSQL takes slots from (shared_budget.py).

    Times are the database server's clock in epoch seconds, so the workers' clocks never meet.
    """

    next_slot = pw.DoubleField(default=0)
    paused_until = pw.DoubleField(default=0)
    backoff = pw.DoubleField(default=1)


# --- statistics kept ahead of time (cases/rollup.py) ------------------------------------------
# Totals per city-time week (its Monday) for the weeks before the current one; weeks whose
# cases changed since (StatsDirty) are counted from the cases again until the next refresh.

class StatsCaseWeek(BaseModel):
    """Cases filed in a week, per category, unit and ward."""

    week = pw.DateField(index=True)
    category_id = pw.IntegerField(null=True)
    department_id = pw.IntegerField(null=True)
    area_code = pw.CharField(null=True, max_length=16)
    cases = pw.IntegerField()


class StatsUnitWeek(BaseModel):
    """Finished cases (no longer open) filed in a week, per category, unit and finishing week:
    the sums the on-time, reopen and satisfaction figures are made of."""

    week = pw.DateField(index=True)
    category_id = pw.IntegerField(null=True)
    department_id = pw.IntegerField(null=True)
    done_week = pw.DateField(null=True)
    cases = pw.IntegerField()
    judged = pw.IntegerField()
    on_time = pw.IntegerField()
    first_judged = pw.IntegerField(null=True)
    finished = pw.IntegerField()
    reopened = pw.IntegerField()
    ratings = pw.IntegerField()
    rating_sum = pw.IntegerField()


class StatsSentWeek(BaseModel):
    """Messages sent in a week, per cost class, and what they cost."""

    week = pw.DateField(index=True)
    cost_class = pw.CharField(null=True, max_length=16)
    messages = pw.IntegerField()
    vnd = pw.BigIntegerField()


class StatsDirty(BaseModel):
    """The filing time of a case that was added, changed or deleted since the last refresh
    (written by database triggers, so no write path can forget it)."""

    created_at = pw.DateTimeField(index=True)


class StatsRollup(BaseModel):
    """The one row saying how far the weekly totals reach: every week before `until`."""

    until = pw.DateField(null=True)
    refreshed_at = pw.DateTimeField(null=True)


MODELS = [Department, Category, Staff, Citizen, Conversation, Case, MediaFile, CasePhoto,
          TimelineEntry, InboundEvent, Broadcast, OutboxMessage, PartnerKey, OAToken,
          OAuthRequest, TemplateText, FollowUp, Alert, AuditLog, CannedResponse, TrainingExample,
          WorkerHeartbeat, CaseFollower, WardBoundary, RoutingRule, SendBudget, StatsCaseWeek,
          StatsUnitWeek, StatsSentWeek, StatsDirty, StatsRollup]
