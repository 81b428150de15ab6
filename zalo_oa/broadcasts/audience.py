"""Who hears a broadcast: pure rules over an audience spec and one citizen's facts.

A spec is `{"all": bool, "areas": [...], "topics": [...], "reported_in": {"category",
"area", "days"}, "user_ids": [...]}`. With "all", every subscribed follower hears it;
otherwise every criterion given must hold (any of its values will do), so "areas + topics"
means "in one of these areas and interested in one of these topics". Citizens who turned
announcements off, withdrew or no longer follow the OA are never in an audience.
"""
import datetime as dt
from dataclasses import dataclass, field

MAX_DAYS = 365


@dataclass(frozen=True)
class Report:
    """One case a citizen reported: what, where and when (naive UTC)."""

    category: str
    area_code: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one citizen."""

    zalo_user_id: str
    is_follower: bool = True
    announcements_off: bool = False
    withdrawn: bool = False
    area_code: str | None = None
    topics: tuple = ()
    reports: tuple = field(default_factory=tuple)


def _strings(values):
    """A clean, de-duplicated list of non-empty strings, in order."""
    seen = []
    for value in values or ():
        text = str(value).strip()
        if text and text not in seen:
            seen.append(text)
    return seen


def _reported_in(raw):
    if not isinstance(raw, dict):
        return None
    category, area = str(raw.get("category") or "").strip(), str(raw.get("area") or "").strip()
    try:
        days = min(max(int(raw.get("days") or 30), 1), MAX_DAYS)
    except (TypeError, ValueError):
        days = 30
    if not category and not area:
        return None
    return {"category": category or None, "area": area or None, "days": days}


def normalize(raw):
    """A spec with only known keys and clean values (what is stored on the Broadcast)."""
    raw = raw if isinstance(raw, dict) else {}
    spec = {"all": bool(raw.get("all")), "areas": _strings(raw.get("areas")),
            "topics": _strings(raw.get("topics")), "user_ids": _strings(raw.get("user_ids")),
            "reported_in": _reported_in(raw.get("reported_in"))}
    if spec["all"]:
        return {"all": True, "areas": [], "topics": [], "user_ids": [], "reported_in": None}
    return spec


def is_targeted(spec):
    """True when the spec names anyone at all (an empty spec reaches nobody)."""
    spec = normalize(spec)
    return spec["all"] or any(spec[key] for key in ("areas", "topics", "user_ids",
                                                     "reported_in"))


def subscribed(facts):
    """Follows the OA and has not opted out or withdrawn: may hear announcements at all."""
    return facts.is_follower and not facts.announcements_off and not facts.withdrawn


def reported_since(reported_in, now):
    """The earliest report time that counts for a `reported_in` criterion."""
    return now - dt.timedelta(days=reported_in["days"])


def _reported_match(reported_in, reports, now):
    since = reported_since(reported_in, now)
    return any(r.created_at >= since
               and reported_in["category"] in (None, r.category)
               and reported_in["area"] in (None, r.area_code) for r in reports)


def includes(spec, facts, now):
    """True when the citizen described by `facts` is in the audience of `spec` at `now`."""
    spec = normalize(spec)
    if not subscribed(facts) or not is_targeted(spec):
        return False
    if spec["all"]:
        return True
    checks = []
    if spec["areas"]:
        checks.append(facts.area_code in spec["areas"])
    if spec["topics"]:
        checks.append(bool(set(facts.topics) & set(spec["topics"])))
    if spec["user_ids"]:
        checks.append(facts.zalo_user_id in spec["user_ids"])
    if spec["reported_in"]:
        checks.append(_reported_match(spec["reported_in"], facts.reports, now))
    return all(checks)


def parse_user_ids(text):
    """Zalo user ids from an uploaded CSV: the first cell of each row, header skipped."""
    ids = []
    for line in (text or "").splitlines():
        cell = line.split(",")[0].strip().strip('"')
        if cell.isdigit():
            ids.append(cell)
    return _strings(ids)
