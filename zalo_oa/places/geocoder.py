"""A Nominatim-compatible geocoder over HTTP (`/search`, `/reverse`, format jsonv2): a typed
address becomes coordinates, a point becomes a readable address.

One interface, configured by URL (self-hosted Nominatim, a commercial Vietnamese provider with
the same API, or the sandbox's stand-in). Answers are cached; every call has a short timeout,
and after a failure the geocoder is left alone for a while, so the chat never waits on it:
a caller that gets None carries on without it.
"""
import logging
import threading
import time
from dataclasses import dataclass

import requests
from cachetools import TTLCache

from ..text import fold

log = logging.getLogger(__name__)

CACHE_SIZE = 4096
CACHE_SECONDS = 24 * 3600
PAUSE_SECONDS = 30  # after a failed call, skip the geocoder this long
WARD_KEYS = ("quarter", "suburb", "city_district", "village", "town", "borough")
_MISS = object()


@dataclass(frozen=True)
class Place:
    """One answer: coordinates, a short readable address, and every name in its address
    (one of which may be the ward)."""

    latitude: float
    longitude: float
    address: str
    names: tuple = ()


def short_address(item):
    """A readable address from a jsonv2 item: "12 Lê Lợi, Phường Bến Thành" (pure)."""
    address = item.get("address") if isinstance(item.get("address"), dict) else {}
    street = " ".join(str(address[k]) for k in ("house_number", "road") if address.get(k))
    name = str(item.get("name") or "").strip()
    ward = next((str(address[k]) for k in WARD_KEYS if address.get(k)), "")
    parts = [p for p in (name if name and name != address.get("road") else "", street, ward) if p]
    if parts:
        return ", ".join(parts)
    display = str(item.get("display_name") or "")
    return ", ".join(display.split(", ")[:3])


def parse_item(item):
    """A Place from one jsonv2 answer item, or None when it has no usable coordinates (pure)."""
    if not isinstance(item, dict) or "error" in item:
        return None
    try:
        latitude, longitude = float(item["lat"]), float(item["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    address = item.get("address") if isinstance(item.get("address"), dict) else {}
    names = tuple(str(v) for v in address.values() if isinstance(v, str))
    return Place(latitude, longitude, short_address(item), names)


class Geocoder:
    """The client: `search(text)` and `reverse(lat, lon)` answer a Place or None."""

    def __init__(self, base_url, timeout=1.5, viewbox="", user_agent="zalo_oa",
                 session=None, language="vi"):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.viewbox = viewbox
        self.language = language
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self._cache = TTLCache(CACHE_SIZE, CACHE_SECONDS)
        self._lock = threading.Lock()
        self._paused_until = 0.0

    def search(self, text):
        """The best match for a typed address, or None (also when the geocoder fails)."""
        params = {"q": text, "format": "jsonv2", "addressdetails": 1, "limit": 1,
                  "countrycodes": "vn", "accept-language": self.language}
        if self.viewbox:
            params.update(viewbox=self.viewbox, bounded=1)
        answer = self._cached(("search", fold(text)), "/search", params)
        return parse_item(answer[0]) if isinstance(answer, list) and answer else None

    def reverse(self, latitude, longitude):
        """The address at a point, or None (also when the geocoder fails)."""
        params = {"lat": f"{latitude:.6f}", "lon": f"{longitude:.6f}", "format": "jsonv2",
                  "addressdetails": 1, "zoom": 18, "accept-language": self.language}
        answer = self._cached(("reverse", round(latitude, 5), round(longitude, 5)), "/reverse",
                              params)
        return parse_item(answer) if isinstance(answer, dict) else None

    def _cached(self, key, path, params):
        with self._lock:
            found = self._cache.get(key, _MISS)
        if found is not _MISS:
            return found
        answer = self._get(path, params)
        if answer is not _MISS:  # failures are not remembered, answers (even empty) are
            with self._lock:
                self._cache[key] = answer
        return None if answer is _MISS else answer

    def _get(self, path, params):
        if time.monotonic() < self._paused_until:
            return _MISS
        try:
            response = self.session.get(self.base_url + path, params=params, timeout=self.timeout)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            self._paused_until = time.monotonic() + PAUSE_SECONDS
            log.warning("geocoder %s failed (%s); skipped for %d s", path,
                        type(exc).__name__, PAUSE_SECONDS)
            return _MISS
