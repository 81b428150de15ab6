"""Which way a message can reach a citizen, and when: pure rules over times and settings.

Zalo lets an OA send consultation (cs) messages for 7 days after the citizen's last
interaction, free for the first 48 hours and billed after; later only approved templates
(ZBS by user id, or ZNS by phone) get through. Scheduled pushes wait out the night.
"""
import datetime as dt
from dataclasses import dataclass

ANONYMOUS = "anonymous"  # the api of a reply to someone chatting without following
FREE = dt.timedelta(hours=48)
WINDOW = dt.timedelta(days=7)
DEFAULT_QUIET_HOURS = (dt.time(22, 0), dt.time(6, 0))  # what "22:00-06:00" parses to


@dataclass(frozen=True)
class Route:
    """How to send one message: `channel` cs|template|zns|none and its cost class."""

    channel: str
    cost_class: str
    template_id: str | None = None
    reason: str | None = None


def choose_route(last_interaction, now, templates, kind, phone=None, window_closed=False):
    """The route for a message of `kind` to a citizen last heard from at `last_interaction`.

    `templates` maps a kind to {"zbs_template_id", "zns_template_id"}; `window_closed` is
    set when Zalo itself refused a cs send as outside the window.
    """
    age = None if last_interaction is None else now - last_interaction
    if not window_closed and age is not None and age < WINDOW:
        return Route("cs", "free" if age < FREE else "billed")
    template = templates.get(kind) or {}
    if template.get("zbs_template_id"):
        return Route("template", "template", template["zbs_template_id"])
    if template.get("zns_template_id") and phone:
        return Route("zns", "zns", template["zns_template_id"])
    return Route("none", "none", reason="undeliverable: outside the 7-day window")


def anonymous_route():
    """A reply in an anonymous conversation: no window, no template to fall back on."""
    return Route(ANONYMOUS, "free")


def template_data(template, params):
    """The template's parameters filled from a message's own (template param -> our name)."""
    mapping = template.get("params") or {}
    return {name: str(params.get(ours, "")) for name, ours in mapping.items()}


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
