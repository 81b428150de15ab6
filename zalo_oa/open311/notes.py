"""What partners are told about a case's progress: `status_notes` and the updates feed.

Both come from the timeline's public entries that staff wrote for the citizen (status changes
with their note, replies), never internal notes or chat. Where staff wrote nothing, a phrase for
the status in the jurisdiction's language (templates/open311/<locale>.json) stands in; a
rejected or duplicate case always says so, with the reason or the case it repeats.
"""
import json
from functools import cache
from pathlib import Path

from ..models import Case, TimelineEntry

PHRASE_DIR = Path(__file__).resolve().parent.parent / "templates" / "open311"
LOCALES = ("vi", "en")
PUBLISHED_KINDS = ("status", "reply")
ALWAYS_SAID = ("rejected", "duplicate")


@cache
def phrases(locale):
    """The status phrases of `locale` (Vietnamese when there is no such file)."""
    name = locale if locale in LOCALES else "vi"
    return json.loads((PHRASE_DIR / f"{name}.json").read_text(encoding="utf-8"))


def note_text(status, note, locale, reason=None, target=None):
    """Staff's note, else the status phrase; rejected and duplicate lead with the phrase."""
    note = (note or "").strip()
    if status in ALWAYS_SAID or not note:
        phrase = phrases(locale).get(f"status_{status}", status or "").format(
            reason=reason or "", target=target or "")
        return f"{phrase}\n{note}" if note else phrase
    return note


def _published(case_ids):
    """The published entries of these cases, oldest first, grouped by case id."""
    found = {case_id: [] for case_id in case_ids}
    if case_ids:
        query = (TimelineEntry.select()
                 .where(TimelineEntry.case.in_(case_ids) & TimelineEntry.public
                        & TimelineEntry.kind.in_(PUBLISHED_KINDS))
                 .order_by(TimelineEntry.created_at, TimelineEntry.id))
        for entry in query:
            found[entry.case_id].append(entry)
    return found


def status_notes(cases, locale):
    """{case id: status_notes}: the latest note given at the case's current status."""
    published = _published([c.id for c in cases])
    return {case.id: _current_note(case, published[case.id], locale) for case in cases}


def _current_note(case, entries, locale):
    statuses = [e for e in entries if e.kind == "status"]
    last = statuses[-1] if statuses else None
    since = entries[entries.index(last):] if last else entries
    note = next((e.body for e in reversed(since) if (e.body or "").strip()), None)
    data = (last.data or {}) if last else {}
    target = data.get("duplicate_of")
    if case.status == "duplicate" and not target and case.duplicate_of_id:
        target = Case.get_by_id(case.duplicate_of_id).code
    return note_text(case.status, note, locale, data.get("reason") or case.reject_reason,
                     target)


def updates(entries, locale):
    """The feed's updates for published `entries` (oldest first), as the spec's dicts' parts:
    (entry, our status then, description, media_url)."""
    history = _published(sorted({e.case_id for e in entries}))
    return [(entry, *_update(entry, history[entry.case_id], locale)) for entry in entries]


def _update(entry, history, locale):
    data = entry.data or {}
    if entry.kind == "status":
        status = data.get("to")
        text = note_text(status, entry.body, locale, data.get("reason"), data.get("duplicate_of"))
        return status, text, data.get("after_photo") or ""
    earlier = [e for e in history if e.kind == "status"
               and (e.created_at, e.id) < (entry.created_at, entry.id)]
    return ((earlier[-1].data or {}).get("to") if earlier else "new"), entry.body or "", ""
