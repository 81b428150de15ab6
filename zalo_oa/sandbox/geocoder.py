"""Stand-in for a Nominatim-compatible geocoder under /sandbox/geocoder: `/search` and
`/reverse` in format jsonv2, from a small gazetteer. Faults apply (POST /sandbox/faults with
path `/search` or `/reverse`), so tests can make it slow or fail."""
import math

from flask import jsonify, request

from . import gazetteer
from .hosts import host_blueprint

bp = host_blueprint("geocoder")


def _error(message):
    return jsonify({"error": message}), 400


@bp.get("/search")
def search():
    """Places a typed address names (`q`), at most `limit`."""
    query = request.args.get("q", "").strip()
    if not query:
        return _error("q is required")
    limit = request.args.get("limit", "10")
    found = gazetteer.search(query)[:int(limit) if limit.isdigit() else 10]
    return jsonify(found)


@bp.get("/reverse")
def reverse():
    """The address nearest to `lat`, `lon`."""
    try:
        latitude, longitude = float(request.args["lat"]), float(request.args["lon"])
    except (KeyError, ValueError):
        return _error("lat and lon are required numbers")
    if not (math.isfinite(latitude) and math.isfinite(longitude)
            and abs(latitude) <= 90 and abs(longitude) <= 180):
        return _error("lat or lon out of range")
    return jsonify(gazetteer.reverse(latitude, longitude))
