"""Partner apps' Open311 POSTs: checked, turned into a draft, and opened as a normal case.

Real clients differ: the key comes in the body or the query string, an empty jurisdiction_id
means none, a multi-value attribute comes as `attribute[code]` repeated (FixMyStreet) or as
`attribute[code][]`, and photos come as repeated `media_url`s and/or uploaded files (`media`,
`photo1`…`photoN`). Every answer and every photo is kept; what cannot be kept is refused.
"""
import re
import secrets

from flask import current_app

from ..cases.lifecycle import open_case
from ..db import database
from ..errors import Refused
from ..media import UploadError, media_folder, save_image
from ..models import Case, Category, PartnerKey, utcnow
from ..text import clean_lines, normalize_phone

CHANNEL = "open311"
MAX_DESCRIPTION = 4000
MAX_NAME = 255
MAX_PHONE = 32
MAX_EMAIL = 254
MAX_PHOTOS = 10
MAX_ATTRIBUTE_VALUES = 20
MAX_ATTRIBUTE_LENGTH = 500
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
_UPLOAD = re.compile(r"^(media|photo(\d+))$")
# One @, a dotted domain, and nothing that would change a mailto: link (?, &, <, >, ").
_EMAIL = re.compile(r'^[^@\s?&<>",;:]+@[^@\s?&<>",;:]+\.[^@\s?&<>",;:]+$')


class Open311Error(Refused):
    """A request the spec answers with an error body: `status` 400, 403 or 404, and why."""

    def __init__(self, status, description):
        super().__init__("open311", status=status, description=description)
        self.status, self.description = status, description


def partner_for(key):
    """The name of the partner whose unrevoked key this is; Open311Error 403 otherwise."""
    found = PartnerKey.get_or_none((PartnerKey.key == (key or "")) &
                                   PartnerKey.revoked_at.is_null()) if key else None
    if found is None:
        raise Open311Error(403, "api_key missing, unknown or revoked")
    return found.name


MAX_PARTNER_NAME = 64  # Case.partner keeps the name with every case the partner sends


def issue_key(name):
    """A new API key for the partner `name` (at most MAX_PARTNER_NAME characters)."""
    name = name.strip()
    if not name or len(name) > MAX_PARTNER_NAME:
        raise Refused("partner_name_length", max=MAX_PARTNER_NAME)
    return PartnerKey.create(name=name, key=secrets.token_urlsafe(24))


def revoke_key(key_id):
    """Refuse this key from now on."""
    PartnerKey.update(revoked_at=utcnow()).where(
        (PartnerKey.id == key_id) & PartnerKey.revoked_at.is_null()).execute()


def check_jurisdiction(value):
    """An empty jurisdiction_id is no jurisdiction; another city's id is not found."""
    ours = current_app.config.get("OPEN311_JURISDICTION")
    if value and ours and value != ours:
        raise Open311Error(404, f"jurisdiction_id {value} not found")


def attributes_of(form, category):
    """The answers by code, every value kept: a list for a `multivaluelist` question
    (FixMyStreet repeats `attribute[code]` once per ticked box), one value for a question that
    takes one (several are refused). Undeclared codes keep what came (a list when repeated or
    sent as `attribute[code][]`) for check_attributes to refuse."""
    kinds = {q["code"]: q.get("datatype", "string") for q in category.questions or []}
    given = {}
    for name in form:
        match = _ATTRIBUTE.match(name)
        if match:
            as_list, values = given.get(match.group(1), (False, []))
            given[match.group(1)] = (as_list or bool(match.group(2)),
                                     values + [v for v in form.getlist(name) if v != ""])
    found = {}
    for code, (as_list, values) in given.items():
        kind = kinds.get(code)
        if kind == "multivaluelist" or (kind is None and (as_list or len(values) > 1)):
            found[code] = values
        elif len(values) > 1:
            raise Open311Error(400, f"attribute[{code}] takes one value, got {len(values)}")
        else:
            found[code] = values[0] if values else ""
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
    """The reporter's name (any number of words), phone (84… when Vietnamese) and email: kept
    for staff, never published."""
    name = " ".join(p.strip() for p in (form.get("first_name"), form.get("last_name")) if p)
    raw_phone = (form.get("phone") or "").strip()
    email = (form.get("email") or "").strip()
    if len(name) > MAX_NAME:
        raise Open311Error(400, f"first_name and last_name are longer than {MAX_NAME} characters")
    if len(raw_phone) > MAX_PHONE:
        raise Open311Error(400, f"phone is longer than {MAX_PHONE} characters")
    if email and (len(email) > MAX_EMAIL or not _EMAIL.match(email)):
        raise Open311Error(400, "email is not an email address")
    return {"name": name.strip() or None,
            "phone": normalize_phone(raw_phone) or raw_phone or None, "email": email or None}


def description_of(form):
    """The description with Unix line endings; over MAX_DESCRIPTION characters is refused."""
    description = clean_lines(form.get("description")).strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description is longer than {MAX_DESCRIPTION:,} characters "
                                f"({len(description):,}); send at most {MAX_DESCRIPTION:,}")
    return description


def media_dir():
    return media_folder("open311")


def save_media(file_storage):
    """Store an uploaded image under MEDIA_DIR/open311/ and return its public URL."""
    try:
        return save_image(file_storage, "open311", "open311.media")
    except UploadError:
        raise Open311Error(400, f"{file_storage.name} must be a JPEG, PNG, GIF or WebP image "
                                "under 8 MB") from None


def uploads_of(files):
    """The uploaded photos in order (`media`, then `photo1`, `photo2`…); other fields refused."""
    found = []
    for name in files:
        match = _UPLOAD.match(name)
        if match is None:
            raise Open311Error(400, f"unexpected file {name}: send photos as media or photoN")
        found += [(int(match.group(2) or 0), upload) for upload in files.getlist(name)
                  if upload.filename]
    return [upload for _, upload in sorted(found, key=lambda pair: pair[0])]


def media_urls_of(form):
    """Every `media_url` given (FixMyStreet repeats it for several photos)."""
    urls = [u.strip() for u in form.getlist("media_url") if u.strip()]
    if any(not u.startswith(("http://", "https://")) for u in urls):
        raise Open311Error(400, "media_url must be an http(s) URL")
    return urls


def photos_of(form, files):
    """Every photo as a URL: uploads are checked and stored last, once all else passed."""
    urls, uploads = media_urls_of(form), uploads_of(files)
    if len(urls) + len(uploads) > MAX_PHOTOS:
        raise Open311Error(400, f"at most {MAX_PHOTOS} photos per request")
    saved = []
    try:
        for upload in uploads:
            saved.append(save_media(upload))
    except Open311Error:
        for url in saved:  # a refused request leaves no files behind
            (media_dir() / url.rsplit("/", 1)[-1]).unlink(missing_ok=True)
        raise
    return saved + urls


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
    answers = attributes_of(form, category)
    check_attributes(category, answers)
    draft = {"category": slug, "description": description_of(form) or category.name_vi,
             "location": location_of(form), "contact": contact_of(form)}
    draft["photos"] = photos_of(form, files)
    return _open(draft, partner, answers)


def _open(draft, partner, answers):
    token = secrets.token_urlsafe(16)
    with database.atomic():
        case = open_case(None, draft, current_app.config.get("CASE_CODE_PREFIX", "PA"), CHANNEL)
        case.attributes, case.partner, case.open311_token = answers or None, partner, token
        case.save(only=[Case.attributes, Case.partner, Case.open311_token])
    return case, token
