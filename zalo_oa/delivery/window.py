"""Which channel each message takes, and what it costs: pure rules, in this one place.

Zalo intends each kind of message for one channel (zalo-api.md, "2026 review"):
- replies and case updates are consultation (cs) messages while the citizen's window is open
  (7 days after their last interaction; free for 48 h, billed after), then an approved ZBS
  template by user id, or ZNS by phone;
- announcements are "tin truyền thông": Zalo's article broadcast (one call, not per recipient,
  see broadcasts/) or a ZBS "truyền thông" template per recipient where one is configured;
  an emergency may also go by cs to citizens inside the free 48 h window, never billed cs;
- staff reminders go by cs only while the staff member's own window is open (they are Zalo
  users too), else by e-mail, else ZNS to their phone, else they are shown on the dashboard.
Scheduled pushes wait out the night.
"""
import datetime as dt
from dataclasses import dataclass

ANONYMOUS = "anonymous"  # the api of a reply to someone chatting without following
FREE = dt.timedelta(hours=48)
WINDOW = dt.timedelta(days=7)
DEFAULT_QUIET_HOURS = (dt.time(22, 0), dt.time(6, 0))  # what "22:00-06:00" parses to
ELLIPSIS = "…"

PURPOSES = ("reply", "case_update", "announcement", "emergency", "staff_reminder")
# The channels each purpose may take, best first; the first one that can carry it wins.
CHANNELS = {
    "reply": ("cs", "template", "zns"),
    "case_update": ("cs", "template", "zns"),
    "announcement": ("template",),
    "emergency": ("cs_free", "template"),
    "staff_reminder": ("cs", "email", "zns", "dashboard"),
}
UNREACHABLE = {
    "reply": "undeliverable: outside the 7-day window and no template",
    "case_update": "undeliverable: outside the 7-day window and no template",
    "announcement": "undeliverable: announcements go by Zalo's article broadcast or a ZBS "
                    "template, and none is configured",
    "emergency": "undeliverable: outside the free 48-hour window and no ZBS template",
    "staff_reminder": "undeliverable",
}
# Cost classes that spend the city's money: paused while Zalo reports a quota or billing
# problem, while free cs carries on.
PAID = frozenset({"billed", "template", "zns"})
# Message kinds that push news of a citizen's own case (the rest of a citizen's are replies).
CASE_UPDATES = ("status_", "still_handling", "after_photo", "fixed_check", "rating_ask",
                "deadline_extended")


@dataclass(frozen=True)
class Route:
    """How to send one message: `channel` cs|template|zns|email|dashboard|none and its cost
    class (free|billed|template|zns|email|dashboard|none)."""

    channel: str
    cost_class: str
    template_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Recipient:
    """What the rules need to know of whoever gets the message."""

    last_interaction: dt.datetime | None
    phone: str | None = None
    email: str | None = None


def purpose_of(kind, to_staff=False, broadcast=False, urgent=False):
    """The purpose of a message: reply, case_update, announcement, emergency, staff_reminder."""
    if to_staff:
        return "staff_reminder"
    if broadcast:
        return "emergency" if urgent else "announcement"
    return "case_update" if kind.startswith(CASE_UPDATES) else "reply"


def choose_route(purpose, recipient, now, templates, kind, window_closed=False,
                 email_ready=False):
    """The route for a message of `kind` and `purpose` to `recipient` now.

    `templates` maps a kind to {"zbs_template_id", "zns_template_id", "params"};
    `window_closed` is set when Zalo itself refused a cs send as outside the window;
    `email_ready` when an SMTP server is configured.
    """
    last = recipient.last_interaction
    age = None if last is None or window_closed else now - last
    template = templates.get(kind) or {}
    for channel in CHANNELS[purpose]:
        route = _try(channel, age, template, recipient, email_ready)
        if route is not None:
            return route
    return Route("none", "none", reason=UNREACHABLE[purpose])


def _try(channel, age, template, recipient, email_ready):
    """The route by `channel` if it can carry the message, else None."""
    if channel == "cs" and age is not None and age < WINDOW:
        return Route("cs", "free" if age < FREE else "billed")
    if channel == "cs_free" and age is not None and age < FREE:
        return Route("cs", "free")
    if channel == "template" and template.get("zbs_template_id"):
        return Route("template", "template", template["zbs_template_id"])
    if channel == "zns" and template.get("zns_template_id") and recipient.phone:
        return Route("zns", "zns", template["zns_template_id"])
    if channel == "email" and email_ready and recipient.email:
        return Route("email", "email")
    if channel == "dashboard":
        return Route("dashboard", "dashboard")
    return None


def cost_class_of(route, quota_type, quota_classes):
    """The cost class Zalo's answer proves (`quota.quota_type` of a cs send), else the
    forecast the route made. `quota_classes` maps quota types to classes (data/prices.json)."""
    if route.channel == "cs" and quota_type in quota_classes:
        return quota_classes[quota_type]
    return route.cost_class


# --- template parameters ----------------------------------------------------------------------

def param_spec(value):
    """(our parameter name, max length or None) of one template parameter.

    data/zalo_templates.json gives either our name ("code") or {"from": "code", "max": 30}.
    """
    if isinstance(value, dict):
        return value.get("from", ""), value.get("max")
    return value, None


def cut(text, limit):
    """`text` within `limit` characters, a cut marked with an ellipsis (Zalo refuses longer)."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def phone_route(templates, kind):
    """The route for a message of `kind` to someone known only by phone: ZNS where a ZNS
    template is configured for that kind, else none (CS and ZBS need a Zalo user id)."""
    template = templates.get(kind) or {}
    if template.get("zns_template_id"):
        return Route("zns", "zns", template["zns_template_id"])
    return Route("none", "none", reason="undeliverable: no ZNS template for a phone-only contact")


def anonymous_route():
    """A reply in an anonymous conversation: no window, no template to fall back on."""
    return Route(ANONYMOUS, "free")


def template_data(template, params):
    """The template's parameters filled from a message's own, each cut to its maximum."""
    data = {}
    for name, value in (template.get("params") or {}).items():
        ours, limit = param_spec(value)
        data[name] = cut(str(params.get(ours, "")), limit)
    return data


# --- quiet hours --------------------------------------------------------------------------------

def in_quiet_hours(local_time, quiet=DEFAULT_QUIET_HOURS):
    """True inside the quiet hours (by default between 22:00 and 06:00); never when off."""
    if quiet is None:
        return False
    start, end = quiet
    clock = local_time.time()
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end


def next_morning(local_time, quiet=DEFAULT_QUIET_HOURS):
    """The next end of the quiet hours (06:00 by default) at or after `local_time`."""
    end = (quiet or DEFAULT_QUIET_HOURS)[1]
    morning = local_time.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return morning if morning >= local_time else morning + dt.timedelta(days=1)


def not_before_morning(local_time, quiet=DEFAULT_QUIET_HOURS):
    """`local_time` itself outside quiet hours, else the morning after the night it falls in."""
    return next_morning(local_time, quiet) if in_quiet_hours(local_time, quiet) else local_time
