"""What the people around a case are told: its citizens (status pushes, staff replies, "is it
fixed?", ratings) and its department (deadline reminders), queued through the outbox."""
from dataclasses import dataclass

from flask import current_app

from ..delivery.messages import Button, Reply
from ..delivery.outbox import queue_replies, queue_to_phone, queue_to_staff
from ..models import Alert, Case, Citizen, Staff, TimelineEntry, utcnow
from .followers import follower_ids
from .params import case_params


@dataclass(frozen=True)
class PhoneContact:
    """A caller or walk-in with no Zalo follower linked, who agreed to hear by phone (ZNS)."""

    phone: str
    locale: str = "vi"


def recipients(case):
    """The case's reporter, the reporters of cases merged into it as duplicates, and the
    citizens who follow it ("me too")."""
    ids = {case.citizen_id} if case.citizen_id else set()
    ids |= {c.citizen_id for c in Case.select(Case.citizen).where(Case.duplicate_of == case)
            if c.citizen_id}
    ids |= follower_ids(case)
    return list(Citizen.select().where(Citizen.id.in_(ids)).order_by(Citizen.id)) if ids else []


def phone_contact(case):
    """The case's caller reachable only by phone (ZNS), or None."""
    if case.citizen_id is None and case.notify_by_phone and case.contact_phone:
        return PhoneContact(case.contact_phone, current_app.config["DEFAULT_LOCALE"])
    return None


def tell(case, replies_for, key, urgent=False):
    """Queue replies_for(person) to every recipient of the case (its citizens, or its caller
    by phone); return the queued rows."""
    rows = []
    for citizen in recipients(case):
        if citizen.withdrawn_at is not None and citizen.last_interaction_at is None:
            continue
        rows += queue_replies(citizen, replies_for(citizen), case=case,
                              key=f"{key}:{citizen.id}", urgent=urgent)
    contact = phone_contact(case)
    if contact is not None:
        rows += queue_to_phone(contact.phone, contact.locale, replies_for(contact), case,
                               key=f"{key}:phone", urgent=urgent)
    return rows


def status_changed(case, entry, note=None, after_photo_url=None):
    """Push a status change (and the after photo of a fix) to the citizens of the case."""
    new = case.status

    def replies_for(citizen):
        params = {**case_params(case, citizen.locale), "note": note or "",
                  "reason": case.reject_reason or "",
                  "target": case.duplicate_of.code if case.duplicate_of_id else ""}
        found = [Reply(f"status_{new}", params)]
        if new == "resolved" and after_photo_url:
            found.append(Reply("after_photo", params, form="image", image_url=after_photo_url))
        return found

    record_messages(entry, tell(case, replies_for, key=f"status:{entry.id}"))


def deadline_extended(case, entry, old_due_date):
    """Tell the case's citizens its new due date and why it needs more time."""
    rows = tell(case, lambda citizen: [Reply("deadline_extended", {
        **case_params(case, citizen.locale), "old_due_date": old_due_date,
        "reason": entry.body})], key=f"deadline:{entry.id}")
    record_messages(entry, rows)


def staff_replied(case, entry):
    """Send a staff member's public reply to the case's citizens."""
    rows = tell(case, lambda citizen: [Reply("staff_reply", {
        **case_params(case, citizen.locale), "text": entry.body})],
        key=f"reply:{entry.id}", urgent=True)
    record_messages(entry, rows)


def record_messages(entry, rows):
    """Note on a timeline entry which outbox messages told people about it."""
    if rows:
        entry.data = {**(entry.data or {}), "messages": [r.id for r in rows]}
        entry.save(only=[TimelineEntry.data])


def fixed_check_replies(case, locale):
    """"Is it really fixed?" with one-tap answers; the hidden payloads carry the case code."""
    params = case_params(case, locale)
    return [Reply("fixed_check", params, buttons=(
        Button("fixed_yes", kind="hidden", value=f"#fixed {case.code}"),
        Button("fixed_no", kind="hidden", value=f"#notfixed {case.code}")))]


def rating_replies(case, locale):
    """Ask for a 1-5 rating with one button per score."""
    return [Reply("rating_ask", case_params(case, locale), buttons=tuple(
        Button(f"rating_{n}", kind="hidden", value=f"#rate {case.code} {n}")
        for n in range(1, 6)))]


def notify_department(case, template, escalate=False, **extra):
    """Tell the case's department (and admins when escalating), in the timeline and by the
    way each member can be reached (Zalo, e-mail, ZNS or the dashboard: see window.py);
    `extra` adds template parameters."""
    query = Staff.select().where(Staff.active)
    if escalate:
        query = query.where((Staff.department == case.department) | (Staff.role == "admin"))
    else:
        query = query.where(Staff.department == case.department)
    rows = []
    for member in query:
        params = {**case_params(case, member.locale), "time_left": "", **extra}
        rows += queue_to_staff(member, Reply(template, params), case,
                               key=f"{template}:{case.id}:{case.updated_at}:{member.id}")
    TimelineEntry.create(case=case, kind="reminder", actor="system",
                         data={"template": template, "staff_messages": [r.id for r in rows]})


def urgent_case_opened(case):
    """An urgent report: an alert on every staff page until someone acts on the case, and a
    Zalo message to its department's staff and the admins."""
    Alert.create(kind=f"{Alert.CASE}:{case.code}"[:64],
                 message=f"🚨 {case.code} · {case.category.name_vi} · {case.description[:140]}")
    notify_department(case, "staff_urgent", escalate=True, description=case.description,
                      address=case.address or "")


def urgent_case_handled(case):
    """Staff acted on the case: its alert is resolved."""
    (Alert.update(resolved_at=utcnow())
     .where((Alert.kind == f"{Alert.CASE}:{case.code}"[:64]) & Alert.resolved_at.is_null())
     .execute())
