"""Ward boundaries: imported from a GeoJSON file (matched to vietnam-provinces codes by code or
name), kept in the database, and served from an in-process index that follows the table."""
import json
import logging
import time
from dataclasses import dataclass, field

import peewee

from .. import areas
from ..db import database
from ..models import WardBoundary, utcnow
from ..text import fold
from .wards import BoundaryError, WardIndex, outline

log = logging.getLogger(__name__)

# Property names GIS offices use for a ward's code and name (compared without case).
CODE_KEYS = ("code", "ma", "ma_xa", "maxa", "ma_phuong", "ward_code", "wardcode", "id")
NAME_KEYS = ("name", "ten", "ten_xa", "tenxa", "ten_phuong", "ward", "ward_name", "name_vi")
CHECK_SECONDS = 30


class ImportRefused(ValueError):
    """The file is no GeoJSON FeatureCollection."""


@dataclass
class ImportReport:
    """What an import did: wards stored, and features it could not use (with why)."""

    stored: list = field(default_factory=list)  # [(code, name)]
    skipped: list = field(default_factory=list)  # [(feature label, reason)]
    missing: int = 0  # wards of the province still without an outline


def match_feature(properties, province_code):
    """The Area a feature's properties name (by code first, else by an unambiguous name)."""
    props = {str(k).lower(): v for k, v in (properties or {}).items()}
    known = {a.code: a for a in areas.areas(province_code)}
    for key in CODE_KEYS:
        value = str(props.get(key) or "").strip()
        if value.isdigit() and str(int(value)) in known:
            return known[str(int(value))]
    for key in NAME_KEYS:
        folded = fold(str(props.get(key) or ""))
        found = [a for a in known.values() if folded and folded in (a.folded, a.core)]
        if len(found) == 1:
            return found[0]
    return None


def _label(properties, number):
    props = {str(k).lower(): v for k, v in (properties or {}).items()}
    named = next((props[k] for k in NAME_KEYS + CODE_KEYS if props.get(k)), None)
    return f"#{number} {named}" if named else f"#{number}"


def parse(text, province_code):
    """Read a FeatureCollection: ([(area, geometry)], [(label, reason)]). Pure."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportRefused(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportRefused("not a GeoJSON FeatureCollection")
    matched, skipped, seen = [], [], set()
    for number, feature in enumerate(data.get("features") or [], 1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        label = _label(properties, number)
        area = match_feature(properties, province_code)
        if area is None:
            skipped.append((label, "no ward of the province has this code or name"))
            continue
        if area.code in seen:
            skipped.append((label, f"{area.name} appears twice"))
            continue
        try:
            outline(feature.get("geometry"))
        except BoundaryError as exc:
            skipped.append((label, str(exc)))
            continue
        seen.add(area.code)
        matched.append((area, feature["geometry"]))
    return matched, skipped


def import_geojson(text, province_code, source=None, replace=False):
    """Store the outlines a GeoJSON text gives (each replacing the ward's old one); with
    `replace`, drop the outlines of wards the file leaves out. Returns an ImportReport."""
    matched, skipped = parse(text, province_code)
    now = utcnow()
    with database.atomic():
        if replace:
            WardBoundary.delete().execute()
        for area, geometry in matched:
            WardBoundary.insert(area_code=area.code, name=area.name, source=source,
                                geometry=json.dumps(geometry), imported_at=now).on_conflict(
                conflict_target=[WardBoundary.area_code],
                update={WardBoundary.name: area.name, WardBoundary.source: source,
                        WardBoundary.geometry: json.dumps(geometry),
                        WardBoundary.imported_at: now}).execute()
    forget()
    have = WardBoundary.select().count()
    return ImportReport(stored=[(a.code, a.name) for a, _ in matched], skipped=skipped,
                        missing=max(len(areas.areas(province_code)) - have, 0))


# --- the index each process keeps --------------------------------------------------------

_cache = {"db": None, "checked": 0.0, "stamp": None, "index": None}


def index():
    """The WardIndex of the stored outlines (None when none are imported); re-read when the
    table changes (checked at most every CHECK_SECONDS)."""
    db, now = database.obj, time.monotonic()
    if _cache["db"] is not db or now - _cache["checked"] > CHECK_SECONDS:
        _reload(db, now)
    return _cache["index"]


def _reload(db, now):
    try:
        stamp = WardBoundary.select(peewee.fn.COUNT(WardBoundary.id),
                                    peewee.fn.MAX(WardBoundary.imported_at)).tuples().get()
    except peewee.PeeweeException:  # no schema yet
        stamp = None
    if _cache["db"] is not db or stamp != _cache["stamp"]:
        rows = list(WardBoundary.select()) if stamp and stamp[0] else []
        _cache["index"] = WardIndex((r.area_code, json.loads(r.geometry)) for r in rows) \
            if rows else None
        if rows:
            log.info("ward index: %d outlines", len(rows))
    _cache.update(db=db, checked=now, stamp=stamp)


def forget():
    """Re-read the outlines at the next lookup (after an import in this process)."""
    _cache["db"] = None


def ward_at(latitude, longitude):
    """The code of the ward at a point by the imported outlines, or None."""
    found = index()
    return found.lookup(latitude, longitude) if found is not None else None
