"""Case status rules, pure: which transitions are allowed and what each one needs."""
from ..errors import Refused

STATUSES = ("new", "received", "assigned", "in_progress", "resolved", "closed", "rejected",
            "duplicate", "reopened")
OPEN_STATUSES = ("new", "received", "assigned", "in_progress", "reopened")
DONE_STATUSES = ("resolved", "closed", "rejected", "duplicate")

TRANSITIONS = {
    "new": ("received", "assigned", "in_progress", "rejected", "duplicate"),
    "received": ("assigned", "in_progress", "rejected", "duplicate"),
    "assigned": ("received", "in_progress", "resolved", "rejected", "duplicate"),
    "in_progress": ("assigned", "resolved", "duplicate"),
    "resolved": ("closed", "reopened"),
    "reopened": ("assigned", "in_progress", "resolved", "duplicate"),
    "closed": ("reopened",),
    "rejected": ("reopened",),
    "duplicate": ("reopened",),
}
PRIORITIES = ("low", "normal", "high", "urgent")


class TransitionError(Refused):
    """A status change that the rules do not allow; `code` says which rule."""


def allowed(current):
    """The statuses a case in `current` may move to."""
    return TRANSITIONS.get(current, ())


def check_transition(current, new, reason=None, duplicate_of=None, case_id=None):
    """Raise TransitionError unless `current` -> `new` is allowed with what was given."""
    if new not in STATUSES:
        raise TransitionError("unknown_status", status=new)
    if new not in allowed(current):
        raise TransitionError("not_allowed", current=current, new=new)
    if new == "rejected" and not (reason or "").strip():
        raise TransitionError("reason_required")
    if new == "duplicate":
        if duplicate_of is None:
            raise TransitionError("target_required")
        if duplicate_of.id == case_id:
            raise TransitionError("self_duplicate")
        if duplicate_of.status not in (*OPEN_STATUSES, "resolved"):
            raise TransitionError("target_closed")


def check_extension(status, old_due, new_due, reason, now):
    """Raise TransitionError unless an open case may move its due time to `new_due`."""
    if status not in OPEN_STATUSES:
        raise TransitionError("extension_closed")
    if not (reason or "").strip():
        raise TransitionError("extension_reason_required")
    if new_due <= now or (old_due is not None and new_due <= old_due):
        raise TransitionError("extension_not_later")


def is_open(status):
    return status in OPEN_STATUSES
