"""Scheduled pushes about cases: status updates, "still being handled", "is it fixed?",
auto-close, and deadline reminders to departments. Every schedule is a FollowUp row with a
due time, so a restart loses nothing and a job run twice does nothing twice."""
import datetime as dt
import logging

from flask import current_app

from . import case_rules, cases
from .db import write_transaction
from .messages import Button, Reply
from .models import Case, Citizen, FollowUp, Staff, TimelineEntry, utcnow
from .outbox import queue_replies, queue_to_staff

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(days=7)
DEADLINE_KINDS = ("due_soon", "overdue", "escalation")


# --- scheduling -----------------------------------------------------------------------------

def schedule(case, kind, due_at, key_suffix="", **data):
    """Add a follow-up unless one with the same key exists; return whether it was added."""
    key = f"{kind}:{case.id}:{key_suffix}"
    inserted = (FollowUp.insert(case=case, kind=kind, due_at=due_at, dedupe_key=key,
                                data=data or None)
                .on_conflict_ignore().as_rowcount().execute())
    return bool(inserted)


def cancel(case, *kinds):
    """Drop the case's pending follow-ups of these kinds."""
    (FollowUp.update(status="cancelled", done_at=utcnow())
     .where((FollowUp.case == case) & (FollowUp.status == "pending")
            & FollowUp.kind.in_(kinds)).execute())


def case_opened(case):
    """A new case: schedule its deadline reminders and its first progress update."""
    _schedule_deadlines(case)
    _schedule_still_handling(case, utcnow())


def _schedule_deadlines(case):
    if case.due_at is None:
        return
    config = current_app.config
    stamp = case.due_at.isoformat()
    schedule(case, "due_soon", case.due_at - dt.timedelta(hours=config["DUE_SOON_HOURS"]), stamp)
    schedule(case, "overdue", case.due_at, stamp)
    schedule(case, "escalation",
             case.due_at + dt.timedelta(hours=config["ESCALATE_AFTER_HOURS"]), stamp)


def _schedule_still_handling(case, now):
    """The next "still being handled" update, early enough to land inside the 7-day window."""
    every = dt.timedelta(days=case.category.update_every_days or 3)
    due = now + every
    last = case.citizen.last_interaction_at if case.citizen_id else None
    if last is not None and now + dt.timedelta(hours=12) < last + WINDOW - dt.timedelta(hours=12):
        due = min(due, last + WINDOW - dt.timedelta(hours=12))
    schedule(case, "still_handling", due, due.isoformat())


# --- what citizens are told -----------------------------------------------------------------

def recipients(case):
    """The case's reporter and the reporters of cases merged into it as duplicates."""
    ids = {case.citizen_id} if case.citizen_id else set()
    ids |= {c.citizen_id for c in Case.select(Case.citizen).where(Case.duplicate_of == case)
            if c.citizen_id}
    return list(Citizen.select().where(Citizen.id.in_(ids)).order_by(Citizen.id)) if ids else []


def tell(case, replies_for, key, urgent=False):
    """Queue replies_for(citizen) to every recipient of the case; return the queued rows."""
    rows = []
    for citizen in recipients(case):
        if citizen.withdrawn_at is not None and citizen.last_interaction_at is None:
            continue
        rows += queue_replies(citizen, replies_for(citizen), case=case,
                              key=f"{key}:{citizen.id}", urgent=urgent)
    return rows


def status_changed(case, old, entry, note=None, after_photo_url=None):
    """Push a status change to the citizens following the case and reschedule follow-ups."""
    new = case.status

    def replies_for(citizen):
        params = {**cases.case_params(case, citizen.locale), "note": note or "",
                  "reason": case.reject_reason or "",
                  "target": case.duplicate_of.code if case.duplicate_of_id else ""}
        found = [Reply(f"status_{new}", params)]
        if new == "resolved" and after_photo_url:
            found.append(Reply("after_photo", params, form="image", image_url=after_photo_url))
        return found

    rows = tell(case, replies_for, key=f"status:{entry.id}")
    _record_messages(entry, rows)
    now = utcnow()
    if case_rules.is_open(new):
        cancel(case, "still_handling", "fixed_check", "auto_close")
        _schedule_still_handling(case, now)
        if old not in case_rules.OPEN_STATUSES:
            _schedule_deadlines(case)
    else:
        cancel(case, "still_handling", *DEADLINE_KINDS)
    if new == "resolved":
        check_at = now + dt.timedelta(hours=current_app.config["FIXED_CHECK_HOURS"])
        schedule(case, "fixed_check", check_at, str(entry.id))
        schedule(case, "auto_close",
                 check_at + dt.timedelta(days=current_app.config["AUTO_CLOSE_DAYS"]),
                 str(entry.id))
    if new in ("closed", "rejected", "duplicate"):
        cancel(case, "fixed_check", "auto_close")


def staff_replied(case, entry):
    """Send a staff member's public reply to the case's citizens."""
    rows = tell(case, lambda citizen: [Reply("staff_reply", {
        **cases.case_params(case, citizen.locale), "text": entry.body})],
        key=f"reply:{entry.id}", urgent=True)
    _record_messages(entry, rows)


def _record_messages(entry, rows):
    if rows:
        entry.data = {**(entry.data or {}), "messages": [r.id for r in rows]}
        entry.save(only=[TimelineEntry.data])


def fixed_check_replies(case, locale):
    """"Is it really fixed?" with one-tap answers; the hidden payloads carry the case code."""
    params = cases.case_params(case, locale)
    return [Reply("fixed_check", params, buttons=(
        Button("fixed_yes", kind="hidden", value=f"#fixed {case.code}"),
        Button("fixed_no", kind="hidden", value=f"#notfixed {case.code}")))]


def rating_replies(case, locale):
    """Ask for a 1-5 rating with one button per score."""
    return [Reply("rating_ask", cases.case_params(case, locale), buttons=tuple(
        Button(f"rating_{n}", kind="hidden", value=f"#rate {case.code} {n}")
        for n in range(1, 6)))]


def record_feedback(citizen, code, answer):
    """The citizen's answer to "is it fixed?" (`fixed`, `not_fixed`) or a rating ("1".."5")."""
    case = cases.find_for_citizen(citizen, code) or _followed_case(citizen, code)
    if case is None:
        return [Reply("case_not_found", {"code": code})]
    params = cases.case_params(case, citizen.locale)
    if answer == "fixed":
        case.citizen_confirmed = True
        case.save(only=[Case.citizen_confirmed])
        TimelineEntry.create(case=case, kind="feedback", actor="citizen",
                             data={"fixed": True})
        if case.status == "resolved":
            cases.change_status(case, "closed", actor="citizen")
        return rating_replies(case, citizen.locale)
    if answer == "not_fixed":
        case.citizen_confirmed = False
        case.save(only=[Case.citizen_confirmed])
        if case.status in ("resolved", "closed"):
            cases.change_status(case, "reopened", actor="citizen",
                                note=None)
            notify_department(case, "staff_reopened")
            return []
        return [Reply("feedback_noted", params)]
    case.rating = int(answer)
    case.save(only=[Case.rating])
    TimelineEntry.create(case=case, kind="rating", actor="citizen", data={"rating": case.rating})
    return [Reply("rating_thanks", {**params, "rating": case.rating})]


def _followed_case(citizen, code):
    """A case the citizen follows because their own report was merged into it."""
    case = Case.get_or_none(Case.code == code)
    if case and Case.select().where((Case.duplicate_of == case)
                                    & (Case.citizen == citizen)).exists():
        return case
    return None


# --- staff reminders ------------------------------------------------------------------------

def notify_department(case, template, escalate=False):
    """Tell the case's department (and admins when escalating), in the timeline and in Zalo."""
    query = Staff.select().where(Staff.active & Staff.zalo_user_id.is_null(False))
    if escalate:
        query = query.where((Staff.department == case.department) | (Staff.role == "admin"))
    else:
        query = query.where(Staff.department == case.department)
    rows = []
    for member in query:
        params = {**cases.case_params(case, member.locale), "time_left": ""}
        rows += queue_to_staff(member, Reply(template, params), case,
                               key=f"{template}:{case.id}:{case.updated_at}:{member.id}")
    TimelineEntry.create(case=case, kind="reminder", actor="system",
                         data={"template": template, "staff_messages": [r.id for r in rows]})


# --- the periodic job -----------------------------------------------------------------------

def run_due(now=None, limit=200):
    """Do every follow-up whose time has come; return how many were done."""
    now = now or utcnow()
    done = 0
    while done < limit:
        with write_transaction():
            followup = (FollowUp.select().where((FollowUp.status == "pending")
                                                & (FollowUp.due_at <= now))
                        .order_by(FollowUp.due_at, FollowUp.id).first())
            if followup is None:
                return done
            RUNNERS[followup.kind](followup.case, followup, now)
            followup.status, followup.done_at = "done", now
            followup.save(only=[FollowUp.status, FollowUp.done_at])
        done += 1
    return done


def _run_still_handling(case, followup, now):
    if not case_rules.is_open(case.status):
        return
    tell(case, lambda c: [Reply("still_handling", cases.case_params(case, c.locale))],
         key=f"still:{followup.id}")
    _schedule_still_handling(case, now)


def _run_fixed_check(case, followup, now):
    if case.status == "resolved":
        tell(case, lambda c: fixed_check_replies(case, c.locale), key=f"fixed:{followup.id}")


def _run_auto_close(case, followup, now):
    if case.status == "resolved":
        cases.change_status(case, "closed", actor="system")


def _deadline_runner(template, escalate=False):
    def run(case, followup, now):
        if case_rules.is_open(case.status) and case.due_at is not None:
            notify_department(case, template, escalate=escalate)
    return run


RUNNERS = {"still_handling": _run_still_handling, "fixed_check": _run_fixed_check,
           "auto_close": _run_auto_close,
           "due_soon": _deadline_runner("staff_due_soon"),
           "overdue": _deadline_runner("staff_overdue"),
           "escalation": _deadline_runner("staff_escalation", escalate=True)}
