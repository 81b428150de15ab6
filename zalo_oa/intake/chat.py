"""Runs the guided dialogue for one citizen: load the draft, step, act on effects, save, reply."""
import datetime as dt
import logging

from flask import current_app

from ..cases import feedback, lifecycle, params
from ..db import database
from ..delivery.messages import Button, Reply
from ..delivery.outbox import queue_replies
from ..models import Case, Category, Citizen, Conversation, TimelineEntry, utcnow
from . import dialogue, prompts
from .subscriptions import SUBSCRIPTION_EFFECTS

log = logging.getLogger(__name__)

CASES_LISTED = 10


def context_for(citizen):
    """The dialogue's context: the listed categories in the citizen's language."""
    categories = tuple(
        dialogue.CategoryInfo(c.slug, c.name_vi, c.name_en, tuple(c.keywords or ()),
                              tuple(c.questions or ()))
        for c in Category.listed())
    return dialogue.Context(categories, citizen.locale, current_app.config["CASE_CODE_PREFIX"],
                            current_app.config["PROVINCE_CODE"])


def converse(citizen, event, key, now=None):
    """Feed one citizen input to the dialogue; queue the replies under dedupe key `key`.

    While a staff member has taken over the conversation the bot stays silent and the input
    goes on the citizen's latest case for staff to read.
    """
    if citizen.handoff_staff_id is not None:
        return _record_for_staff(citizen, event)
    now = now or utcnow()
    state, _ = Conversation.get_or_create(citizen=citizen)
    ctx = context_for(citizen)
    outcome = dialogue.step(state.draft, event, ctx)
    replies, case = list(outcome.replies), None
    for effect in outcome.effects:
        more, case = _perform(effect, citizen, ctx)
        replies += more
    _save(state, outcome.draft, now)
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
    case = lifecycle.open_case(citizen, draft, prefix=ctx.code_prefix)
    replies = [Reply("case_created", params.case_params(case, citizen.locale))]
    if case.priority == "urgent":
        replies.append(Reply("urgent_noted"))
    return replies, case


def _show_case(citizen, ctx, code):
    case = lifecycle.find_for_citizen(citizen, code)
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


# Each effect the dialogue may ask for: (citizen, ctx, *its arguments) -> (replies, case).
EFFECTS = {"submit": _submit, "show_case": _show_case, "list_cases": _list_cases,
           "feedback": _feedback, "set_locale": _set_locale,
           **{name: _subscription(change) for name, change in SUBSCRIPTION_EFFECTS.items()}}


def _perform(effect, citizen, ctx):
    """Carry out one effect the dialogue asked for; return (replies, case)."""
    name, *arguments = effect
    return EFFECTS[name](citizen, ctx, *arguments)


def _record_for_staff(citizen, event):
    """Put a citizen's message on their latest case while staff handle the conversation."""
    case = Case.of_citizen(citizen).first()
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
        return Reply("case_list_empty", buttons=(Button("report"),))
    listed = [params.case_params(c, citizen.locale) for c in query.limit(CASES_LISTED)]
    return Reply("case_list", {"cases": listed, "more": max(total - CASES_LISTED, 0)})


def welcome(citizen, key):
    """Greet a new follower."""
    queue_replies(citizen, prompts.welcome(context_for(citizen)), key=key)


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
