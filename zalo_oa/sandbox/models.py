"""Sandbox state: every table the Zalo stand-in needs, so several processes can serve it."""
import peewee as pw

from ..models import BaseModel, JSONField, utcnow


class SandboxUser(BaseModel):
    """A citizen as Zalo knows them: ids, follower flag, last interaction, shared info."""

    user_id = pw.CharField(unique=True, max_length=64)
    user_id_by_app = pw.CharField(max_length=64)
    display_name = pw.CharField(null=True)
    is_follower = pw.BooleanField(default=False)
    last_interaction_at = pw.DateTimeField(null=True)
    shared_name = pw.CharField(null=True)
    shared_phone = pw.CharField(null=True, max_length=32)
    shared_address = pw.TextField(null=True)
    shared_city = pw.CharField(null=True)
    shared_district = pw.CharField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    # Zalo's free-reply counter: 8 cs replies within 48 h of the user's last message.
    last_message_at = pw.DateTimeField(null=True)
    replies_used = pw.IntegerField(default=0)
    # Why Zalo would refuse messages to this user: banned or inactive 45 days (-227),
    # blocking invitations (-217), message types they turned off ("cs", "template": -244).
    banned = pw.BooleanField(default=False)
    blocks_invitations = pw.BooleanField(default=False)
    restricted = JSONField(default=list)


class SandboxToken(BaseModel):
    """An OA access token the sandbox issued, with its refresh token."""

    access_token = pw.CharField(unique=True, max_length=191)
    refresh_token = pw.CharField(unique=True, max_length=191)
    expires_at = pw.DateTimeField()
    revoked = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=utcnow)
    # Refresh tokens are single use: set when this pair's refresh token was traded in.
    refresh_used_at = pw.DateTimeField(null=True)


def arrival_time():
    """When the current call reached the sandbox (before any simulated latency), else now."""
    from flask import g, has_request_context

    if has_request_context() and "sandbox_received_at" in g:
        return g.sandbox_received_at
    return utcnow()


class _PerUser(BaseModel):
    """A table of things sent to or by one user, read back oldest first."""

    @classmethod
    def of_user(cls, user_id):
        return cls.select().where(cls.user_id == user_id).order_by(cls.sent_at, cls.id)


class SandboxMessage(_PerUser):
    """One message the OA sent a user through a stand-in API, as it was sent."""

    user_id = pw.CharField(max_length=64, index=True)
    api = pw.CharField(max_length=16)
    message_id = pw.CharField(unique=True, max_length=64)
    payload = JSONField()
    sent_at = pw.DateTimeField(default=arrival_time)


class SandboxEvent(_PerUser):
    """One event a simulated citizen sent to the webhook, and how the webhook answered."""

    user_id = pw.CharField(max_length=64, index=True)
    event_name = pw.CharField(max_length=64)
    payload = JSONField()
    webhook_status = pw.IntegerField(null=True)
    sent_at = pw.DateTimeField(default=utcnow)
    # Deliveries retried after a failure (each carried the `num_retry` header), and when the
    # next one is due on Zalo's ladder (None: delivered, or given up).
    retries = pw.IntegerField(default=0)
    next_retry_at = pw.DateTimeField(null=True)


class SandboxFault(BaseModel):
    """A failure or delay the next calls to `path` get; `remaining` None means until cleared."""

    path = pw.CharField(max_length=191, index=True)
    error = pw.IntegerField(null=True)
    http_status = pw.IntegerField(null=True)
    delay_ms = pw.IntegerField(null=True)
    remaining = pw.IntegerField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

    @property
    def fails(self):
        return self.error is not None or self.http_status is not None

    @classmethod
    def active_for(cls, path):
        return (cls.select()
                .where((cls.path == path) & (cls.remaining.is_null() | (cls.remaining > 0)))
                .order_by(cls.id))


class SandboxUpload(BaseModel):
    """An image uploaded through the OA upload API; the file sits in MEDIA_DIR/sandbox."""

    attachment_id = pw.CharField(unique=True, max_length=64)
    file_name = pw.CharField(max_length=191)
    size = pw.IntegerField()
    created_at = pw.DateTimeField(default=utcnow)


class SandboxAuthCode(BaseModel):
    """An OAuth v4 authorization code: single use, 10 minutes, bound to its PKCE challenge."""

    code = pw.CharField(unique=True, max_length=64)
    app_id = pw.CharField(max_length=64)
    code_challenge = pw.CharField(max_length=128)
    created_at = pw.DateTimeField(default=utcnow)
    used_at = pw.DateTimeField(null=True)


class SandboxRateWindow(BaseModel):
    """OA API calls counted in one clock minute (epoch minutes), shared by every process."""

    minute = pw.BigIntegerField(unique=True)
    calls = pw.IntegerField(default=0)


class SandboxSetting(BaseModel):
    """The sandbox's knobs for tests and benchmarks; one row (see limits.KNOBS)."""

    rate_limit_per_minute = pw.IntegerField(default=4000)
    latency_ms = pw.IntegerField(default=0)
    webhook_timeout_ms = pw.IntegerField(default=2000)
    webhook_retry_scale = pw.FloatField(default=1.0)
    webhook_subscribed = pw.BooleanField(default=True)
    upload_ttl_seconds = pw.IntegerField(default=7 * 24 * 3600)
    article_review_seconds = pw.IntegerField(default=30 * 60)
    zns_daily_quota = pw.IntegerField(default=500)
    paid_quota = pw.IntegerField(null=True)
    zca_state = pw.CharField(default="ok", max_length=16)
    require_appsecret_proof = pw.BooleanField(default=False)
    oauth_callback = pw.TextField(null=True)
    oa_violation = pw.BooleanField(default=False)


class SandboxArticle(BaseModel):
    """An article broadcast: Zalo reviews it, then sends it to followers within their caps."""

    message_id = pw.CharField(unique=True, max_length=64)
    article_id = pw.CharField(max_length=191)
    target = JSONField()
    submitted_at = pw.DateTimeField(default=utcnow)
    review_until = pw.DateTimeField()
    delivered_at = pw.DateTimeField(null=True)
    recipients = pw.IntegerField(default=0)


OAUTH_MODELS = [SandboxAuthCode, SandboxRateWindow, SandboxSetting]
MODELS = [SandboxUser, SandboxToken, SandboxMessage, SandboxEvent, SandboxFault, SandboxUpload,
          *OAUTH_MODELS, SandboxArticle]
