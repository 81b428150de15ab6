"""The staff inbox as a query: filters from the request, keyset pages, counts per status.

No OFFSET anywhere: a page is "the next `size` cases after this cursor" in the chosen order,
so page 1000 costs what page 1 costs, and every order matches an index (id, or due_at, id).
"""
import datetime as dt
import re
from dataclasses import dataclass

from peewee import SQL, fn

from ..db import is_postgres
from ..models import Case, Category, Citizen
from ..text import normalize_phone, whole_number
from . import rules, search

SORTS = ("newest", "oldest", "due")
DUE_FILTERS = ("overdue", "soon")
CODE_RE = re.compile(r"^[A-Z]{1,6}-\d{4}-\d{6,}$")
PHONE_RE = re.compile(r"^[\d\s.+()-]{8,}$")


@dataclass(frozen=True)
class Filters:
    """What the inbox shows; every field is optional."""

    status: str | None = None
    category: int | None = None
    department: int | None = None
    area: str = ""
    priority: str | None = None
    due: str | None = None
    mine: bool = False
    q: str = ""
    sort: str = "newest"
    after: str | None = None


def _int(value):
    return whole_number(value)


def _choice(value, choices):
    return value if value in choices else None


def parse(args):
    """Filters from request arguments (a mapping); unknown values are ignored, not errors."""
    status = args.get("status")
    return Filters(
        status=status if status in rules.STATUSES or status == "open" else None,
        category=_int(args.get("category")), department=_int(args.get("department")),
        area=(args.get("area") or "").strip()[:100],
        priority=_choice(args.get("priority"), rules.PRIORITIES),
        due=_choice(args.get("due"), DUE_FILTERS), mine=args.get("mine") in ("1", "on"),
        q=(args.get("q") or "").strip()[:100], sort=_choice(args.get("sort"), SORTS) or "newest",
        after=args.get("after") or None)


def _search_kind(q):
    """("code", code), ("phone", number) or ("words", q): how `q` is searched."""
    code = q.upper().replace(" ", "")
    if CODE_RE.match(code):
        return "code", code
    phone = normalize_phone(q) if PHONE_RE.match(q) else None
    return ("phone", phone) if phone else ("words", q)


def is_word_search(q):
    """True when `q` is searched as words (full text), not as a tracking code or a phone."""
    return bool(q) and _search_kind(q)[0] == "words" and bool(search.words(q))


def search_condition(q):
    """Search by tracking code, by phone (0912… and 84912… alike), else by words (full text)."""
    kind, value = _search_kind(q)
    if kind == "code":
        return Case.code == value
    if kind == "phone":
        citizens = Citizen.select(Citizen.id).where(Citizen.phone == value)
        return (Case.contact_phone == value) | Case.citizen.in_(citizens)
    found = search.matches(q)
    # Punctuation alone has no words: it finds nothing rather than everything.
    return found if found is not None else Case.id.is_null()


def conditions(filters, staff, now, soon_hours, with_status=True):
    """The WHERE terms for `filters` as seen by `staff` (department staff: their cases only)."""
    terms = []
    if staff.role == "department":
        terms.append(Case.department == staff.department_id)
    if with_status and filters.status == "open":
        terms.append(Case.status.in_(rules.OPEN_STATUSES))
    elif with_status and filters.status:
        terms.append(Case.status == filters.status)
    if filters.category:
        terms.append(Case.category == filters.category)
    if filters.department and staff.role != "department":
        terms.append(Case.department == filters.department)
    if filters.area:
        terms.append(Case.address.contains(filters.area))
    if filters.priority:
        terms.append(Case.priority == filters.priority)
    if filters.mine:
        terms.append(Case.assigned_to == staff.id)
    if filters.due:
        terms += _due_terms(filters.due, now, soon_hours)
    if filters.q:
        terms.append(search_condition(filters.q))
    return terms


def _due_terms(due, now, soon_hours):
    terms = [Case.status.in_(rules.OPEN_STATUSES), Case.due_at.is_null(False)]
    if due == "overdue":
        return [*terms, Case.due_at < now]
    return [*terms, Case.due_at >= now, Case.due_at < now + dt.timedelta(hours=soon_hours)]


# --- keyset cursors -------------------------------------------------------------------------

def encode_cursor(sort, case):
    """Where the next page starts: after this case, in this order."""
    if sort != "due":
        return str(case.id)
    stamp = case.due_at.strftime("%Y%m%d%H%M%S%f") if case.due_at else "~"
    return f"{stamp}.{case.id}"


def decode_cursor(sort, cursor):
    """(due_at or None, id) from a cursor, or None when it is missing or malformed."""
    if not cursor:
        return None
    if sort != "due":
        case_id = whole_number(cursor)
        return (None, case_id) if case_id is not None else None
    stamp, _, case_id = cursor.partition(".")
    case_id = whole_number(case_id)
    if case_id is None:
        return None
    if stamp == "~":
        return None, case_id
    try:
        return dt.datetime.strptime(stamp, "%Y%m%d%H%M%S%f"), case_id
    except ValueError:
        return None


def _after(sort, position):
    """The WHERE term for "after `position`" in `sort` order (nulls last for due dates)."""
    due_at, case_id = position
    if sort == "newest":
        return Case.id < case_id
    if sort == "oldest":
        return Case.id > case_id
    if due_at is None:
        return Case.due_at.is_null() & (Case.id > case_id)
    return ((Case.due_at > due_at) | ((Case.due_at == due_at) & (Case.id > case_id))
            | Case.due_at.is_null())


def _order(sort):
    if sort == "newest":
        return (Case.id.desc(),)
    if sort == "oldest":
        return (Case.id.asc(),)
    return (Case.due_at.asc(nulls="LAST"), Case.id.asc())


# A word search on PostgreSQL looks for its page among the newest (or oldest) RECENT_IDS ids
# first: PostgreSQL guesses the matches of several words as if they were unrelated, and for a
# phrase found in thousands of cases it then reads every match to sort them (230 ms at a
# million cases) where the newest window holds a page (under 60 ms).
RECENT_IDS = 50_000


def page(filters, staff, now, size=50, soon_hours=24):
    """One page of cases and the cursor of the next page (None on the last page)."""
    terms = conditions(filters, staff, now, soon_hours)
    position = decode_cursor(filters.sort, filters.after)
    if position is not None:
        terms.append(_after(filters.sort, position))
    window = _recent_window(filters, position)
    rows = _rows([*terms, window], filters.sort, size) if window is not None else []
    if len(rows) <= size:  # no window, or too few there: the whole table
        rows = _rows(terms, filters.sort, size)
    more = len(rows) > size
    rows = rows[:size]
    return rows, encode_cursor(filters.sort, rows[-1]) if more else None


def _rows(terms, sort, size):
    query = Case.select().order_by(*_order(sort)).limit(size + 1)
    return list(query.where(*terms) if terms else query)


def _recent_window(filters, position):
    """The id range next to where this page starts, for a word search in id order on
    PostgreSQL; None otherwise. A window holding more than a page gives the same page."""
    if not (is_postgres() and filters.sort in ("newest", "oldest") and is_word_search(filters.q)):
        return None
    newest = filters.sort == "newest"
    start = position[1] if position is not None else (
        Case.select(fn.MAX(Case.id) if newest else fn.MIN(Case.id)).scalar())
    if start is None:
        return None
    return Case.id > start - RECENT_IDS if newest else Case.id < start + RECENT_IDS


def urgent_open(staff, limit=50):
    """Open urgent cases `staff` may see, newest first: pinned on top of the inbox."""
    terms = [Case.priority == "urgent", Case.status.in_(rules.OPEN_STATUSES)]
    if staff.role == "department":
        terms.append(Case.department == staff.department_id)
    return list(Case.select().where(*terms).order_by(Case.id.desc()).limit(limit))


# A word search counts at most this many matches: exact per-status counts of a common word
# read every matching case (200 ms at a million cases); beyond it the inbox says "1,000+".
COUNT_CAP = 1000


@dataclass(frozen=True)
class Counts:
    """Cases per status for the inbox's tabs; `capped`: more than COUNT_CAP match, and there
    are no per-status figures (they would count only part of the matches)."""

    by_status: dict
    capped: bool = False

    @property
    def total(self):
        return COUNT_CAP if self.capped else sum(self.by_status.values())

    def get(self, status, default=0):
        return self.by_status.get(status, default)


def counts(filters, staff, now, soon_hours=24):
    """Cases per status under the other filters, so the status tabs read as a breakdown; a
    word search counts up to COUNT_CAP matches."""
    terms = conditions(filters, staff, now, soon_hours, with_status=False)
    if is_word_search(filters.q):
        sample = Case.select(Case.status).where(*terms).limit(COUNT_CAP + 1).alias("matches")
        found = dict(Case.select(sample.c.status, fn.COUNT(SQL("*"))).from_(sample)
                     .group_by(sample.c.status).tuples())
        if sum(found.values()) > COUNT_CAP:
            return Counts({}, capped=True)
        return Counts(found)
    # COUNT(*), not COUNT(id): PostgreSQL then counts from an index without the id column.
    query = Case.select(Case.status, fn.COUNT(SQL("*"))).group_by(Case.status)
    if terms:
        query = query.where(*terms)
    return Counts(dict(query.tuples()))


# --- time left ------------------------------------------------------------------------------

def time_left(due_at, status, now, soon_hours=24):
    """(state, amount, unit) for a deadline: state is overdue, soon, ok, or None (no deadline).

    The amount is in hours under two days, else in whole days; under an hour, minutes.
    """
    if due_at is None or status not in rules.OPEN_STATUSES:
        return None, 0, None
    delta = due_at - now
    state = "overdue" if delta.total_seconds() < 0 else (
        "soon" if delta <= dt.timedelta(hours=soon_hours) else "ok")
    seconds = abs(delta.total_seconds())
    if seconds < 3600:
        return state, max(int(seconds // 60), 1), "minutes"
    if seconds < 48 * 3600:
        return state, int(seconds // 3600), "hours"
    return state, int(seconds // 86400), "days"


def categories_by_id():
    """All categories by id, for labelling rows without a join per row."""
    return {c.id: c for c in Category.select()}
