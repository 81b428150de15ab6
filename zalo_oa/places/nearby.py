"""Open cases near a point: a bounding box on indexed columns narrows the rows in SQL (index on
category, latitude, longitude), the exact great-circle distance decides."""
import math

from ..models import Case

EARTH_METRES = 6_371_000
METRES_PER_DEGREE = 111_320
SCANNED = 500  # rows read from the box at most; a box this full is a cluster anyway


def distance_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_METRES * math.asin(math.sqrt(a))


def box(latitude, longitude, metres):
    """(lat_min, lat_max, lon_min, lon_max) of a square that holds the circle (pure)."""
    dlat = metres / METRES_PER_DEGREE
    dlon = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def cases_near(latitude, longitude, category_id, statuses, metres, limit=5, where=None):
    """[(metres, case)] of the category's cases in `statuses` within `metres`, nearest first;
    `where` adds a peewee condition (e.g. public cases only, not this citizen's)."""
    lat_min, lat_max, lon_min, lon_max = box(latitude, longitude, metres)
    condition = ((Case.category == category_id)
                 & Case.latitude.between(lat_min, lat_max)
                 & Case.longitude.between(lon_min, lon_max)
                 & Case.status.in_(tuple(statuses)))
    if where is not None:
        condition &= where
    rows = Case.select().where(condition).order_by(Case.id.desc()).limit(SCANNED)
    found = sorted(((distance_m(latitude, longitude, c.latitude, c.longitude), c)
                    for c in rows), key=lambda pair: pair[0])
    return [(round(d), c) for d, c in found if d <= metres][:limit]
