"""Partner apps' Open311 POSTs: checked, turned into a draft, and opened as a normal case.

Real clients differ: the key comes in the body or the query string, an empty jurisdiction_id
means none, attributes come as `attribute[code]` or `attribute[code][]`, and the photo is a URL
or an uploaded file.
"""
import re
import secrets

from flask import current_app

from ..cases.lifecycle import open_case
from ..db import database
from ..media import UploadError, media_folder, save_image
from ..models import Case, Category, PartnerKey, utcnow

CHANNEL = "open311"
MAX_DESCRIPTION = 4000
MAX_ATTRIBUTE_VALUES = 20
MAX_ATTRIBUTE_LENGTH = 500
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


class Open311Error(Exception):
    """A request the spec answers with an error body: 400, 403 or 404."""

    def __init__(self, code, description):
        super().__init__(description)
        self.code, self.description = code, description


def partner_for(key):
    """The name of the partner whose unrevoked key this is; Open311Error 403 otherwise."""
    found = PartnerKey.get_or_none((PartnerKey.key == (key or "")) &
                                   PartnerKey.revoked_at.is_null()) if key else None
    if found is None:
        raise Open311Error(403, "api_key missing, unknown or revoked")
    return found.name


def issue_key(name):
    """A new API key for the partner `name`."""
    return PartnerKey.create(name=name.strip(), key=secrets.token_urlsafe(24))


def revoke_key(key_id):
    """Refuse this key from now on."""
    PartnerKey.update(revoked_at=utcnow()).where(
        (PartnerKey.id == key_id) & PartnerKey.revoked_at.is_null()).execute()


def check_jurisdiction(value):
    """An empty jurisdiction_id is no jurisdiction; another city's id is not found."""
    ours = current_app.config.get("OPEN311_JURISDICTION")
    if value and ours and value != ours:
        raise Open311Error(404, f"jurisdiction_id {value} not found")


def attributes_of(form):
    """`attribute[code]` as a value and `attribute[code][]` as a list, by code."""
    found = {}
    for name in form:
        match = _ATTRIBUTE.match(name)
        if match:
            values = [v for v in form.getlist(name) if v != ""]
            found[match.group(1)] = values if match.group(2) else (values[0] if values else "")
    return found


def check_attributes(category, answers):
    """Only the service's own attributes, of bounded size; required questions answered, list
    answers among the allowed keys."""
    _check_declared_and_small(category, answers)
    for question in category.questions or []:
        code, given = question["code"], answers.get(question["code"])
        if question.get("required") and given in (None, "", []):
            raise Open311Error(400, f"attribute[{code}] is required")
        keys = {str(v["key"]) for v in question.get("values", [])}
        chosen = given if isinstance(given, list) else [given] if given else []
        if keys and any(str(item) not in keys for item in chosen):
            raise Open311Error(400, f"attribute[{code}] has a value that is not allowed")


def _check_declared_and_small(category, answers):
    """400 for an attribute the service does not declare, or one too big to be an answer."""
    declared = {question["code"] for question in category.questions or []}
    for code, given in answers.items():
        if code not in declared:
            raise Open311Error(400, f"attribute[{code[:64]}] is not an attribute of "
                                    f"service {category.slug}")
        values = given if isinstance(given, list) else [given]
        if len(values) > MAX_ATTRIBUTE_VALUES or any(len(v) > MAX_ATTRIBUTE_LENGTH
                                                     for v in values):
            raise Open311Error(400, f"attribute[{code}] is too long (at most "
                                    f"{MAX_ATTRIBUTE_VALUES} values of "
                                    f"{MAX_ATTRIBUTE_LENGTH} characters)")


def location_of(form):
    """{latitude, longitude, address} from lat/long and/or address_string."""
    address = (form.get("address_string") or "").strip() or None
    lat, lon = form.get("lat"), form.get("long")
    if lat in (None, "") or lon in (None, ""):
        if address is None:
            raise Open311Error(400, "lat and long, or address_string, are required")
        return {"latitude": None, "longitude": None, "address": address}
    try:
        latitude, longitude = float(lat), float(lon)
    except ValueError:
        raise Open311Error(400, "lat and long must be numbers") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Open311Error(400, "lat or long out of range")
    return {"latitude": latitude, "longitude": longitude, "address": address}


def contact_of(form):
    """The reporter's name (any number of words) and phone: kept for staff, never published."""
    name = " ".join(p.strip() for p in (form.get("first_name"), form.get("last_name")) if p)
    return {"name": name.strip() or None, "phone": (form.get("phone") or "").strip() or None}


def media_dir():
    return media_folder("open311")


def save_media(file_storage):
    """Store an uploaded image under MEDIA_DIR/open311/ and return its public URL."""
    try:
        return save_image(file_storage, "open311", "open311.media")
    except UploadError:
        raise Open311Error(400, "media must be a JPEG, PNG, GIF or WebP image under 8 MB") \
            from None


def photos_of(form, files):
    upload = files.get("media")
    if upload is not None and upload.filename:
        return [save_media(upload)]
    url = (form.get("media_url") or "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise Open311Error(400, "media_url must be an http(s) URL")
    return [url] if url else []


def create_request(form, files, query):
    """Open a case from a POST requests body; returns (case, token). Raises Open311Error."""
    partner = partner_for(form.get("api_key") or query.get("api_key"))
    check_jurisdiction(form.get("jurisdiction_id") or query.get("jurisdiction_id"))
    slug = (form.get("service_code") or "").strip()
    if not slug:
        raise Open311Error(400, "service_code is required")
    category = Category.get_or_none((Category.slug == slug) & Category.active)
    if category is None:
        raise Open311Error(404, f"service_code {slug} not found")
    answers = attributes_of(form)
    check_attributes(category, answers)
    description = (form.get("description") or "").strip()[:MAX_DESCRIPTION]
    draft = {"category": slug, "description": description or category.name_vi,
             "location": location_of(form), "contact": contact_of(form),
             "photos": photos_of(form, files)}
    return _open(draft, partner, answers)


def _open(draft, partner, answers):
    token = secrets.token_urlsafe(16)
    with database.atomic():
        case = open_case(None, draft, current_app.config.get("CASE_CODE_PREFIX", "PA"), CHANNEL)
        case.attributes, case.partner, case.open311_token = answers or None, partner, token
        case.save(only=[Case.attributes, Case.partner, Case.open311_token])
    return case, token
