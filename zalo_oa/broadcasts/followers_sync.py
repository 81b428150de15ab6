"""`zalo-oa followers sync`: import the OA's followers from /v3.0/oa/user/getlist.

Zalo gives 50 followers a page and stops at offset 9,951; a bigger base is read in slices
of `last_interaction_period` (one day each, newest first) that each fit under that limit.
"""
import datetime as dt
import logging

from ..db import database
from ..models import Citizen, utcnow
from ..zalo import followers_api

log = logging.getLogger(__name__)

PAGE = followers_api.MAX_COUNT
REACHABLE = followers_api.MAX_OFFSET + PAGE
MAX_DAYS = 3 * 365


def upsert(user_ids):
    """Mark these users as followers, creating their Citizen rows when new."""
    if not user_ids:
        return
    rows = [{"zalo_user_id": uid, "is_follower": True, "followed_at": utcnow()}
            for uid in user_ids]
    with database.atomic():
        (Citizen.insert_many(rows)
         .on_conflict(conflict_target=[Citizen.zalo_user_id], preserve=[Citizen.is_follower])
         .execute())


def _pages(client, period=None):
    """Every page of one listing (all followers, or one period), until offset runs out."""
    offset = 0
    while offset <= followers_api.MAX_OFFSET:
        data = followers_api.get_followers(client, offset, PAGE, period)
        users = [str(u["user_id"]) for u in data.get("users") or []]
        yield data.get("total") or 0, users
        offset += PAGE
        if len(users) < PAGE:
            return


def day_period(day):
    """A `last_interaction_period` covering one day: YYYY_MM_DD:YYYY_MM_DD."""
    text = day.strftime("%Y_%m_%d")
    return f"{text}:{text}"


def sync(client, progress=None, today=None, max_days=MAX_DAYS):
    """Import every follower; `progress(done, total)` after each page. Returns users seen."""
    seen = 0
    first = followers_api.get_followers(client, 0, PAGE)
    total = first.get("total") or 0
    periods = [None] if total <= REACHABLE else _days(today or utcnow().date(), max_days)
    for period in periods:
        for listed, users in _pages(client, period):
            if period and listed > REACHABLE:
                log.warning("followers sync: %s has %d users; only %d reachable", period,
                            listed, REACHABLE)
            upsert(users)
            seen += len(users)
            if progress:
                progress(seen, total)
        if seen >= total:
            break
    return seen


def _days(today, max_days):
    return (day_period(today - dt.timedelta(days=n)) for n in range(max_days))
