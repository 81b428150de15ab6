"""Article broadcasts as Zalo runs them: each is reviewed first (about 30 minutes, the
`article_review_seconds` knob), then sent to the OA's followers, each follower getting at most
one article a day and four a month. Due articles are sent whenever someone looks."""
import datetime as dt
import secrets

import peewee

from .. import db
from ..models import utcnow
from .models import SandboxArticle, SandboxMessage, SandboxUser

PER_DAY = 1
PER_MONTH = 4
API = "article"


def submit(article_id, target, review_seconds, now=None):
    """Accept an article broadcast for review; return its message id."""
    now = now or utcnow()
    article = SandboxArticle.create(message_id=secrets.token_hex(16), article_id=article_id,
                                    target=target, submitted_at=now,
                                    review_until=now + dt.timedelta(seconds=review_seconds))
    return article.message_id


def deliver_due(now=None):
    """Send every reviewed article to the followers still under their caps; return how many."""
    now = now or utcnow()
    done = 0
    with db.write_transaction():
        due = (SandboxArticle.select().where(SandboxArticle.delivered_at.is_null()
                                             & (SandboxArticle.review_until <= now))
               .order_by(SandboxArticle.review_until, SandboxArticle.id))
        for article in list(due):
            done += _deliver(article, now)
    return done


def _deliver(article, now):
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    rows = []
    for user in SandboxUser.select().where(SandboxUser.is_follower):
        if _received(user.user_id, day) < PER_DAY and _received(user.user_id, month) < PER_MONTH:
            rows.append({"user_id": user.user_id, "api": API, "sent_at": now,
                         "message_id": secrets.token_hex(16),
                         "payload": {"article_id": article.article_id,
                                     "broadcast": article.message_id}})
    if rows:
        SandboxMessage.insert_many(rows).execute()
    (SandboxArticle.update(delivered_at=now, recipients=len(rows))
     .where(SandboxArticle.id == article.id).execute())
    return len(rows)


def _received(user_id, since):
    return (SandboxMessage.select(peewee.fn.COUNT(SandboxMessage.id))
            .where((SandboxMessage.user_id == user_id) & (SandboxMessage.api == API)
                   & (SandboxMessage.sent_at >= since)).scalar())


def describe(article):
    """An article as GET /sandbox/articles shows it."""
    return {"message_id": article.message_id, "article_id": article.article_id,
            "target": article.target, "submitted_at": article.submitted_at.isoformat() + "Z",
            "review_until": article.review_until.isoformat() + "Z",
            "status": "sent" if article.delivered_at else "in_review",
            "recipients": article.recipients}
