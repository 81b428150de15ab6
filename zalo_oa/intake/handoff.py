"""Handoff: a staff member takes over a citizen's conversation from the bot, and gives it back.

While `Citizen.handoff_staff` is set the bot stays quiet for that citizen; what the citizen
writes lands on the timeline of the case the conversation was taken over from
(`Citizen.handoff_case`; their latest case when none was named), and what staff write goes out
through the outbox.
"""
from .. import audit
from ..db import database
from ..delivery.messages import Reply
from ..delivery.outbox import queue_replies
from ..errors import Refused
from ..models import Case, Citizen, TimelineEntry, utcnow


class HandoffError(Refused):
    """A handoff step that cannot be done (e.g. someone else holds the conversation)."""


HANDOFF_FIELDS = [Citizen.handoff_staff, Citizen.handoff_at, Citizen.handoff_case]


def latest_case(citizen):
    """The citizen's most recent case; None if none."""
    return Case.of_citizen(citizen).first()


def conversation_case(citizen):
    """The case the conversation is recorded on: the one it was taken over from while staff
    hold it, else the citizen's latest case; None if they have no case."""
    if citizen.handoff_case_id is not None:
        case = Case.get_or_none(Case.id == citizen.handoff_case_id)
        if case is not None:
            return case
    return latest_case(citizen)


def take_over(citizen, staff, force=False, case=None):
    """Make `staff` the one talking to `citizen` about `case` (default: their latest case);
    another holder is only replaced with `force`."""
    holder = citizen.handoff_staff_id
    if holder not in (None, staff.id) and not force:
        raise HandoffError("held_by_other")
    with database.atomic():
        citizen.handoff_staff, citizen.handoff_at = staff, utcnow()
        citizen.handoff_case = case or latest_case(citizen)
        citizen.save(only=HANDOFF_FIELDS)
        _record(citizen, staff, "handoff_taken", previous=holder)
    return citizen


def hand_back(citizen, staff):
    """Give the conversation back to the bot (recorded on the case it was taken over from)."""
    if citizen.handoff_staff_id is None:
        return citizen
    with database.atomic():
        holder = citizen.handoff_staff_id
        _record(citizen, staff, "handoff_returned", previous=holder)
        citizen.handoff_staff, citizen.handoff_at, citizen.handoff_case = None, None, None
        citizen.save(only=HANDOFF_FIELDS)
    return citizen


def send_as_staff(citizen, staff, text, case=None):
    """Queue a message typed by staff to the citizen, on the case's timeline; return the entry."""
    text = (text or "").strip()
    if not text:
        raise HandoffError("empty")
    case = case or conversation_case(citizen)
    with database.atomic():
        entry = TimelineEntry.create(case=case, kind="staff_message", actor=staff.username,
                                     staff=staff, body=text, public=True) if case else None
        params = {"code": case.code if case else "", "text": text}
        key = f"handoff:{entry.id}" if entry else None
        rows = queue_replies(citizen, [Reply("staff_reply", params)], case=case, key=key)
        if entry is not None and rows:
            entry.data = {"messages": [r.id for r in rows]}
            entry.save(only=[TimelineEntry.data])
        audit.record(staff, "handoff_message", citizen.zalo_user_id,
                    case=case.code if case else None)
    return entry


def _record(citizen, staff, kind, **data):
    case = conversation_case(citizen)
    if case is not None:
        TimelineEntry.create(case=case, kind=kind, actor=staff.username, staff=staff,
                             data=data or None)
    audit.record(staff, kind, citizen.zalo_user_id, **data)
