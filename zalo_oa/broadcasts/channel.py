"""How an announcement reaches people as Zalo intends, and what it would cost.

Two ways (window.py holds the per-recipient rule):
- "message": one message per audience member, by a ZBS "truyền thông" template where one is
  configured for `broadcast` in data/zalo_templates.json; an emergency also goes by free cs to
  those inside the 48 h window. Never billed cs: that is Zalo's channel for answering people.
- "article": Zalo's own article broadcast to the OA's followers, one call, moderated by Zalo
  (about 30 minutes) and capped at about 4 a month and 1 a day per follower.
Money comes from the price table (data/prices.json).
"""
import peewee
from flask import current_app

from ..delivery import mailer, prices, window
from ..delivery.sender import load_templates
from ..errors import Refused
from ..models import Broadcast, Citizen
from ..timeutil import to_local, to_utc_naive
from ..zalo import followers_api
from . import audience_query

KIND = "broadcast"
ARTICLE_CAP_PER_MONTH = 4
ARTICLE_CAP_PER_DAY = 1
ROUTE_NAMES = {"cs": "cs_free", "template": "template", "none": "unreachable"}


def purpose(broadcast):
    return "emergency" if broadcast.emergency else "announcement"


def route_for(broadcast, last_interaction, phone, now, templates):
    """The route one audience member's message takes now (window.py decides)."""
    recipient = window.Recipient(last_interaction, phone)
    return window.choose_route(purpose(broadcast), recipient, now, templates, KIND,
                               email_ready=mailer.configured(current_app.config))


def estimate(broadcast, now):
    """Each route with its recipients and money: {"channel", "routes": [{"route", "count",
    "unit_vnd", "vnd"}], "total_vnd", "article_caps"}; a forecast, Zalo's answers are the truth.
    """
    table = prices.load(current_app.config["PRICES_FILE"])
    if broadcast.channel == "article":
        counts = {"article": followers()}
        classes = {"article": "article"}
    else:
        counts, classes = _message_split(broadcast, now)
    routes = [{"route": name, "count": n, "unit_vnd": prices.price(table, classes[name]),
               "vnd": n * prices.price(table, classes[name])} for name, n in counts.items()]
    return {"channel": broadcast.channel, "routes": routes,
            "total_vnd": sum(r["vnd"] for r in routes), "article_caps": articles_sent(now)}


def _message_split(broadcast, now):
    templates = load_templates(current_app.config["TEMPLATES_FILE"])
    counts = dict.fromkeys(("cs_free", "template", "unreachable"), 0)
    classes = {"cs_free": "free", "template": "template", "unreachable": "none"}
    for rows in audience_query.batches(broadcast.audience, now, Citizen.last_interaction_at,
                                       Citizen.phone):
        for _id, last, phone in rows:
            counts[ROUTE_NAMES[route_for(broadcast, last, phone, now, templates).channel]] += 1
    return counts, classes


def has_channel(broadcast):
    """False for an ordinary announcement by message when no ZBS template is configured:
    nobody could get it (Zalo's article broadcast is the way then)."""
    if broadcast.channel == "article" or broadcast.emergency:
        return True
    templates = load_templates(current_app.config["TEMPLATES_FILE"])
    return bool((templates.get(KIND) or {}).get("zbs_template_id"))


def followers():
    """How many followers Zalo's article broadcast reaches (the OA's, not an audience)."""
    return Citizen.select().where(Citizen.is_follower & Citizen.withdrawn_at.is_null()).count()


def articles_sent(now):
    """Article broadcasts finished today and this month (city time), against Zalo's caps."""
    local = to_local(now)
    day = to_utc_naive(local.replace(hour=0, minute=0, second=0, microsecond=0))
    month = to_utc_naive(local.replace(day=1, hour=0, minute=0, second=0, microsecond=0))
    sent = Broadcast.select(peewee.fn.COUNT(Broadcast.id)).where(
        (Broadcast.channel == "article") & (Broadcast.status == "done"))
    return {"today": sent.where(Broadcast.finished_at >= day).scalar(),
            "month": sent.where(Broadcast.finished_at >= month).scalar(),
            "per_day": ARTICLE_CAP_PER_DAY, "per_month": ARTICLE_CAP_PER_MONTH}


def send_article(broadcast, client, now):
    """Hand the article to Zalo's broadcast (all followers); Zalo reviews it before sending.
    Only a draft or a scheduled broadcast goes: an article sent once is never sent again."""
    if not broadcast.article_id:
        raise Refused("no_article")
    if broadcast.status not in ("draft", "scheduled"):
        raise Refused("wrong_state")
    data = followers_api.broadcast_article(client, broadcast.article_id)
    broadcast.channel, broadcast.status, broadcast.finished_at = "article", "done", now
    broadcast.recipients = followers()
    broadcast.save()
    return data
