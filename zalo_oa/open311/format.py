"""Open311 GeoReport v2, pure: our categories and cases as the spec's dicts, as JSON or XML.

Nothing here reads a reporter's personal data: a request shows what was reported, where, and
how far it got, never who reported it.
"""
import json
import re
import xml.etree.ElementTree as ET

from ..cases.rules import OPEN_STATUSES
from ..text import clean_lines
from ..timeutil import to_local

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/FFFF): one of them in
# a citizen's text would make the whole feed unreadable for every consumer.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The element each list's items get in XML (the spec's names).
ITEM_TAGS = {"services": "service", "service_requests": "request", "errors": "error",
             "attributes": "attribute", "values": "value", "endpoints": "endpoint",
             "formats": "format", "service_request_updates": "request_update"}
# Our status as mySociety's extended update status (what FixMyStreet maps to its states).
EXTENDED = {"new": "open", "received": "open", "assigned": "action_scheduled",
            "in_progress": "in_progress", "resolved": "fixed", "closed": "fixed",
            "rejected": "no_further_action", "duplicate": "duplicate", "reopened": "open"}


def w3c(utc_naive):
    """A stored naive-UTC time as W3C date-time with the city's offset, or None."""
    return to_local(utc_naive).isoformat(timespec="seconds") if utc_naive else None


def open_or_closed(status):
    """The spec's two states for our richer status."""
    return "open" if status in OPEN_STATUSES else "closed"


def service(category, department=None):
    """One service in the services list."""
    return {"service_code": category.slug, "service_name": category.name_vi,
            "description": category.name_en, "metadata": bool(category.questions),
            "type": "realtime", "keywords": ", ".join(category.keywords or []),
            "group": department.name_vi if department else ""}


def attribute(question, order):
    """One extra question of a category as a service-definition attribute."""
    return {"variable": True, "code": question["code"],
            "datatype": question.get("datatype", "string"),
            "required": bool(question.get("required")),
            "datatype_description": question.get("datatype_description", ""),
            "order": order, "description": question.get("description", ""),
            "values": [{"key": v["key"], "name": v["name"]} for v in question.get("values", [])]}


def definition(category):
    """The service definition: the category's extra questions as attributes."""
    return {"service_code": category.slug,
            "attributes": [attribute(q, i) for i, q in enumerate(category.questions or [], 1)]}


def request(case, category, department, media_url=None, status_notes=""):
    """One service request as the public sees it: no reporter, no contact details."""
    return {
        "service_request_id": case.code, "status": open_or_closed(case.status),
        "status_notes": status_notes, "service_name": category.name_vi,
        "service_code": category.slug, "description": clean_lines(case.description),
        "agency_responsible": department.name_vi if department else "",
        "service_notice": "", "requested_datetime": w3c(case.created_at),
        "updated_datetime": w3c(case.updated_at), "expected_datetime": w3c(case.due_at),
        "address": case.address or "", "address_id": "", "zipcode": "",
        "lat": case.latitude, "long": case.longitude, "media_url": media_url or ""}


def update(entry, case_code, status, description, media_url):
    """One entry of mySociety's updates feed (servicerequestupdates): `status` in its extended
    words, `external_status_code` our own status, for partners that map it."""
    return {"update_id": str(entry.id), "service_request_id": case_code,
            "status": EXTENDED.get(status, "open"),
            "updated_datetime": w3c(entry.created_at), "description": description,
            "media_url": media_url, "external_status_code": status}


def created(case, token=None):
    """The answer to a POST: the new request's id (and its token)."""
    return {"service_request_id": case.code, "token": token, "service_notice": "",
            "account_id": None}


def error(code, description):
    return {"code": code, "description": description}


def discovery(base_url, changeset, contact):
    """The discovery document for this endpoint."""
    return {"changeset": changeset, "contact": contact, "key_service": contact,
            "endpoints": [{"specification": SPEC_URL, "url": base_url, "changeset": changeset,
                           "type": "production", "formats": ["text/xml", "application/json"]}]}


def render(fmt, root, payload):
    """`payload` (a list, or a dict for discovery and a definition) as JSON or XML text."""
    if fmt == "json":
        return json.dumps(payload, ensure_ascii=False)
    element = _element(root, payload)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True).decode("utf-8")


def _element(tag, value):
    element = ET.Element(tag)
    if isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, list):
        element.extend(_element(ITEM_TAGS.get(tag, "item"), item) for item in value)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = xml_text(str(value))
    return element


def xml_text(text):
    """`text` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)
