"""Which way a message can reach a citizen, and when: pure rules over times and settings.

Zalo lets an OA send consultation (cs) messages for 7 days after the citizen's last
interaction, free for the first 48 hours and billed after; later only approved templates
(ZBS by user id, or ZNS by phone) get through. Scheduled pushes wait out the night.
"""
import datetime as dt
from dataclasses import dataclass

FREE = dt.timedelta(hours=48)
WINDOW = dt.timedelta(days=7)
QUIET_START, QUIET_END = dt.time(22, 0), dt.time(6, 0)


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


def template_data(template, params):
    """The template's parameters filled from a message's own (template param -> our name)."""
    mapping = template.get("params") or {}
    return {name: str(params.get(ours, "")) for name, ours in mapping.items()}


def in_quiet_hours(local_time):
    """True between 22:00 and 06:00."""
    clock = local_time.time()
    return clock >= QUIET_START or clock < QUIET_END


def next_morning(local_time):
    """The next 06:00 at or after `local_time` (same zone)."""
    morning = local_time.replace(hour=QUIET_END.hour, minute=0, second=0, microsecond=0)
    return morning if morning >= local_time else morning + dt.timedelta(days=1)


def not_before_morning(local_time):
    """`local_time` itself outside quiet hours, else the morning after the night it falls in."""
    return next_morning(local_time) if in_quiet_hours(local_time) else local_time
