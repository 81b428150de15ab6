"""Cases staff file for a caller (the 1022 hotline) or a walk-in (the front desk): routed and
deadlined like a chat report; told to the caller on Zalo when they agree to it, through their
Zalo follower account when their phone matches one, else by ZNS to the phone.
"""
from dataclasses import dataclass, field

from flask import current_app

from .. import areas, audit
from ..cases import lifecycle, notify
from ..cases.params import case_params
from ..db import database
from ..delivery.messages import Reply
from ..errors import Refused
from ..models import Case, Citizen
from ..places import resolve
from ..text import normalize_phone

CHANNELS = ("hotline", "counter")


@dataclass
class Report:
    """What staff wrote down from the caller or walk-in."""

    channel: str
    category: str
    description: str
    address: str = ""
    area_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    photos: list = field(default_factory=list)
    name: str = ""
    phone: str = ""
    consent: bool = False  # they agreed to hear of the case on Zalo


@dataclass(frozen=True)
class Place:
    """Where a report is: the address as given, the ward, coordinates when known."""

    address: str
    area_code: str | None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def area_name(self):
        return areas.name_of(self.area_code) if self.area_code else ""


def lookup_place(address, area_code=None, latitude=None, longitude=None):
    """The place of a typed address, as chat reports get it (places.resolve: the geocoder's
    coordinates, the ward from the imported outlines, the geocoder or the words): the ward staff
    chose wins. Returns (place, candidate wards when the address names several)."""
    config = current_app.config
    found = areas.match(address or "", config["PROVINCE_CODE"], limit=5)
    located = resolve.resolve({"address": (address or "").strip() or None,
                               "latitude": latitude, "longitude": longitude}, config)
    chosen = area_code or located.get("ward_code")
    return Place((address or "").strip(), chosen, located.get("latitude"),
                 located.get("longitude")), found


def follower_with_phone(phone):
    """The Zalo follower who shared this phone (84...), most recently active first, or None."""
    return (Citizen.select()
            .where((Citizen.phone == phone) & Citizen.is_follower
                   & Citizen.withdrawn_at.is_null())
            .order_by(Citizen.last_interaction_at.desc(nulls="LAST"), Citizen.id.desc())
            .first())


def file_case(report, staff):
    """Open the case, link it to the caller's Zalo account or phone when they agreed, tell
    them its code; return (case, how) where how is "zalo", "phone" or "none"."""
    if report.channel not in CHANNELS:
        raise Refused("unknown_channel")
    phone = normalize_phone(report.phone) if report.phone else None
    if report.phone and phone is None:
        raise Refused("bad_phone")
    place, _ = lookup_place(report.address, report.area_code, report.latitude,
                            report.longitude)
    citizen = follower_with_phone(phone) if report.consent and phone else None
    draft = {"category": report.category, "description": report.description,
             "location": {"address": place.address or None, "ward_code": place.area_code,
                          "latitude": place.latitude, "longitude": place.longitude},
             "contact": {"name": report.name or None, "phone": phone},
             "photos": report.photos}
    with database.atomic():
        case = lifecycle.open_case(citizen, draft, prefix=current_app.config["CASE_CODE_PREFIX"],
                                   channel=report.channel, staff=staff)
        how = "zalo" if citizen is not None else "phone" if report.consent and phone else "none"
        if how == "phone":
            case.notify_by_phone = True
            case.save(only=[Case.notify_by_phone])
        audit.record(staff, "case_create", case.code, channel=report.channel, notify=how)
        notify.tell(case, lambda person: [Reply("case_filed", case_params(case, person.locale))],
                    key=f"filed:{case.id}", urgent=True)  # the caller is on the line now
    return case, how
