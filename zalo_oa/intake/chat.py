"""Runs the guided dialogue for one citizen: load the draft, step, act on effects, save, reply."""
import datetime as dt
import logging

from flask import current_app

from .. import alerts
from ..cases import feedback, followers, lifecycle, params
from ..db import database
from ..delivery.messages import Button, Reply
from ..delivery.outbox import queue_replies
from ..models import Case, Category, Citizen, Conversation, TimelineEntry, utcnow
from ..places import resolve
from . import dialogue, handoff, prompts, throttle
from .subscriptions import SUBSCRIPTION_EFFECTS

log = logging.getLogger(__name__)

CASES_LISTED = 10
CASE_LIST_EMPTY = Reply("case_list_empty", buttons=(Button("report"),))


def context_for(citizen):
    """The dialogue's context: the listed categories in the citizen's language."""
    categories = tuple(
        dialogue.CategoryInfo(c.slug, c.name_vi, c.name_en, tuple(c.keywords or ()),
                              tuple(c.questions or ()))
        for c in Category.listed())
    config = current_app.config
    return dialogue.Context(categories, citizen.locale, config["CASE_CODE_PREFIX"],
                            config["PROVINCE_CODE"], config["DRAFT_EXPIRE_HOURS"])


def converse(citizen, event, key, now=None, at=None):
    """Feed one citizen input (sent at `at`) to the dialogue; queue the replies under dedupe
    key `key`.

    While a staff member has taken over the conversation the bot stays silent and the input
    goes on the case it was taken over from, for staff to read. A citizen flooding the OA is
    not answered past the per-minute limit (the input stays recorded as its event).
    """
    if citizen.handoff_staff_id is not None:
        return _record_for_staff(citizen, event)
    now = now or utcnow()
    if not admitted(citizen, at or now, key):
        return None
    state, _ = Conversation.get_or_create(citizen=citizen)
    ctx = context_for(citizen)
    outcome = dialogue.step(state.draft, event, ctx)
    draft, replies, case = outcome.draft, list(outcome.replies), None
    effects = list(outcome.effects)
    while effects:
        more, found = _perform(effects.pop(0), citizen, ctx, draft)
        case = found or case
        if isinstance(more, dialogue.Outcome):  # the effect continued the dialogue
            draft, replies, effects = more.draft, replies + more.replies, effects + more.effects
        else:
            replies += more
    _save(state, draft, now)
    queue_replies(citizen, replies, case=case, key=key)
    return outcome


def _save(state, draft, now):
    config = current_app.config
    state.draft = draft
    state.updated_at = now
    state.remind_at = now + dt.timedelta(minutes=config["DRAFT_REMIND_MINUTES"]) if draft else None
    state.expire_at = now + dt.timedelta(hours=config["DRAFT_EXPIRE_HOURS"]) if draft else None
    state.save()


def _submit(citizen, ctx, draft):
    """Open the case, unless open cases like it nearby should be offered first ("me too").

    A place the first message named (not looked up yet) gets its coordinates and ward here,
    so it is mapped and compared with the cases nearby like one given at the location step."""
    location = draft.get("location") or {}
    if location.get("address") and location.get("latitude") is None:
        draft["location"] = resolve.resolve(location, current_app.config)
    if not draft.get("same_checked"):
        nearby = followers.candidates(citizen, draft, current_app.config["NEARBY_METRES"],
                                      citizen.locale)
        if nearby:
            return dialogue.offer_same_case(draft, nearby, ctx), None
    case = lifecycle.open_case(citizen, draft, prefix=ctx.code_prefix)
    replies = [Reply("case_created", params.case_params(case, citizen.locale))]
    if case.priority == "urgent":
        replies.append(Reply("urgent_noted"))
    return replies, case


def _follow_case(citizen, ctx, code, draft):
    case = Case.get(Case.code == code)
    followers.follow(case, citizen, note=draft.get("description"),
                     photo_urls=draft.get("photos") or ())
    return [Reply("following_case", params.case_params(case, citizen.locale))], case


def _show_case(citizen, ctx, code):
    case = lifecycle.find_for_citizen(citizen, code) or followers.followed_case(citizen, code)
    if case is None:
        return [Reply("case_not_found", {"code": code})], None
    return [Reply("case_status", params.case_params(case, citizen.locale))], case


def _list_cases(citizen, ctx):
    return [_case_list(citizen)], None


def _feedback(citizen, ctx, code, answer):
    return feedback.record(citizen, code, answer), None


def _set_locale(citizen, ctx, locale):
    citizen.locale = locale
    citizen.save(only=[Citizen.locale])
    return [Reply("language_switched")], None


def _subscription(change):
    """A subscription change as an effect: its replies, about no case."""
    def perform(citizen, ctx, choice):
        return change(citizen, choice, ctx), None
    return perform


def _locate(citizen, ctx, draft):
    """Find the ward, address or coordinates of the draft's place (boundaries, geocoder; a
    slow geocoder is skipped) and let the dialogue carry on with them."""
    location = resolve.resolve(draft["location"], current_app.config)
    return dialogue.located(draft, location, ctx), None


# Each effect the dialogue may ask for: (citizen, ctx, *its arguments) -> (replies, case), or
# (Outcome, case) when the effect continues the dialogue (a new draft, replies, effects).
EFFECTS = {"submit": _submit, "follow_case": _follow_case, "show_case": _show_case,
           "list_cases": _list_cases, "feedback": _feedback, "set_locale": _set_locale,
           **{name: _subscription(change) for name, change in SUBSCRIPTION_EFFECTS.items()}}
# Effects that work on the current draft: (citizen, ctx, draft, *arguments).
DRAFT_EFFECTS = {"locate": _locate}


def _perform(effect, citizen, ctx, draft):
    """Carry out one effect the dialogue asked for; return (replies or Outcome, case)."""
    name, *arguments = effect
    if name in DRAFT_EFFECTS:
        return DRAFT_EFFECTS[name](citizen, ctx, draft, *arguments)
    return EFFECTS[name](citizen, ctx, *arguments)


def _record_for_staff(citizen, event):
    """Put a citizen's message on the taken-over case while staff handle the conversation."""
    case = handoff.conversation_case(citizen)
    if case is None:
        log.info("citizen %s wrote during a handoff but has no case", citizen.id)
        return None
    data = {"input": type(event).__name__.lower(), **_describe(event)}
    TimelineEntry.create(case=case, kind="citizen_message", actor="citizen",
                         body=getattr(event, "text", None), data=data)
    return None


def _describe(event):
    if isinstance(event, dialogue.Photos):
        return {"photos": list(event.urls)}
    if isinstance(event, dialogue.Media):
        return {"media": list(event.urls), "kind": event.kind}
    if isinstance(event, dialogue.Location):
        return {"latitude": event.latitude, "longitude": event.longitude}
    if isinstance(event, dialogue.Contact):
        return {"name": event.name, "phone": event.phone}
    if isinstance(event, dialogue.Other):
        return {"kind": event.kind}
    return {}


def _case_list(citizen):
    query = Case.of_citizen(citizen)
    total = query.count()
    if not total:
        return CASE_LIST_EMPTY
    listed = [params.case_params(c, citizen.locale) for c in query.limit(CASES_LISTED)]
    return Reply("case_list", {"cases": listed, "more": max(total - CASES_LISTED, 0)})


def welcome(citizen, key, at=None):
    """Greet a new follower (unless they are flooding the OA)."""
    if admitted(citizen, at or utcnow(), key):
        queue_replies(citizen, prompts.welcome(context_for(citizen)), key=key)


def admitted(citizen, at, key):
    """Count one message of the citizen's minute; False when it must not be answered. The
    first one past the limit gets a "please wait" and raises a staff alert."""
    limit = current_app.config["CITIZEN_MESSAGES_PER_MINUTE"]
    burst, verdict, calmed = throttle.admit(
        throttle.Burst(citizen.burst_started_at, citizen.burst_count or 0), at, limit)
    (Citizen.update(burst_started_at=burst.started_at, burst_count=burst.count)
     .where(Citizen.id == citizen.id).execute())
    citizen.burst_started_at, citizen.burst_count = burst.started_at, burst.count
    alert = f"citizen_flood:{citizen.zalo_user_id}"
    if calmed:
        alerts.resolve(alert)
    if verdict == throttle.WARN:
        log.warning("citizen %s sent more than %d messages in a minute: answers paused",
                    citizen.id, limit)
        alerts.raise_alert(alert, f"Zalo user {citizen.zalo_user_id}: more than {limit} "
                                  "messages in a minute")
        queue_replies(citizen, [Reply("slow_down")], key=key)
    return verdict == throttle.ANSWER


def remind_idle_drafts(now=None):
    """Send the one reminder each draft idle since its `remind_at` is due; return the count."""
    return _sweep(Conversation.remind_at, prompts.remind, "remind", now)


def expire_idle_drafts(now=None):
    """Drop drafts idle past their `expire_at`, telling each citizen; return the count."""
    return _sweep(Conversation.expire_at, prompts.expire, "expire", now)


def _sweep(due_field, make_replies, kind, now):
    now = now or utcnow()
    done = 0
    due = Conversation.select().where(due_field <= now).order_by(due_field).limit(200)
    for state in due:
        with database.atomic():
            fresh = Conversation.get_or_none((Conversation.id == state.id) & (due_field <= now))
            if fresh is None or fresh.draft is None:
                continue
            citizen = fresh.citizen
            replies = make_replies(fresh.draft, context_for(citizen))
            queue_replies(citizen, replies, key=f"draft-{kind}:{fresh.id}:{fresh.updated_at}")
            if kind == "expire":
                fresh.draft, fresh.expire_at = None, None
            fresh.remind_at = None
            fresh.save()
            done += 1
    return done
