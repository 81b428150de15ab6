"""FixMyStreet as a client, over real HTTP: the bodies its `perllib/Open311.pm` posts (form or
multipart, `api_key` and `jurisdiction_id` in the body, `attribute[X]` repeated for a ticked
list, `email`, `first_name`/`last_name`, `media_url` repeated or `photo1`…`photoN` uploads),
and its updates fetch (`servicerequestupdates.xml?api_key=&start_date=&end_date=`), read the
way it reads them. Each of the issue's nine points is checked here or in test_updates.py."""
import datetime as dt
import xml.etree.ElementTree as ET

import pytest
import requests

from tests.factories import make_staff
from tests.sandbox_helpers import png_bytes
from zalo_oa.cases import lifecycle
from zalo_oa.models import Case, CasePhoto, Category
from zalo_oa.open311 import partners

JURISDICTION = "hcmc"
# What FixMyStreet's photo store hands over: JPEG bytes, named <report id>.<n>.full.jpeg.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\0" * 64 \
    + b"\xff\xd9"


@pytest.fixture
def server(live_server_factory):
    return live_server_factory(with_scheduler=False, OPEN311_JURISDICTION=JURISDICTION)


@pytest.fixture
def key(server):
    with server.app.app_context():
        Category.update(questions=[
            {"code": "SIZE", "datatype": "singlevaluelist", "required": True,
             "description": "Kích thước ổ gà",
             "values": [{"key": "small", "name": "Nhỏ"}, {"key": "big", "name": "Lớn"}]},
            {"code": "LANES", "datatype": "multivaluelist", "required": False,
             "description": "Làn đường bị ảnh hưởng",
             "values": [{"key": "1", "name": "Làn trái"}, {"key": "2", "name": "Làn phải"},
                        {"key": "3", "name": "Làn xe máy"}]}]).where(
            Category.slug == "roads").execute()
        return partners.issue_key("FixMyStreet Việt Nam").key


def fms_params(key, **extra):
    """The fields _populate_service_request_params and _request build for one report, in the
    order-free list HTTP::Request::Common turns a hash with array values into."""
    description = ("Ổ gà lớn trước chợ Bến Thành\r\n\r\nXe máy phải tránh sang làn trái,"
                   "\r\nrất nguy hiểm vào giờ cao điểm\r\n\r\nhttps://fms.example.vn/report/123\n")
    fields = {"jurisdiction_id": JURISDICTION, "api_key": key, "service_code": "roads",
              "description": description, "first_name": "Nguyễn",
              "last_name": "Thị Minh Khai", "email": "minhkhai@example.vn",
              "phone": "0912 345 678", "lat": "10.772", "long": "106.698",
              "attribute[SIZE]": "big", "attribute[LANES]": ["1", "3"]}
    fields.update(extra)
    return [(name, item) for name, value in fields.items()
            for item in (value if isinstance(value, list) else [value])]


def post_report(server, fields, uploads=None):
    """POST requests.xml as FixMyStreet does: urlencoded, or multipart when files go along."""
    response = requests.post(f"{server.url}/open311/v2/requests.xml", data=fields,
                             files=uploads, timeout=10)
    return response, ET.fromstring(response.content)


def created_case(server, root):
    code = root.findtext("request/service_request_id")
    with server.app.app_context():
        return Case.get(Case.code == code)


def test_a_fixmystreet_report_keeps_every_answer_contact_and_photo(server, key):
    response, root = post_report(server, fms_params(key, media_url=[
        "https://fms.example.vn/photo/123.0.full.jpeg",
        "https://fms.example.vn/photo/123.1.full.jpeg"]))
    assert response.status_code == 201, response.text
    assert root.tag == "service_requests" and root.findtext("request/token")
    case = created_case(server, root)
    # 1. the ticked boxes all arrive, as a list
    assert case.attributes == {"SIZE": "big", "LANES": ["1", "3"]}
    # 2. email kept as contact data; the name whole; 9. the phone in one form
    assert case.contact_email == "minhkhai@example.vn"
    assert case.contact_name == "Nguyễn Thị Minh Khai"
    assert case.contact_phone == "84912345678"
    # 9. \r\n is stored as \n
    assert "\r" not in case.description
    assert case.description.startswith("Ổ gà lớn trước chợ Bến Thành\n\nXe máy")
    # 7. every media_url is a photo
    with server.app.app_context():
        assert [p.url for p in CasePhoto.select().where(CasePhoto.case == case.id)
                .order_by(CasePhoto.id)] == ["https://fms.example.vn/photo/123.0.full.jpeg",
                                             "https://fms.example.vn/photo/123.1.full.jpeg"]
    assert case.channel == "open311" and case.partner == "FixMyStreet Việt Nam"


def test_uploaded_photos_photo1_to_photon_are_all_kept(server, key):
    fields = fms_params(key)
    uploads = [("photo1", ("123.0.full.jpeg", JPEG, "image/jpeg")),
               ("photo2", ("123.1.full.jpeg", png_bytes(), "image/jpeg"))]
    response, root = post_report(server, fields, uploads)
    assert response.status_code == 201, response.text
    case = created_case(server, root)
    assert case.attributes["LANES"] == ["1", "3"]  # repeated keys survive multipart too
    with server.app.app_context():
        urls = [p.url for p in CasePhoto.select().where(CasePhoto.case == case.id)
                .order_by(CasePhoto.id)]
    assert len(urls) == 2 and all("/open311/v2/media/" in u for u in urls)
    assert [requests.get(u, timeout=10).content for u in urls] == [JPEG, png_bytes()]


def test_a_description_over_the_limit_is_refused_with_the_limit(server, key):
    response, root = post_report(server, fms_params(key, description="ổ gà " * 1000))
    assert response.status_code == 400
    assert root.findtext("error/code") == "400"
    assert "4,000" in root.findtext("error/description")
    with server.app.app_context():
        assert Case.select().count() == 0


def updates_fetch(server, key, start, end):
    """get_service_request_updates: GET with api_key, start_date, end_date (W3C, UTC) and
    the jurisdiction; the `request_update`s as dicts."""
    response = requests.get(f"{server.url}/open311/v2/servicerequestupdates.xml", params={
        "api_key": key, "start_date": w3c_utc(start), "end_date": w3c_utc(end),
        "jurisdiction_id": JURISDICTION}, timeout=10)
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.content)
    assert root.tag == "service_request_updates"
    return [{child.tag: child.text or "" for child in update}
            for update in root.findall("request_update")]


def w3c_utc(moment):
    """DateTime::Format::W3CDTF's form of a UTC time: 2026-11-20T08:00:00Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_fixmystreet_fetches_the_staff_notes_as_updates(server, key):
    _, root = post_report(server, fms_params(key))
    code = root.findtext("request/service_request_id")
    start = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)  # its default window
    with server.app.app_context():
        case = Case.get(Case.code == code)
        lan = make_staff("lan", role="operator")
        lifecycle.change_status(case, "in_progress", staff=lan)
        lifecycle.add_note(case, lan, "Nội bộ: chờ xe thang")
        lifecycle.change_status(case, "resolved", staff=lan,
                                note="Đã vá ổ gà và kẻ lại vạch làn trái",
                                after_photo_url="https://city.example.vn/after/1.jpg")
    end = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    updates = updates_fetch(server, key, start, end)
    assert [(u["service_request_id"], u["status"]) for u in updates] == [
        (code, "in_progress"), (code, "fixed")]
    progress, fixed = updates
    assert progress["description"] == "Phản ánh đang được xử lý."
    assert fixed["description"] == "Đã vá ổ gà và kẻ lại vạch làn trái"
    assert fixed["media_url"] == "https://city.example.vn/after/1.jpg"
    assert fixed["external_status_code"] == "resolved"
    assert int(progress["update_id"]) < int(fixed["update_id"])
    assert "Nội bộ" not in str(updates)
    for update in updates:  # check_date: within the asked window, compared in UTC
        updated = dt.datetime.fromisoformat(update["updated_datetime"]).astimezone(dt.UTC)
        assert w3c_utc(start) <= w3c_utc(updated) <= w3c_utc(end)
    # 3. the request itself now carries the staff's note, not our status word
    request = requests.get(f"{server.url}/open311/v2/requests/{code}.xml", timeout=10)
    assert ET.fromstring(request.content).findtext("request/status_notes") == \
        "Đã vá ổ gà và kẻ lại vạch làn trái"


def test_the_updates_feed_needs_a_key(server, key):
    for params in ({}, {"api_key": "wrong"}):
        response = requests.get(f"{server.url}/open311/v2/servicerequestupdates.xml",
                                params=params, timeout=10)
        assert response.status_code == 403
        assert ET.fromstring(response.content).findtext("error/code") == "403"
