"""Open311 GeoReport v2: every endpoint in JSON and XML, as the spec and real clients expect."""
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_case
from tests.sandbox_helpers import png_bytes
from zalo_oa.models import Case, Category, utcnow
from zalo_oa.open311 import partners

W3C_OFFSET = "+07:00"


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def key(ctx):
    return partners.issue_key("FixMyStreet Việt Nam").key


def xml_of(response):
    assert response.content_type.startswith("text/xml")
    assert response.data.startswith(b"<?xml")
    root = ET.fromstring(response.data)
    assert "}" not in root.tag  # no namespace
    return root


def test_discovery_names_the_endpoint_and_formats(client):
    data = client.get("/open311/v2/discovery.json").get_json()
    assert data["endpoints"][0]["specification"].endswith("GeoReport_v2")
    assert data["endpoints"][0]["url"].endswith("/open311/v2/")
    root = xml_of(client.get("/open311/v2/discovery.xml"))
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert formats == ["text/xml", "application/json"]


def test_services_list_every_active_category_in_both_formats(client, ctx):
    data = client.get("/open311/v2/services.json").get_json()
    assert isinstance(data, list)
    codes = [s["service_code"] for s in data]
    assert codes == [c.slug for c in Category.listed()]
    lighting = next(s for s in data if s["service_code"] == "lighting")
    assert lighting["type"] == "realtime" and lighting["metadata"] is True  # its question
    assert lighting["group"] == "Công ty TNHH MTV Chiếu sáng công cộng TP.HCM"
    root = xml_of(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == codes
    assert root.find("service/metadata").text in ("true", "false")


def with_questions(slug="roads"):
    Category.update(questions=[
        {"code": "SIZE", "datatype": "singlevaluelist", "required": True,
         "description": "Kích thước ổ gà", "values": [{"key": "small", "name": "Nhỏ"},
                                                     {"key": "big", "name": "Lớn"}]},
        {"code": "LANES", "datatype": "multivaluelist", "required": False,
         "description": "Làn đường", "values": [{"key": "1", "name": "Trái"},
                                                {"key": "2", "name": "Phải"}]}]).where(
        Category.slug == slug).execute()


def test_service_definition_lists_the_extra_questions(client, ctx):
    with_questions()
    data = client.get("/open311/v2/services/roads.json").get_json()
    assert data["service_code"] == "roads"
    size = data["attributes"][0]
    assert size["code"] == "SIZE" and size["required"] is True and size["order"] == 1
    assert size["values"] == [{"key": "small", "name": "Nhỏ"}, {"key": "big", "name": "Lớn"}]
    root = xml_of(client.get("/open311/v2/services/roads.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/code") == "SIZE"
    assert root.findtext("attributes/attribute/values/value/name") == "Nhỏ"
    assert client.get("/open311/v2/services/nope.json").status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_use_the_spec_error_body(client, fmt):
    response = client.get(f"/open311/v2/services/nope.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.get_json() == [{"code": 404,
                                         "description": "service_code nope not found"}]
    else:
        root = xml_of(response)
        assert root.tag == "errors" and root.findtext("error/code") == "404"


def post(client, fmt="json", query="", **form):
    return client.post(f"/open311/v2/requests.{fmt}{query}", data=form)


def test_georeport_style_post_with_key_in_the_body(client, key, ctx):
    response = post(client, api_key=key, service_code="lighting", lat="10.7769",
                    long="106.7009", description="Đèn đường tắt cả tuần",
                    first_name="Nguyễn Thị Minh", last_name="Khai", phone="0912345678",
                    media_url="https://example.org/den.jpg")
    assert response.status_code == 201
    created = response.get_json()
    assert isinstance(created, list) and len(created) == 1
    case = Case.get(Case.code == created[0]["service_request_id"])
    assert case.channel == "open311" and case.partner == "FixMyStreet Việt Nam"
    assert case.contact_name == "Nguyễn Thị Minh Khai" and case.citizen is None
    assert case.department.slug == "lighting" and case.due_at is not None
    assert [p.url for p in case.photos] == ["https://example.org/den.jpg"]


def test_fixmystreet_style_post_key_in_query_empty_jurisdiction_and_attributes(client, key, ctx):
    with_questions()
    response = post(client, "xml", f"?api_key={key}", jurisdiction_id="", service_code="roads",
                    address_string="45 Nguyễn Huệ, Bến Nghé", description="Ổ gà lớn",
                    **{"attribute[SIZE]": "big", "attribute[LANES][]": ["1", "2"]})
    assert response.status_code == 201
    root = xml_of(response)
    code = root.findtext("request/service_request_id")
    case = Case.get(Case.code == code)
    assert case.attributes == {"SIZE": "big", "LANES": ["1", "2"]}
    assert case.address == "45 Nguyễn Huệ, Bến Nghé" and case.latitude is None
    assert root.findtext("request/token") == case.open311_token


def test_post_with_an_uploaded_photo_serves_it_back(client, key, ctx):
    response = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "trees", "lat": "10.78", "long": "106.70",
        "media": (io.BytesIO(png_bytes()), "cay.png")}, content_type="multipart/form-data")
    assert response.status_code == 201
    case = Case.get(Case.code == response.get_json()[0]["service_request_id"])
    url = case.photos[0].url
    assert "/open311/v2/media/" in url
    served = client.get(url.split("localhost", 1)[-1])
    assert served.status_code == 200 and served.data == png_bytes()


@pytest.mark.parametrize(("form", "status"), [
    ({"service_code": "lighting", "lat": "10.7", "long": "106.7"}, 403),
    ({"api_key": "wrong", "service_code": "lighting", "lat": "10.7", "long": "106.7"}, 403),
    ({"api_key": "KEY", "lat": "10.7", "long": "106.7"}, 400),
    ({"api_key": "KEY", "service_code": "nope", "lat": "10.7", "long": "106.7"}, 404),
    ({"api_key": "KEY", "service_code": "lighting"}, 400),
    ({"api_key": "KEY", "service_code": "lighting", "lat": "x", "long": "106.7"}, 400),
    ({"api_key": "KEY", "service_code": "roads", "lat": "10.7", "long": "106.7"}, 400),
    ({"api_key": "KEY", "service_code": "roads", "lat": "10.7", "long": "106.7",
      "attribute[SIZE]": "huge"}, 400),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_posts_get_the_right_error(client, key, ctx, form, status, fmt):
    with_questions()
    form = {k: key if v == "KEY" else v for k, v in form.items()}
    response = post(client, fmt, **form)
    assert response.status_code == status
    if fmt == "json":
        assert response.get_json()[0]["code"] == status
    else:
        assert xml_of(response).findtext("error/code") == str(status)
    assert Case.select().count() == 0


def test_a_revoked_key_is_refused(client, key, ctx):
    partners.revoke_key(partners.PartnerKey.get().id)
    assert post(client, api_key=key, service_code="lighting", lat="10.7",
                long="106.7").status_code == 403


def test_single_request_is_a_list_of_one_in_both_formats(client, ctx):
    case = make_case()
    data = client.get(f"/open311/v2/requests/{case.code}.json").get_json()
    request = data[0]
    assert len(data) == 1 and request["service_request_id"] == case.code
    assert request["status"] == "open"
    assert request["status_notes"] == "Phản ánh đã được ghi nhận và đang chờ tiếp nhận."
    assert request["service_code"] == "lighting"
    assert request["agency_responsible"] == "Công ty TNHH MTV Chiếu sáng công cộng TP.HCM"
    assert request["requested_datetime"].endswith(W3C_OFFSET)
    assert request["expected_datetime"].endswith(W3C_OFFSET)
    assert dt.datetime.fromisoformat(request["expected_datetime"]).utcoffset() == \
        dt.timedelta(hours=7)
    assert request["lat"] == pytest.approx(10.7769)
    root = xml_of(client.get(f"/open311/v2/requests/{case.code}.xml"))
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [case.code]
    assert root.findtext("request/description") == "Đèn đường hỏng trước số 12 Lê Lợi"


def test_published_requests_carry_no_personal_data(client, ctx):
    case = make_case()
    for fmt in ("json", "xml"):
        body = client.get(f"/open311/v2/requests/{case.code}.{fmt}").get_data(as_text=True)
        body += client.get(f"/open311/v2/requests.{fmt}").get_data(as_text=True)
        assert "Nguyễn Văn An" not in body and "912345678" not in body


def test_non_public_cases_are_left_out(client, ctx):
    hidden = make_case(is_public=False)
    shown = make_case(description="Cây đổ")
    assert client.get(f"/open311/v2/requests/{hidden.code}.json").status_code == 404
    listed = [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json]
    assert listed == [shown.code]


def test_requests_filters(client, ctx):
    old = make_case(created_at=utcnow() - dt.timedelta(days=120))
    closed = make_case(status="closed", category="trees")
    fresh = make_case()

    def ids(query):
        return [r["service_request_id"]
                for r in client.get(f"/open311/v2/requests.json?{query}").get_json()]

    assert ids("") == [fresh.code, closed.code]  # default: last 90 days
    assert ids("status=closed") == [closed.code]
    assert ids("status=open") == [fresh.code]
    assert ids("service_code=trees") == [closed.code]
    assert ids(f"service_request_id={old.code},{fresh.code}") == [fresh.code, old.code]
    start = (utcnow() - dt.timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    assert ids(f"start_date={start}".replace("+", "%2B")) == [fresh.code, closed.code, old.code]
    assert ids(f"start_date={start}&page_size=1&page=2".replace("+", "%2B")) == [closed.code]
    assert client.get("/open311/v2/requests.json?status=maybe").status_code == 400
    assert client.get("/open311/v2/requests.xml?start_date=yesterday").status_code == 400


def test_token_leads_to_the_request(client, key, ctx):
    created = post(client, api_key=key, service_code="lighting", lat="10.7",
                   long="106.7").get_json()[0]
    data = client.get(f"/open311/v2/tokens/{created['token']}.json").get_json()
    assert data == [{"service_request_id": created["service_request_id"],
                     "token": created["token"]}]
    root = xml_of(client.get(f"/open311/v2/tokens/{created['token']}.xml"))
    assert root.findtext("request/service_request_id") == created["service_request_id"]
    assert client.get("/open311/v2/tokens/nope.json").status_code == 404


@pytest.mark.parametrize(("path", "fmt"), [
    ("/open311/v2/servicerequestupdates.csv", "xml"), ("/open311/v2/requests.csv", "xml"),
    ("/open311/v2/nope", "xml"), ("/open311/v2/", "xml"), ("/open311/v2/nope.json", "json"),
    ("/open311/v2/requests/PA-1/notes.json", "json")])
def test_unknown_paths_get_the_spec_error_body(client, path, fmt):
    response = client.get(path)
    assert response.status_code == 404
    if fmt == "json":
        assert response.get_json()[0]["code"] == 404
    else:
        root = xml_of(response)
        assert root.tag == "errors" and root.findtext("error/code") == "404"
        assert path in root.findtext("error/description")


def test_a_method_a_path_does_not_take_gets_the_spec_error_body(client):
    response = client.delete("/open311/v2/requests.json")
    assert response.status_code == 405 and response.get_json()[0]["code"] == 405
    assert xml_of(client.put("/open311/v2/services.xml")).findtext("error/code") == "405"


def test_other_unknown_paths_keep_the_ordinary_page(client):
    response = client.get("/nope.json")
    assert response.status_code == 404 and response.content_type.startswith("text/html")


def test_a_cases_own_requested_datetime_is_inside_its_date_bounds(client, ctx):
    case = make_case()
    Case.update(created_at=dt.datetime(2026, 11, 20, 1, 2, 3, 999999)).where(
        Case.id == case.id).execute()
    published = xml_of(client.get(f"/open311/v2/requests/{case.code}.xml")).findtext(
        "request/requested_datetime")
    assert published == "2026-11-20T08:02:03+07:00"

    def ids(query):
        root = xml_of(client.get(f"/open311/v2/requests.xml?{query}".replace("+", "%2B")))
        return [r.findtext("service_request_id") for r in root.findall("request")]

    assert ids(f"end_date={published}&start_date=2026-11-01T00:00:00Z") == [case.code]
    assert ids(f"start_date={published}&end_date={published}") == [case.code]
    assert ids("start_date=2026-11-20T01:02:03.5Z&end_date=2026-11-20T01:02:03.5Z") == \
        [case.code]
    assert ids("start_date=2026-11-01T00:00:00Z&end_date=2026-11-20T08:02:02+07:00") == []
    assert ids("start_date=2026-11-20T08:02:04+07:00&end_date=2026-12-01T00:00:00Z") == []


def test_a_single_value_question_answered_twice_is_refused(client, key, ctx):
    with_questions()
    response = post(client, api_key=key, service_code="roads", lat="10.7", long="106.7",
                    **{"attribute[SIZE]": ["small", "big"]})
    assert response.status_code == 400
    assert response.get_json()[0]["description"] == "attribute[SIZE] takes one value, got 2"
    assert Case.select().count() == 0


def test_answers_to_undeclared_codes_are_refused_not_stored(client, key, ctx):
    with_questions()
    refused = post(client, api_key=key, service_code="roads", lat="10.7", long="106.7",
                   **{"attribute[SIZE]": "small", "attribute[LANES]": "2",
                      "attribute[uprn]": "1002"})
    assert refused.status_code == 400
    assert "attribute[uprn]" in refused.get_json()[0]["description"]
    assert not Case.select().exists()


def test_phones_are_stored_in_one_form_and_foreign_ones_as_given(client, key, ctx):
    for given, stored in (("091.234.5678", "84912345678"), ("+84 28 3822 1234", "842838221234"),
                          ("+44 20 7946 0958", "+44 20 7946 0958")):
        created = post(client, api_key=key, service_code="lighting", lat="10.7", long="106.7",
                       phone=given).get_json()[0]
        assert Case.get(Case.code == created["service_request_id"]).contact_phone == stored


@pytest.mark.parametrize(("form", "files", "words"), [
    ({"email": "không phải email"}, {}, "email"),
    ({"email": "a@b.vn?cc=x@y.vn"}, {}, "email"),
    ({"phone": "0" * 40}, {}, "phone"),
    ({"first_name": "A" * 300}, {}, "first_name"),
    ({"media_url": ["https://x.vn/1.jpg", "ftp://x.vn/2.jpg"]}, {}, "media_url"),
    ({"media_url": [f"https://x.vn/{n}.jpg" for n in range(11)]}, {}, "at most 10"),
    ({}, {"attachment": "note.png"}, "unexpected file attachment"),
    ({}, {"photo1": "note.txt"}, "photo1 must be"),
    ({}, {"photo1": "cay.png", "photo2": "note.txt"}, "photo2 must be"),
])
def test_what_cannot_be_kept_is_refused_not_dropped(client, key, ctx, tmp_path, form, files,
                                                     words):
    uploads = {field: (io.BytesIO(png_bytes() if name.endswith(".png") else b"plain text"),
                       name) for field, name in files.items()}
    response = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "lighting", "lat": "10.7", "long": "106.7", **form,
        **uploads}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert words in response.get_json()[0]["description"]
    assert Case.select().count() == 0
    assert not list((tmp_path / "media").rglob("*.*"))  # nothing stored for a refused request
