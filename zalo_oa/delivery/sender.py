"""Sends one leased message: picks its route by the window rules (window.py), calls Zalo (or
the mail server), and records what happened and what it cost by Zalo's own answer.

Token trouble is refreshed once; a closed window falls back to templates; quota and billing
errors raise an alert and hold the paid routes (free cs carries on) until a paid send
succeeds again, tried once every BILLING_PROBE_SECONDS.
"""
import datetime as dt
import json
import logging
import time
from functools import lru_cache

from .. import metrics
from ..models import utcnow
from ..timeutil import parse_quiet_hours, to_local, to_utc_naive
from ..zalo import tokens
from ..zalo.errors import RateLimitError, ZaloError
from . import alerts, mailer, outbox, prices, window

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def load_templates(path):
    """The ZBS/ZNS templates configured per message kind (data/zalo_templates.json)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        log.info("no template file at %s: outside the window, messages are undeliverable", path)
        return {}


class Sender:
    """Sends leased outbox rows through one Zalo client under one rate limiter."""

    def __init__(self, config, client, limiter):
        self.config = config
        self.client = client
        self.limiter = limiter
        self.templates = load_templates(config["TEMPLATES_FILE"])
        self._next_probe = 0.0

    def send(self, message):
        """Send one leased message and settle its row."""
        citizen = message.citizen if message.citizen_id else None
        if citizen is not None and _gone(citizen):
            outbox.settle(message, "skipped", last_error="citizen unfollowed or withdrew")
            return
        quiet = parse_quiet_hours(self.config["QUIET_HOURS"])
        if not message.urgent and window.in_quiet_hours(to_local(utcnow()), quiet):
            morning = window.next_morning(to_local(utcnow()), quiet)
            outbox.retry_later(message, "quiet hours", to_utc_naive(morning), counts=False)
            return
        self._send_by_route(message, citizen, window_closed=False)

    def _send_by_route(self, message, citizen, window_closed):
        route = self.route(message, citizen, window_closed)
        if route.channel == "none":
            outbox.settle(message, "undeliverable", last_error=route.reason,
                          channel="none", cost_class="none", cost_vnd=0)
            return
        if route.cost_class in window.PAID and not self._may_spend():
            outbox.retry_later(message, "paused: Zalo reported a quota or billing problem",
                               utcnow() + self._probe_delta(), counts=False)
            return
        try:
            data = self._call(message, citizen, route)
        except ZaloError as exc:
            self._failed(message, citizen, route, exc)
            return
        except mailer.MailError as exc:
            outbox.retry_later(message, f"e-mail: {exc}")
            return
        self._succeeded(message, route, data)

    def route(self, message, citizen, window_closed=False):
        """The way this message can go now."""
        if message.api == window.ANONYMOUS:
            return window.anonymous_route()
        kind = (message.params or {}).get("template", message.kind)
        if outbox.phone_of(message):  # someone known only by phone: a ZNS template or nothing
            return window.phone_route(self.templates, kind)
        staff = message.staff if message.staff_id else None
        purpose = window.purpose_of(kind, to_staff=staff is not None,
                                    broadcast=bool(message.broadcast_id), urgent=message.urgent)
        person = staff or citizen
        recipient = window.Recipient(
            last_interaction=person.last_interaction_at if person else utcnow(),
            phone=person.phone if person else None,
            email=staff.email if staff is not None else None)
        return window.choose_route(purpose, recipient, utcnow(), self.templates, kind,
                                   window_closed, email_ready=mailer.configured(self.config))

    def _may_spend(self):
        """False while paid routes are paused; once per probe interval one send may try."""
        if not alerts.is_active(alerts.BILLING):
            return True
        if time.monotonic() >= self._next_probe:
            self._next_probe = time.monotonic() + self._probe_delta().total_seconds()
            return True
        return False

    def _probe_delta(self):
        return dt.timedelta(seconds=self.config["BILLING_PROBE_SECONDS"])

    def _call(self, message, citizen, route, refreshed=False):
        if route.channel in ("email", "dashboard"):
            return self._deliver_locally(message, route)
        self.limiter.acquire()
        used = self.client.token_provider()
        try:
            return self._call_route(message, citizen, route)
        except ZaloError as exc:
            # Naming the token that failed lets a sender that queued behind another's
            # refresh use the new token instead of refreshing again.
            if exc.action == "refresh" and not refreshed and tokens.refresh_now(
                    self.config, stale_access_token=used):
                return self._call(message, citizen, route, refreshed=True)
            raise

    def _deliver_locally(self, message, route):
        """E-mail the reminder's text, or leave it for the dashboard (which lists it)."""
        if route.channel == "email":
            mailer.send(self.config, message.staff.email, (message.payload or {}).get("text", ""))
        return {}

    def _call_route(self, message, citizen, route):
        if route.channel == "cs":
            return self.client.send_cs(message.zalo_user_id, message.payload)
        if route.channel == window.ANONYMOUS:
            return self.client.send_anonymous(message.zalo_user_id, message.conversation_id,
                                              message.payload)
        template = self.templates[(message.params or {}).get("template", message.kind)]
        data = window.template_data(template, (message.params or {}).get("params", {}))
        if route.channel == "template":
            return self.client.send_template(message.zalo_user_id, route.template_id, data)
        phone = outbox.phone_of(message) or (message.staff or citizen).phone
        return self.client.send_zns(phone, route.template_id, data, f"m{message.id}")

    def _succeeded(self, message, route, data):
        """Record the send with the cost Zalo's answer proves (Zalo's message id first, before
        anything else), then lift what the success disproves."""
        table = prices.load(self.config["PRICES_FILE"])
        quota = data.get("quota")
        quota_type = (quota.get("quota_type") or None) if isinstance(quota, dict) else None
        cost_class = window.cost_class_of(route, quota_type, prices.quota_classes(table))
        outbox.mark_sent(message, route, str(data.get("message_id") or data.get("msg_id") or ""),
                         cost_class=cost_class, quota_type=quota_type,
                         cost_vnd=prices.price(table, cost_class))
        metrics.sent(route.channel)
        if route.channel not in ("email", "dashboard"):
            self.limiter.succeeded()
            if alerts.is_active(alerts.PROOF):
                alerts.resolve(alerts.PROOF)
        if cost_class in window.PAID and alerts.is_active(alerts.BILLING):
            alerts.resolve(alerts.BILLING)

    def _failed(self, message, citizen, route, exc):
        reason = f"{exc.code}: {exc.message}"
        metrics.send_failed(exc.code)
        if exc.action == "window" and route.channel == "cs":
            self._send_by_route(message, citizen, window_closed=True)
        elif isinstance(exc, RateLimitError):
            self.limiter.over_limit()
            outbox.retry_later(message, reason, utcnow(), counts=False)
        elif exc.action == "retry":
            outbox.retry_later(message, reason)
        elif exc.action == "later":
            morning = window.next_morning(to_local(utcnow()))
            outbox.retry_later(message, reason, to_utc_naive(morning), counts=False)
        elif exc.action == "refresh":
            # The refresh failed and raised an alert; the message waits for a working token.
            outbox.retry_later(message, reason, counts=False)
        elif exc.action in ("billing", "proof"):
            self._held(message, route, exc, reason)
        elif exc.action == "recipient":
            outbox.settle(message, "undeliverable", last_error=reason, channel=route.channel)
        else:
            if exc.action == "standards":
                alerts.raise_alert(alerts.STANDARDS, f"Zalo {reason}")
            log.warning("message %s failed: %s", message.id, reason)
            outbox.settle(message, "failed", last_error=reason, channel=route.channel)

    def _held(self, message, route, exc, reason):
        """Quota, billing or proof trouble: one alert for admins; the message waits for it."""
        kind = alerts.BILLING if exc.action == "billing" else alerts.PROOF
        alerts.raise_alert(kind, f"Zalo {reason} ({route.channel})")
        self._next_probe = time.monotonic() + self._probe_delta().total_seconds()
        outbox.retry_later(message, reason, utcnow() + self._probe_delta(), counts=False)


def _gone(citizen):
    """Unfollowed or withdrew, and not heard from since: they asked not to be contacted."""
    last = citizen.last_interaction_at
    for left_at in (citizen.withdrawn_at,
                    citizen.unfollowed_at if not citizen.is_follower else None):
        if left_at is not None and (last is None or last <= left_at):
            return True
    return False
