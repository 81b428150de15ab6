"""Cases staff file for a caller (1022 hotline) or a walk-in (front desk): routed and
deadlined like any other; told to the caller on Zalo through their follower account when their
phone matches one, by ZNS to the phone otherwise, and not at all without their consent."""
import io
import re

import pytest

from tests.factories import http_login, login, make_staff, post
from tests.sandbox_helpers import TIMEOUT, citizen_event, messages_of, png_bytes, wait_for
from zalo_oa.cases import lifecycle
from zalo_oa.errors import Refused
from zalo_oa.intake import counter
from zalo_oa.models import AuditLog, Case, CasePhoto, Category, Citizen, OutboxMessage, utcnow


@pytest.fixture
def lan(ctx):
    return make_staff("lan")


def report(**fields):
    given = {"channel": "hotline", "category": "lighting",
             "description": "Đèn đường trước số 5 Lê Thánh Tôn tắt ba hôm nay",
             "address": "5 Lê Thánh Tôn, phường Bến Thành", "name": "Trần Thị Bình",
             "phone": "0912 345 678", "consent": True}
    return counter.Report(**{**given, **fields})


def follower(phone="84912345678", user_id="caller-zalo"):
    return Citizen.create(zalo_user_id=user_id, phone=phone, is_follower=True,
                          last_interaction_at=utcnow())


def test_a_hotline_case_is_routed_and_deadlined_like_any_other(lan):
    case, how = counter.file_case(report(consent=False), lan)
    lighting = Category.get(Category.slug == "lighting")
    assert (case.channel, case.department_id, case.area_code) == \
        ("hotline", lighting.department_id, "26743")
    assert case.due_at is not None and re.fullmatch(r"PA-\d{4}-\d{6}", case.code)
    assert (case.contact_name, case.contact_phone) == ("Trần Thị Bình", "84912345678")
    assert case.citizen is None and how == "none" and not case.notify_by_phone
    created = next(e for e in case.timeline if e.kind == "created")
    assert (created.actor, created.staff_id, created.data["channel"]) == ("lan", lan.id, "hotline")
    assert AuditLog.get(AuditLog.action == "case_create").target == case.code
    assert not OutboxMessage.select().exists()  # no consent: nobody is messaged


def test_a_caller_who_follows_the_oa_gets_the_case_on_zalo(lan):
    citizen = follower()
    case, how = counter.file_case(report(), lan)
    assert how == "zalo" and case.citizen_id == citizen.id
    [filed] = OutboxMessage.select().where(OutboxMessage.kind == "case_filed")
    assert filed.zalo_user_id == "caller-zalo" and case.code in filed.payload["text"]
    lifecycle.change_status(case, "received", staff=lan)
    pushed = OutboxMessage.select().where(OutboxMessage.kind == "status_received").get()
    assert pushed.zalo_user_id == "caller-zalo"


def test_without_a_matching_follower_updates_go_by_zns_to_the_phone(lan):
    follower(phone="84900000000")
    case, how = counter.file_case(report(), lan)
    assert how == "phone" and case.notify_by_phone and case.citizen is None
    lifecycle.change_status(case, "received", staff=lan)
    kinds = {m.kind: m.zalo_user_id for m in OutboxMessage.select()}
    assert kinds == {"case_filed": "phone:84912345678", "status_received": "phone:84912345678"}


def test_a_walk_in_needs_a_real_phone_and_a_known_channel(lan):
    with pytest.raises(Refused, match="bad_phone"):
        counter.file_case(report(channel="counter", phone="12"), lan)
    with pytest.raises(Refused, match="unknown_channel"):
        counter.file_case(report(channel="fax"), lan)
    assert not Case.select().exists()


def test_the_ward_comes_from_the_address_or_the_staffs_choice(app):
    with app.test_request_context():
        place, candidates = counter.lookup_place("12 Lê Lợi, phường Sài Gòn")
        assert (place.area_code, place.area_name) == ("26740", "Phường Sài Gòn")
        chosen, _ = counter.lookup_place("chợ", area_code="26743")
        assert chosen.area_code == "26743"
        vague, candidates = counter.lookup_place("Tân")
        assert vague.area_code is None and len(candidates) > 1


def test_the_form_files_a_case_with_photos(lan, client):
    login(client)
    page = client.get("/cases/new").get_data(as_text=True)
    assert 'name="consent"' in page and "Nghị định 13/2023" in page
    response = client.post("/cases/new", content_type="multipart/form-data", data={
        "csrf_token": _token(client), "channel": "counter", "category": "trees",
        "description": "Cây dầu nghiêng sắp đổ trước trường học", "address": "Bến Thành",
        "name": "Ông Tư", "phone": "0987 654 321",
        "photos": [(io.BytesIO(png_bytes()), "cay.png")]})
    assert response.status_code == 302
    case = Case.get(Case.channel == "counter")
    assert response.location.endswith(f"/cases/{case.code}")
    [photo] = CasePhoto.select().where(CasePhoto.case == case)
    assert "/media/reports/" in photo.url and client.get(
        photo.url.split("localhost", 1)[-1]).status_code == 200
    shown = client.get(response.location).get_data(as_text=True)
    assert f"Đã tạo phản ánh {case.code}" in shown and "Tại quầy tiếp nhận" in shown
    refused = post(client, "/cases/new", channel="hotline", category="trees",
                   description="quá ngắn", phone="0987 654 321")
    assert refused.status_code == 400 and "ít nhất 10 ký tự" in refused.get_data(as_text=True)


def test_only_the_intake_centre_files_cases(ctx, client):
    make_staff("don-vi", role="department", department="lighting")
    login(client, "don-vi")
    assert client.get("/cases/new").status_code == 403


def _token(client):
    with client.session_transaction() as session:
        return session["csrf"]


def test_over_http_a_linked_caller_hears_in_zalo_and_a_phone_only_caller_by_zns(live_server):
    """A follower who shared their phone in chat is found by that phone; another caller's
    updates go out by ZNS through the sandbox."""
    with live_server.app.app_context():
        make_staff("lan")
    for event in ({"event_name": "follow"},
                  {"event_name": "user_submit_info", "name": "Bình", "phone": "0912345678"}):
        assert citizen_event(live_server, "zalo-binh", **event).json()["webhook_status"] == 200
    with live_server.app.app_context():
        assert wait_for(lambda: Citizen.get_or_none(Citizen.phone == "84912345678"))
    session, csrf = http_login(live_server.url)
    codes = []
    for phone in ("0912 345 678", "0933 111 222"):
        answer = session.post(f"{live_server.url}/cases/new", timeout=TIMEOUT, data={
            "csrf_token": csrf, "channel": "hotline", "category": "lighting",
            "description": "Đèn đường hỏng trước số 9 Pasteur", "address": "9 Pasteur",
            "phone": phone, "consent": "1"})
        codes.append(re.search(r"PA-\d{4}-\d{6}", answer.url).group(0))

    def texts(user):
        return " ".join(str(m["payload"]) for m in messages_of(live_server, user))

    assert wait_for(lambda: codes[0] in texts("zalo-binh"))
    assert wait_for(lambda: codes[1] in texts("phone:84933111222"))
    [zns] = messages_of(live_server, "phone:84933111222")
    assert zns["api"] == "zns" and zns["payload"]["template_id"] == "zns-case-filed-phone-only"
