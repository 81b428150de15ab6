"""Stand-ins for the follower list (/v3.0/oa/user/getlist) and article broadcast
(/v2.0/oa/message, which also carries anonymous replies: anonymous.py), served by the openapi
host's blueprint (see add_routes)."""
import datetime as dt
import json

from flask import request

from ..models import utcnow
from . import anonymous, articles, strict
from .envelope import ApiError, success
from .hosts import require_token
from .models import SandboxUser

MAX_COUNT = 50
MAX_OFFSET = 9951
NAMED_PERIODS = {"TODAY": (0, 0), "YESTERDAY": (1, 1), "L7D": (6, 0), "L30D": (29, 0)}


def _query():
    try:
        query = json.loads(request.args.get("data", ""))
    except ValueError:
        raise ApiError(-201, "data is invalid") from None
    if not isinstance(query, dict):
        raise ApiError(-201, "data is invalid")
    return query


def _bounded(query, name, low, high, default):
    try:
        value = int(query.get(name, default))
    except (TypeError, ValueError):
        raise ApiError(-201, f"{name} is invalid") from None
    if not low <= value <= high:
        raise ApiError(-201, f"{name} is invalid")
    return value


def period_range(period, today):
    """(first day, last day) of a last_interaction_period, or ApiError(-201)."""
    if period in NAMED_PERIODS:
        back, until = NAMED_PERIODS[period]
        return today - dt.timedelta(days=back), today - dt.timedelta(days=until)
    try:
        first, last = (dt.datetime.strptime(p, "%Y_%m_%d").date() for p in period.split(":"))
    except ValueError:
        raise ApiError(-201, "last_interaction_period is invalid") from None
    return first, last


def _filtered(query):
    users = SandboxUser.select(SandboxUser.user_id)
    if "is_follower" in query:
        users = users.where(SandboxUser.is_follower == bool(query["is_follower"]))
    period = query.get("last_interaction_period")
    if period:
        first, last = period_range(str(period), utcnow().date())
        users = users.where((SandboxUser.last_interaction_at >= first)
                            & (SandboxUser.last_interaction_at
                               < last + dt.timedelta(days=1)))
    return users


def user_getlist():
    """A page of the OA's users: count at most 50, offset at most 9951, as on Zalo."""
    require_token()
    query = _query()
    count = _bounded(query, "count", 1, MAX_COUNT, 15)
    offset = _bounded(query, "offset", 0, MAX_OFFSET, 0)
    users = _filtered(query)
    page = [{"user_id": u.user_id}
            for u in users.order_by(SandboxUser.id).offset(offset).limit(count)]
    return success({"total": users.count(), "count": len(page), "offset": offset,
                    "users": page})


def message_v2():
    """POST /v2.0/oa/message: an article broadcast (recipient.target), or a reply to an
    anonymous chatter (recipient.anonymous_id)."""
    knobs = require_token()
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    recipient = body.get("recipient")
    if isinstance(recipient, dict) and "anonymous_id" in recipient:
        return anonymous.reply(body)
    return broadcast_article(body, knobs)


def broadcast_article(body, knobs):
    """Broadcast an article to followers by target (cities, ages, gender); articles only.

    Zalo reviews it first: it reaches followers once `article_review_seconds` have passed
    (see articles.py), within their caps of one a day and four a month.
    """
    strict.check_oa(knobs)
    target = (body.get("recipient") or {}).get("target")
    if not isinstance(target, dict):
        raise ApiError(-201, "recipient is invalid")
    payload = ((body.get("message") or {}).get("attachment") or {}).get("payload") or {}
    elements = payload.get("elements") or [{}]
    if elements[0].get("media_type") != "article" or not elements[0].get("attachment_id"):
        raise ApiError(-201, "message is invalid: broadcast sends articles only")
    message_id = articles.submit(str(elements[0]["attachment_id"]), target,
                                 knobs["article_review_seconds"])
    return success({"message_id": message_id})


def add_routes(bp):
    """Serve these stand-ins from the openapi host's blueprint (its faults, token, limits).

    Once per process: a blueprint keeps its routes for every app it is registered on later.
    """
    if getattr(bp, "_follower_routes", False):
        return
    bp.add_url_rule("/v3.0/oa/user/getlist", view_func=user_getlist, methods=["GET"])
    bp.add_url_rule("/v2.0/oa/message", view_func=message_v2, methods=["POST"])
    bp._follower_routes = True
