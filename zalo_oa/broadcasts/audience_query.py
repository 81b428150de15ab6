"""An audience spec as a database query of citizens (same rules as audience.py, in SQL).

The SQL only uses what SQLite and PostgreSQL share: topics are JSON text, matched with LIKE
on the quoted slug.
"""
import json

import peewee

from ..models import Case, Category, Citizen
from . import audience

BATCH = 1000


def _subscribed():
    return (Citizen.is_follower & ~Citizen.announcements_off & Citizen.withdrawn_at.is_null())


def _any_topic(topics):
    condition = None
    for topic in topics:
        # The pattern is matched against the stored JSON text, so it must skip JSONField's
        # converter (which would encode it a second time).
        pattern = peewee.Value(f"%{json.dumps(topic, ensure_ascii=False)}%", converter=False)
        like = peewee.Expression(Citizen.topics, peewee.OP.ILIKE, pattern)
        condition = like if condition is None else condition | like
    return condition


def _reported(reported_in, now):
    cases = (Case.select(Case.citizen).join(Category)
             .where((Case.created_at >= audience.reported_since(reported_in, now))
                    & Case.citizen.is_null(False)))
    if reported_in["category"]:
        cases = cases.where(Category.slug == reported_in["category"])
    if reported_in["area"]:
        cases = cases.where(Case.area_code == reported_in["area"])
    return Citizen.id.in_(cases)


def condition(spec, now):
    """The WHERE condition selecting the audience of `spec`, or None for nobody."""
    spec = audience.normalize(spec)
    if not audience.is_targeted(spec):
        return None
    where = _subscribed()
    if spec["areas"]:
        where &= Citizen.area_code.in_(spec["areas"])
    if spec["topics"]:
        where &= _any_topic(spec["topics"])
    if spec["user_ids"]:
        where &= Citizen.zalo_user_id.in_(spec["user_ids"])
    if spec["reported_in"]:
        where &= _reported(spec["reported_in"], now)
    return where


def citizens(spec, now, *fields):
    """A query of the audience's `fields` (default: ids); empty when nobody is targeted."""
    where = condition(spec, now)
    query = Citizen.select(*(fields or (Citizen.id,)))
    return query.where(where if where is not None else Citizen.id < 0)


def size(spec, now):
    """How many citizens the spec reaches now."""
    return citizens(spec, now).count()


def batches(spec, now, *fields, batch=BATCH):
    """The audience as tuples (id first) in keyset batches of `batch` rows: flat memory."""
    last = 0
    while True:
        rows = list(citizens(spec, now, Citizen.id, *fields)
                    .where(Citizen.id > last).order_by(Citizen.id).limit(batch).tuples())
        if not rows:
            return
        yield rows
        last = rows[-1][0]
