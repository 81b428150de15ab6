"""The worker's follow-up job: every FollowUp row whose time has come is done once, in its
own transaction ("still being handled", "is it fixed?", auto-close, deadline reminders)."""
import logging

from ..db import write_transaction
from ..delivery.messages import Reply
from ..models import FollowUp, utcnow
from . import lifecycle, notify, rules, schedule
from .params import case_params

log = logging.getLogger(__name__)


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
    if not rules.is_open(case.status):
        return
    notify.tell(case, lambda c: [Reply("still_handling", case_params(case, c.locale))],
                key=f"still:{followup.id}")
    schedule.schedule_still_handling(case, now)


def _run_fixed_check(case, followup, now):
    if case.status == "resolved":
        notify.tell(case, lambda c: notify.fixed_check_replies(case, c.locale),
                    key=f"fixed:{followup.id}")


def _run_auto_close(case, followup, now):
    if case.status == "resolved":
        lifecycle.change_status(case, "closed", actor="system")


def _deadline_runner(template, escalate=False):
    def run(case, followup, now):
        if rules.is_open(case.status) and case.due_at is not None:
            notify.notify_department(case, template, escalate=escalate)
    return run


RUNNERS = {"still_handling": _run_still_handling, "fixed_check": _run_fixed_check,
           "auto_close": _run_auto_close,
           "due_soon": _deadline_runner("staff_due_soon"),
           "overdue": _deadline_runner("staff_overdue"),
           "escalation": _deadline_runner("staff_escalation", escalate=True)}
