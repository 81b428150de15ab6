"""What a citizen chooses to hear from the OA: their area, topics, or no announcements."""
from .. import areas
from ..delivery.messages import Button, Reply
from ..models import Citizen
from . import vocabulary
from .dialogue import EMERGENCY_TOPIC


def set_area(citizen, codes, ctx):
    """Keep the one area the citizen named, or ask which of several they meant."""
    if len(codes) == 1:
        citizen.area_code = codes[0]
        citizen.save(only=[Citizen.area_code])
        return [Reply("area_set", {"name": areas.name_of(codes[0])})]
    if codes:
        names = [areas.name_of(code) for code in codes]
        command = vocabulary.spoken("prefixes", "area")  # a tap sends "khu vực <name>" back
        return [Reply("area_choose", {"names": names}, buttons=tuple(
            Button(f"{command} {name}", literal=True) for name in names[:5]))]
    current = areas.name_of(citizen.area_code) if citizen.area_code else ""
    return [Reply("area_help", {"current": current})]


def change_topics(citizen, choice, ctx):
    """Show the topics, or add/remove one ("all" and "none" for every topic)."""
    every = [c.slug for c in ctx.categories] + [EMERGENCY_TOPIC]
    topics = list(citizen.topics or [])
    if choice == "unknown":
        return [Reply("topic_unknown"), _topic_list(topics, ctx)]
    if choice is not None:
        if choice == "all":
            topics = every
        elif choice == "none":
            topics = []
        elif choice in topics:
            topics.remove(choice)
        else:
            topics.append(choice)
        citizen.topics = [t for t in every if t in topics]
        citizen.save(only=[Citizen.topics])
    return [_topic_list(citizen.topics or [], ctx)]


def _topic_list(chosen, ctx):
    items = [{"number": i + 1, "name": c.name(ctx.locale), "on": c.slug in chosen}
             for i, c in enumerate(ctx.categories)]
    items.append({"number": len(items) + 1, "name": None, "on": EMERGENCY_TOPIC in chosen})
    return Reply("topics_list", {"items": items})


def set_announcements(citizen, on, ctx):
    """Stop or resume announcements; reports and their updates are not affected."""
    citizen.announcements_off = not on
    citizen.save(only=[Citizen.announcements_off])
    return [Reply("announcements_on" if on else "announcements_off")]


def area_from_shared_info(citizen, ward_text, province_code):
    """Take the area from a ward the citizen shared, when it names exactly one."""
    found = areas.match(ward_text or "", province_code, limit=2)
    if len(found) == 1 and citizen.area_code is None:
        citizen.area_code = found[0].code
        citizen.save(only=[Citizen.area_code])


SUBSCRIPTION_EFFECTS = {"area": set_area, "topics": change_topics,
                        "announcements": set_announcements}
