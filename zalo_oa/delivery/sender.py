"""Sends one leased message: picks its route by Zalo's window rules, calls Zalo, records
what happened. Token trouble is refreshed once; a closed window falls back to templates."""
import json
import logging
from functools import lru_cache

from ..models import utcnow
from ..timeutil import parse_quiet_hours, to_local, to_utc_naive
from ..zalo import tokens
from ..zalo.errors import RateLimitError, ZaloError
from . import outbox, window

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
                          channel="none", cost_class="none")
            return
        try:
            data = self._call(message, citizen, route)
        except ZaloError as exc:
            self._failed(message, citizen, route, exc)
            return
        self.limiter.succeeded()
        outbox.mark_sent(message, route, str(data.get("message_id") or data.get("msg_id") or ""))

    def route(self, message, citizen, window_closed=False):
        """The way this message can go now."""
        if message.api == window.ANONYMOUS:
            return window.anonymous_route()
        kind = (message.params or {}).get("template", message.kind)
        last = citizen.last_interaction_at if citizen else utcnow()
        phone = citizen.phone if citizen else None
        return window.choose_route(last, utcnow(), self.templates, kind, phone,
                                           window_closed)

    def _call(self, message, citizen, route, refreshed=False):
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
        return self.client.send_zns(citizen.phone, route.template_id, data, f"m{message.id}")

    def _failed(self, message, citizen, route, exc):
        reason = f"{exc.code}: {exc.message}"
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
        else:
            log.warning("message %s failed: %s", message.id, reason)
            outbox.settle(message, "failed", last_error=reason, channel=route.channel)


def _gone(citizen):
    """Unfollowed or withdrew, and not heard from since: they asked not to be contacted."""
    last = citizen.last_interaction_at
    for left_at in (citizen.withdrawn_at,
                    citizen.unfollowed_at if not citizen.is_follower else None):
        if left_at is not None and (last is None or last <= left_at):
            return True
    return False
