"""Every report knows its place, over real HTTP through the sandbox: a shared location lands in
its ward and the ward's unit, a typed address gets coordinates from the sandbox geocoder, a slow
geocoder does not stop a report, and a second citizen near an open case follows it ("me too")
and hears its next status push."""
import re

import pytest
import requests

from tests.factories import make_staff
from tests.intake.test_report_flow import Citizen, texts
from tests.places.helpers import BEN_THANH, wards_text
from zalo_oa.cases import lifecycle
from zalo_oa.models import Case, CaseFollower, CasePhoto, TimelineEntry
from zalo_oa.places import boundaries

MARKET = {"latitude": 10.7725, "longitude": 106.6980}  # Chợ Bến Thành
ENCROACHED = "Vỉa hè trước chợ bị lấn chiếm bán hàng, người đi bộ phải xuống lòng đường"


@pytest.fixture
def server(live_server):
    with live_server.app.app_context():
        boundaries.import_geojson(wards_text(), 79)
    return live_server


def report(citizen, place, description=ENCROACHED, category="Trật tự đô thị", photo=None):
    """Walk the dialogue to its summary; return what the bot said about the place."""
    citizen.send("user_send_text", text=description)
    if "lĩnh vực nào" in texts(citizen.replies(2)):  # not understood at once: choose it
        citizen.say(category, 2)
    if "text" in place:
        citizen.send("user_send_text", text=place["text"])
    else:
        citizen.send("user_send_location", **place)
    about_place = texts(citizen.replies(2))
    if "phường, xã nào" in about_place:  # no ward found: the citizen would not say
        citizen.say("Bỏ qua")
    if photo:
        citizen.send("user_send_image", url=photo)
        citizen.replies()
    citizen.say("Bỏ qua" if not photo else "Xong", 2)
    said = citizen.say("Bỏ qua")
    while "kiểm tra lại phản ánh" not in said:  # the category's extra questions: skipped
        said = citizen.say("Bỏ qua")
    return about_place


def code_in(text):
    return re.search(r"PA-\d{4}-\d{6}", text).group(0)


def test_a_shared_location_lands_in_its_ward_and_the_wards_unit(server):
    citizen = Citizen(server, "citizen-vi-he")
    about_place = report(citizen, MARKET)
    assert "Chợ Bến Thành, Lê Lợi, Phường Bến Thành (Phường Bến Thành)" in about_place
    confirmation = citizen.say("Gửi")
    assert "Đơn vị xử lý: UBND phường Bến Thành" in confirmation
    with server.app.app_context():
        case = Case.get(Case.code == code_in(confirmation))
        assert (case.area_code, case.department.name_vi) == (BEN_THANH, "UBND phường Bến Thành")
        assert case.address == "Chợ Bến Thành, Lê Lợi, Phường Bến Thành"


def test_a_typed_address_gets_coordinates_from_the_geocoder(server):
    citizen = Citizen(server, "citizen-bui-vien")
    about_place = report(citizen, {"text": "trước số 5 Bùi Viện"},
                         description="Karaoke mở rất to đến 2 giờ sáng, không ngủ được",
                         category="Tiếng ồn")
    assert "trước số 5 Bùi Viện (Phường Bến Thành)" in about_place
    confirmation = citizen.say("Gửi")
    with server.app.app_context():
        case = Case.get(Case.code == code_in(confirmation))
        assert (case.latitude, case.longitude) == (10.767, 106.693)
        assert case.department.name_vi == "UBND phường Bến Thành"


def test_a_slow_geocoder_does_not_stop_the_report(server):
    requests.post(f"{server.url}/sandbox/faults", json={"path": "/search", "delay_ms": 4000},
                  timeout=5)
    citizen = Citizen(server, "citizen-slow")
    about_place = report(citizen, {"text": "gần số 9 đường Không Tên"}, category="Tiếng ồn",
                         description="Loa kẹo kéo hát to cả tối trong hẻm nhỏ")
    assert "Chưa tìm thấy địa chỉ này trên bản đồ" in about_place
    assert "phường, xã nào" in about_place  # no ward found: the citizen is asked
    confirmation = citizen.say("Gửi")
    with server.app.app_context():
        case = Case.get(Case.code == code_in(confirmation))
        assert (case.latitude, case.area_code, case.department.slug) == (None, None, "ward")


def test_a_second_citizen_nearby_follows_the_open_case_and_hears_its_push(server):
    first = Citizen(server, "citizen-first")
    report(first, MARKET)
    code = code_in(first.say("Gửi"))

    second = Citizen(server, "citizen-second")
    near = {"latitude": 10.7727, "longitude": 106.6982}  # about 30 m away
    report(second, near, description="Người bán hàng chiếm hết vỉa hè trước chợ Bến Thành",
           photo=f"{server.url}/static/img/contact_card.png")
    second.send("user_send_text", text="Gửi")
    [offer] = second.replies()
    assert offer["text"].startswith("Có phải sự cố này?") and code in offer["text"]
    assert [b["title"] for b in offer["attachment"]["payload"]["buttons"]] == [
        "Theo dõi phản ánh này", "Không, gửi phản ánh mới"]
    following = second.say("Theo dõi phản ánh này")
    assert f"Bạn đang theo dõi phản ánh {code}" in following

    with server.app.app_context():
        case = Case.get(Case.code == code)
        assert Case.select().count() == 1 and case.follower_count == 1
        assert CaseFollower.get().citizen.zalo_user_id == "citizen-second"
        assert CasePhoto.get(CasePhoto.case == case).kind == "follower"
        entry = TimelineEntry.get(TimelineEntry.kind == "follower")
        assert entry.body.startswith("Người bán hàng chiếm hết vỉa hè")
        staff = make_staff("ubnd", role="operator")
        lifecycle.change_status(case, "in_progress", staff=staff, note="Đã cử đội trật tự")
    for citizen in (first, second):
        push = texts(citizen.replies())
        assert code in push and "đang được xử lý" in push and "Đã cử đội trật tự" in push
    assert f"{code}" in second.say(code)  # a follower may look it up by its code


def test_declining_the_offer_opens_a_new_case(server):
    first = Citizen(server, "citizen-a")
    report(first, MARKET)
    first_code = code_in(first.say("Gửi"))
    second = Citizen(server, "citizen-b")
    report(second, MARKET)
    assert first_code in second.say("Gửi")
    second_code = code_in(second.say("Không, gửi phản ánh mới"))
    assert second_code != first_code
