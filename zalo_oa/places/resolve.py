"""A report's place made whole: a shared point gets its ward and a readable address, a typed
address gets coordinates and its ward. The ward comes from the imported boundaries, else from
the geocoder's answer, else from a ward the text names; what cannot be found stays None."""
import threading

from .. import areas
from ..text import fold
from . import boundaries
from .geocoder import Geocoder

_geocoders = {}
_lock = threading.Lock()


def geocoder(config):
    """The process's Geocoder for these settings, or None when no GEOCODER_URL is set."""
    url = config.get("GEOCODER_URL")
    if not url:
        return None
    key = (url, config.get("GEOCODER_TIMEOUT", 1.5), config.get("GEOCODER_VIEWBOX", ""))
    with _lock:
        if key not in _geocoders:
            agent = f"zalo_oa ({config.get('PUBLIC_URL') or 'citizen reports'})"
            _geocoders[key] = Geocoder(url, timeout=key[1], viewbox=key[2], user_agent=agent,
                                       language=config.get("DEFAULT_LOCALE", "vi"))
        return _geocoders[key]


def ward_from_names(names, province_code):
    """The code of the first name that is exactly one ward's full name ("Phường Bến Thành")."""
    known = areas.areas(province_code)
    for name in names:
        folded = fold(name)
        found = [a for a in known if folded and folded == a.folded]
        if len(found) == 1:
            return found[0].code
    return None


def ward_named_in(text, province_code):
    """The code of the one ward a typed text names ("…, phường Bến Thành"), else None."""
    found = areas.match(text or "", province_code, limit=2)
    return found[0].code if len(found) == 1 else None


def resolve(location, config):
    """The location dict ({latitude, longitude, address, ward_code}) with what can be found."""
    latitude, longitude = location.get("latitude"), location.get("longitude")
    address = location.get("address")
    province = config.get("PROVINCE_CODE", 79)
    coder, place = geocoder(config), None
    if latitude is None and address and coder:
        place = coder.search(address)
        if place is not None:
            latitude, longitude = place.latitude, place.longitude
    elif latitude is not None and coder:
        place = coder.reverse(latitude, longitude)
        address = address or (place.address if place else None)
    # The outlines are exact; then the ward the citizen named (location["ward_code"]); then the
    # geocoder's answer; then a ward the address's words name.
    ward = (boundaries.ward_at(latitude, longitude) if latitude is not None else None) \
        or location.get("ward_code") \
        or ward_from_names(place.names if place else (), province) \
        or ward_named_in(address, province)
    return {"latitude": latitude, "longitude": longitude, "address": address, "ward_code": ward}
