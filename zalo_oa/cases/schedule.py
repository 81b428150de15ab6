"""When a case's follow-ups fall due: deadline reminders, progress updates, "is it fixed?",
auto-close. Every schedule is a FollowUp row with a due time and a dedupe key, so a restart
loses nothing and scheduling twice adds nothing."""
import datetime as dt

from flask import current_app

from ..models import FollowUp, utcnow
from . import rules

WINDOW = dt.timedelta(days=7)
DEADLINE_KINDS = ("due_soon", "overdue", "escalation")


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
    schedule_deadlines(case)
    schedule_still_handling(case, utcnow())


def status_changed(case, old, entry_id, now=None):
    """Reschedule a case's follow-ups after its status moved from `old`."""
    now = now or utcnow()
    new = case.status
    if rules.is_open(new):
        cancel(case, "still_handling", "fixed_check", "auto_close")
        schedule_still_handling(case, now)
        if old not in rules.OPEN_STATUSES:
            schedule_deadlines(case)
    else:
        cancel(case, "still_handling", *DEADLINE_KINDS)
    if new == "resolved":
        check_at = now + dt.timedelta(hours=current_app.config["FIXED_CHECK_HOURS"])
        schedule(case, "fixed_check", check_at, str(entry_id))
        schedule(case, "auto_close",
                 check_at + dt.timedelta(days=current_app.config["AUTO_CLOSE_DAYS"]),
                 str(entry_id))
    if new in ("closed", "rejected", "duplicate"):
        cancel(case, "fixed_check", "auto_close")


def deadline_changed(case):
    """The due time moved (extension, urgency): the reminders follow it."""
    cancel(case, *DEADLINE_KINDS)
    if rules.is_open(case.status):
        schedule_deadlines(case)


def schedule_deadlines(case, now=None):
    """Reminders to the department before the due date, at it, and an escalation after.

    A short deadline (an urgent case due in hours) gets reminders in proportion: the warning
    comes halfway at the earliest, and the escalation no later than the same span after.
    """
    if case.due_at is None:
        return
    config = current_app.config
    span = max(case.due_at - (now or utcnow()), dt.timedelta(minutes=10))
    before = min(dt.timedelta(hours=config["DUE_SOON_HOURS"]), span / 2)
    after = min(dt.timedelta(hours=config["ESCALATE_AFTER_HOURS"]), span)
    stamp = case.due_at.isoformat()
    schedule(case, "due_soon", case.due_at - before, stamp)
    schedule(case, "overdue", case.due_at, stamp)
    schedule(case, "escalation", case.due_at + after, stamp)


def schedule_still_handling(case, now):
    """The next "still being handled" update, early enough to land inside the 7-day window."""
    every = dt.timedelta(days=case.category.update_every_days or 3)
    due = now + every
    last = case.citizen.last_interaction_at if case.citizen_id else None
    if last is not None and now + dt.timedelta(hours=12) < last + WINDOW - dt.timedelta(hours=12):
        due = min(due, last + WINDOW - dt.timedelta(hours=12))
    schedule(case, "still_handling", due, due.isoformat())
