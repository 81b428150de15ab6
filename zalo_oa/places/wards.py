"""Which ward a point lies in: point-in-polygon over an STRtree of the wards' outlines (pure).

Outlines are GeoJSON geometries (longitude, latitude). The tree narrows a lookup to the few
polygons whose boxes hold the point; the exact test runs on prepared geometries.
"""
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

POLYGONAL = ("Polygon", "MultiPolygon")


class BoundaryError(ValueError):
    """A geometry that is no usable ward outline."""


def outline(geometry):
    """A valid shapely (Multi)Polygon from a GeoJSON geometry; BoundaryError if it is none."""
    if isinstance(geometry, BaseGeometry):
        geom = geometry
    else:
        if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONAL:
            raise BoundaryError("geometry must be a Polygon or MultiPolygon")
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, IndexError, AttributeError) as exc:
            raise BoundaryError(f"unreadable geometry: {exc}") from None
    if geom.is_empty:
        raise BoundaryError("empty geometry")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise BoundaryError("coordinates are not longitude, latitude")
    return geom


class WardIndex:
    """The wards' outlines in an STRtree; `lookup` answers the code of the ward at a point."""

    def __init__(self, wards):
        self.codes, self.geometries = [], []
        for code, geometry in wards:
            geom = outline(geometry)
            shapely.prepare(geom)
            self.codes.append(code)
            self.geometries.append(geom)
        self.tree = shapely.STRtree(self.geometries)

    def __len__(self):
        return len(self.codes)

    def lookup(self, latitude, longitude):
        """The code of the ward containing the point (its edge included), or None."""
        if not self.codes:
            return None
        hits = [i for i in self.tree.query(shapely.Point(longitude, latitude))
                if shapely.intersects_xy(self.geometries[i], longitude, latitude)]
        if not hits:
            return None
        # Outlines drawn by hand may overlap a little: the smaller ward is the likelier one.
        best = min(hits, key=lambda i: self.geometries[i].area)
        return self.codes[best]
