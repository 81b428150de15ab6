"""A citizen's answers about their case: "is it fixed?" (yes reopens nothing, no reopens the
case and tells the department) and the 1-5 rating that follows."""
from ..delivery.messages import Reply
from ..models import Case, TimelineEntry
from . import followers, lifecycle, notify
from .params import case_params


def record(citizen, code, answer):
    """The citizen's answer to "is it fixed?" (`fixed`, `not_fixed`) or a rating ("1".."5")."""
    case = lifecycle.find_for_citizen(citizen, code) or followers.followed_case(citizen, code)
    if case is None:
        return [Reply("case_not_found", {"code": code})]
    params = case_params(case, citizen.locale)
    if answer == "fixed":
        case.citizen_confirmed = True
        case.save(only=[Case.citizen_confirmed])
        TimelineEntry.create(case=case, kind="feedback", actor="citizen",
                             data={"fixed": True})
        if case.status == "resolved":
            lifecycle.change_status(case, "closed", actor="citizen")
        return notify.rating_replies(case, citizen.locale)
    if answer == "not_fixed":
        case.citizen_confirmed = False
        case.save(only=[Case.citizen_confirmed])
        if case.status in ("resolved", "closed"):
            lifecycle.change_status(case, "reopened", actor="citizen")
            notify.notify_department(case, "staff_reopened")
            return []
        return [Reply("feedback_noted", params)]
    case.rating = int(answer)
    case.save(only=[Case.rating])
    TimelineEntry.create(case=case, kind="rating", actor="citizen", data={"rating": case.rating})
    return [Reply("rating_thanks", {**params, "rating": case.rating})]

