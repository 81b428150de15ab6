"""The sandbox geocoder's answers, pure: a small gazetteer (gazetteer.json) searched the way
Nominatim answers `/search` and `/reverse` in format jsonv2."""
import json
import re
from functools import cache
from pathlib import Path

from ..places.nearby import distance_m
from ..text import contains_phrase, fold

FILE = Path(__file__).with_name("gazetteer.json")
REVERSE_METRES = 400  # farther from every entry than this: "Unable to geocode"


@cache
def gazetteer():
    """The city and its entries, each with the folded phrases that find it."""
    data = json.loads(FILE.read_text(encoding="utf-8"))
    for place in data["places"]:
        phrases = [place.get("name"), *place.get("aliases", [])]
        if not place.get("name"):
            phrases += [place["road"], f"đường {place['road']}"]
        place["phrases"] = tuple(fold(p) for p in phrases if p)
    return data


def item(place, house_number=None):
    """One entry as a jsonv2 answer item."""
    city = gazetteer()["city"]
    address = {"road": place["road"], "quarter": place["ward"], "city": city,
               "country": "Việt Nam", "country_code": "vn"}
    number = house_number or place.get("house_number")
    if number:
        address["house_number"] = number
    name = place.get("name") or ""
    parts = [name, f"{number} {place['road']}" if number else place["road"], place["ward"],
             city, "Việt Nam"]
    return {"lat": f"{place['lat']:.7f}", "lon": f"{place['lon']:.7f}", "name": name,
            "display_name": ", ".join(p for p in parts if p), "address": address,
            "category": "place", "type": "house" if number else "road"}


def search(query):
    """The entries a typed address names, best (longest phrase) first, as jsonv2 items."""
    folded = fold(query)
    found = []
    for place in gazetteer()["places"]:
        hits = [p for p in place["phrases"] if contains_phrase(folded, p)]
        if hits:
            found.append((max(map(len, hits)), place, max(hits, key=len)))
    found.sort(key=lambda hit: -hit[0])
    return [item(place, _house_number(folded, phrase)) for _, place, phrase in found]


def _house_number(folded, phrase):
    """"12" in "so 12 le loi" or "12/3 duong le loi": the number written before the street."""
    match = re.search(rf"(\d+[a-z]?(?: \d+)*) (?:duong )?{re.escape(phrase)}\b", folded)
    return match.group(1).replace(" ", "/") if match else None


def reverse(latitude, longitude):
    """The nearest entry within REVERSE_METRES as a jsonv2 item, else Nominatim's error."""
    places = gazetteer()["places"]
    nearest = min(places, key=lambda p: distance_m(latitude, longitude, p["lat"], p["lon"]))
    if distance_m(latitude, longitude, nearest["lat"], nearest["lon"]) > REVERSE_METRES:
        return {"error": "Unable to geocode"}
    return item(nearest)
