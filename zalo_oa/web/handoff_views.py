"""Handoff on the case page: take over the citizen's chat, talk, hand it back; live updates."""
from flask import Blueprint, abort, g, jsonify, redirect, request, url_for

from ..intake import handoff
from ..timeutil import format_datetime
from . import access, forms, timeline, wording

bp = Blueprint("handoff_views", __name__)

CHAT_KINDS = ("citizen_message", "staff_message", "reply", "handoff_taken", "handoff_returned")
CHAT_LIMIT = 100


def _citizen_of(case):
    if case.citizen is None:
        abort(404)
    return case.citizen


def _back(case):
    return redirect(url_for("case_views.case_page", code=case.code) + "#chat")


@bp.post("/cases/<code>/take-over")
@access.require(access.ACT)
def take_over(code):
    """Take the citizen's conversation from the bot."""
    case = access.case_or_404(code, for_action=True)
    with forms.flashing_errors():
        handoff.take_over(_citizen_of(case), g.staff, force=forms.checkbox("force"), case=case)
        forms.done("done_taken_over")
    return _back(case)


@bp.post("/cases/<code>/hand-back")
@access.require(access.ACT)
def hand_back(code):
    """Give the conversation back to the bot."""
    case = access.case_or_404(code, for_action=True)
    handoff.hand_back(_citizen_of(case), g.staff)
    forms.done("done_handed_back")
    return _back(case)


@bp.post("/cases/<code>/message")
@access.require(access.ACT)
def send_message(code):
    """Send what the staff member typed to the citizen they took over (JSON or form)."""
    case = access.case_or_404(code, for_action=True)
    citizen = _citizen_of(case)
    if not state(citizen, case)["mine"]:
        abort(409)
    try:
        body = forms.text("body", 1900, required=True)
    except forms.FormError:
        abort(400)
    entry = handoff.send_as_staff(citizen, g.staff, body, case=case)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(id=entry.id)
    return _back(case)


@bp.get("/cases/<code>/chat.json")
@access.require(access.READ)
def chat(code):
    """The conversation on this case as JSON, polled by the case page every two seconds."""
    case = access.case_or_404(code)
    items = [i for i in timeline.for_case(case) if i.kind in CHAT_KINDS][-CHAT_LIMIT:]
    return jsonify(handoff=state(case.citizen, case), items=[_item_json(i) for i in items])


def state(citizen, case):
    """Who holds the citizen's conversation, and on which case, as the case page shows it.

    `active`: someone holds it on this case; `elsewhere`: the code of the other case it is
    held on; `mine`: g.staff holds it on this case."""
    holder = citizen.handoff_staff if citizen and citizen.handoff_staff_id else None
    if holder is None:
        return {"active": False, "mine": False, "staff": None, "elsewhere": None}
    here = citizen.handoff_case_id in (None, case.id)
    other = None if here else citizen.handoff_case
    return {"active": here, "mine": here and holder.id == g.staff.id,
            "staff": holder.name or holder.username,
            "elsewhere": other.code if other is not None else None}


def _item_json(item):
    states = [timeline.delivery_state(m) for m in item.messages]
    return {"id": item.entry.id if item.entry else None, "kind": item.kind,
            "actor": wording.actor(item), "body": item.body, "at": format_datetime(item.at),
            "delivery": [{"state": s, "detail": d} for s, d in states]}
