"""The staff pages over HTTP: login and lockout, CSRF, the inbox, the case page and its actions."""
import datetime as dt
import io
import re

import pytest

from tests.factories import PASSWORD, login, make_case, make_staff, post, token
from tests.sandbox_helpers import png_bytes
from zalo_oa.cases import lifecycle
from zalo_oa.models import (
    AuditLog,
    Case,
    CasePhoto,
    Category,
    Department,
    OutboxMessage,
    Staff,
    TimelineEntry,
    utcnow,
)


@pytest.fixture
def operator(ctx, client):
    staff = make_staff()
    assert login(client).status_code == 302
    return staff


# --- login, sessions, CSRF -------------------------------------------------------------------

def test_pages_need_a_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.location


def test_wrong_password_is_refused(ctx, client):
    make_staff()
    assert login(client, password="wrong").status_code == 401
    assert client.get("/").status_code == 302


def test_five_failures_lock_the_account_for_fifteen_minutes(ctx, client):
    make_staff()
    for _ in range(5):
        login(client, password="wrong")
    locked = Staff.get(Staff.username == "lan")
    assert locked.locked_until > utcnow() + dt.timedelta(minutes=14)
    response = login(client)
    assert response.status_code == 401 and "15" in response.get_data(as_text=True)
    Staff.update(locked_until=utcnow() - dt.timedelta(seconds=1)).execute()
    assert login(client).status_code == 302


def test_passwords_are_hashed_with_scrypt(ctx):
    assert make_staff().password_hash.startswith("scrypt:")


def test_login_without_csrf_token_is_refused(ctx, client):
    make_staff()
    response = client.post("/login", data={"username": "lan", "password": PASSWORD})
    assert response.status_code == 400


def test_a_form_without_csrf_token_is_refused(operator, client):
    case = make_case()
    response = client.post(f"/cases/{case.code}/note", data={"body": "x"})
    assert response.status_code == 400
    assert TimelineEntry.select().where(TimelineEntry.kind == "note").count() == 0


def test_session_cookie_is_httponly_and_samesite_lax(ctx, client):
    make_staff()
    cookie = login(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_behind_https(make_app):
    app = make_app(SANDBOX=False, PUBLIC_URL="https://oa.example.gov.vn")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_login_goes_back_to_a_local_page_only(ctx, client):
    make_staff()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login?next=//evil.example/x", data={
        "username": "lan", "password": PASSWORD, "csrf_token": csrf})
    assert response.location == "/"


def test_a_password_reset_ends_old_sessions(operator, client):
    Staff.update(password_hash="scrypt:changed").where(Staff.id == operator.id).execute()
    assert client.get("/").status_code == 302


def test_logout_ends_the_session(operator, client):
    assert post(client, "/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_staff_switch_to_english_and_it_is_remembered(operator, client):
    assert "Danh sách phản ánh" in client.get("/").get_data(as_text=True)
    post(client, "/locale", locale="en", next="/")
    assert "Inbox" in client.get("/").get_data(as_text=True)
    assert Staff.get_by_id(operator.id).locale == "en"


# --- inbox -----------------------------------------------------------------------------------

def test_inbox_filters_by_status_and_marks_overdue(operator, client):
    late = make_case(due_at=utcnow() - dt.timedelta(days=2, hours=1))
    fresh = make_case(description="Cây cần cắt tỉa", category="trees")
    lifecycle.change_status(fresh, "received")
    page = client.get("/?status=new").get_data(as_text=True)
    assert late.code in page and fresh.code not in page
    assert "quá hạn 2 ngày" in page
    page = client.get("/?due=overdue").get_data(as_text=True)
    assert late.code in page and fresh.code not in page


def test_inbox_finds_a_case_by_phone_written_locally(operator, client):
    case = make_case()
    other = make_case(user_id="u2", contact_phone="84900000000")
    page = client.get("/?q=0912 345 678").get_data(as_text=True)
    assert case.code in page and other.code not in page


# --- case page -------------------------------------------------------------------------------

def test_case_page_shows_citizen_text_as_text(operator, client):
    case = make_case(description="<script>alert('x')</script> cống bị nghẹt")
    page = client.get(f"/cases/{case.code}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; cống bị nghẹt" in page
    assert client.get("/cases/PA-0000-000000").status_code == 404


def test_case_page_maps_the_place_on_openstreetmap_by_default(operator, client):
    page = client.get(f"/cases/{make_case().code}").get_data(as_text=True)
    assert "10.77690, 106.70090" in page and "openstreetmap.org/?mlat=10.7769" in page
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in page
    assert 'data-attribution="© OpenStreetMap contributors"' in page


def case_page_with(make_app, **settings):
    """A case's page as an operator sees it in an app built with `settings`."""
    app = make_app(**settings)
    client = app.test_client()
    with app.app_context():
        make_staff()
        case = make_case()
    login(client)
    return client.get(f"/cases/{case.code}").get_data(as_text=True)


def test_case_page_shows_location_without_a_map_when_tiles_are_off(make_app):
    page = case_page_with(make_app, MAP_TILE_URL="off")
    assert "10.77690, 106.70090" in page and 'id="map"' not in page


def test_case_page_draws_a_map_when_tiles_are_set(make_app):
    page = case_page_with(make_app, MAP_TILE_URL="https://tiles.example/{z}/{x}/{y}.png")
    assert 'data-tiles="https://tiles.example/{z}/{x}/{y}.png"' in page
    assert "vendor/leaflet/leaflet.js" in page


def test_viewers_see_the_citizen_masked_and_no_actions(ctx, client):
    make_staff("xem", role="viewer")
    login(client, "xem")
    page = client.get(f"/cases/{make_case(contact_email='an@example.org').code}").get_data(
        as_text=True)
    assert "912345678" not in page and "0912 345 678" not in page and "0912 *** 678" in page
    assert "an@example.org" not in page and "a***@example.org" in page
    assert 'id="status-form"' not in page


def test_operators_see_the_citizen_phone_written_once_and_linked(operator, client):
    page = client.get(f"/cases/{make_case(contact_email='an@example.org').code}").get_data(
        as_text=True)
    assert "Nguyễn Văn An" in page
    assert '<a href="tel:+84912345678" id="contact-phone">0912 345 678</a>' in page
    assert '<a href="mailto:an@example.org" id="contact-email">an@example.org</a>' in page


def test_a_phone_that_is_not_vietnamese_is_shown_as_given_without_a_link(operator, client):
    page = client.get(f"/cases/{make_case(contact_phone='+44 20 7946 0958').code}").get_data(
        as_text=True)
    assert '<span id="contact-phone">+44 20 7946 0958</span>' in page and "tel:" not in page


def test_staff_see_what_a_partner_sent(operator, client):
    Category.update(questions=[
        {"code": "SIZE", "datatype": "singlevaluelist", "description": "Kích thước ổ gà",
         "values": [{"key": "small", "name": "Nhỏ"}, {"key": "big", "name": "Lớn"}]},
        {"code": "LANES", "datatype": "multivaluelist", "description": "Làn đường",
         "values": [{"key": "1", "name": "Làn trái"}, {"key": "2", "name": "Làn phải"}]}]).where(
        Category.slug == "roads").execute()
    case = make_case("roads", channel="open311", partner="FixMyStreet Việt Nam", citizen=None,
                     attributes={"SIZE": "big", "LANES": ["1", "2"], "uprn": "1002",
                                 "NOTE": ""})
    page = client.get(f"/cases/{case.code}").get_data(as_text=True)
    channel = re.search(r'<dd id="channel">(.*?)</dd>', page, re.S).group(1)
    assert "Qua ứng dụng đối tác" in channel
    assert '<span id="partner">FixMyStreet Việt Nam</span>' in channel
    answers = re.search(r'<dl class="answers" id="answers">(.*?)</dl>', page, re.S).group(1)
    assert re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", answers) == [
        ("Kích thước ổ gà", "Lớn"), ("Làn đường", "Làn trái, Làn phải"), ("uprn", "1002")]


def test_timeline_shows_each_message_with_its_delivery_state(operator, client):
    case = make_case()
    lifecycle.reply(case, operator, "Đã cử người kiểm tra")
    message = OutboxMessage.get(OutboxMessage.kind == "staff_reply")
    message.status, message.last_error = "failed", "-201: user not in window"
    message.save()
    page = client.get(f"/cases/{case.code}").get_data(as_text=True)
    assert "gửi lỗi — -201: user not in window" in page


# --- actions ---------------------------------------------------------------------------------

def test_status_change_queues_the_citizens_push(operator, client):
    case = make_case()
    response = post(client, f"/cases/{case.code}/status", status="received",
                    note="Đã nhận, sẽ xử lý trong ngày")
    assert response.status_code == 302
    assert Case.get_by_id(case.id).status == "received"
    pushed = OutboxMessage.get(OutboxMessage.kind == "status_received")
    assert "Đã nhận, sẽ xử lý trong ngày" in pushed.payload["text"]


def test_every_action_says_what_it_did(operator, client):
    case = make_case()
    page = client.get(f"/cases/{case.code}").get_data(as_text=True)
    # The status form starts with nothing chosen.
    assert '<option value="" selected disabled>— Chọn trạng thái —</option>' in page
    done = post(client, f"/cases/{case.code}/status", status="in_progress")
    shown = client.get(done.location).get_data(as_text=True)
    assert "Đã chuyển sang “Đang xử lý”, đã gửi cho người dân." in shown
    lighting = Department.get(Department.slug == "lighting")
    post(client, f"/cases/{case.code}/assign", department=str(lighting.id))
    assert "Không có gì thay đổi." in client.get(f"/cases/{case.code}").get_data(as_text=True)
    post(client, f"/cases/{case.code}/priority", priority="urgent")
    assert "Đã đặt ưu tiên: Khẩn." in client.get(f"/cases/{case.code}").get_data(as_text=True)
    post(client, f"/cases/{case.code}/note", body="gọi lại")
    assert "Đã thêm ghi chú nội bộ." in client.get(f"/cases/{case.code}").get_data(
        as_text=True)
    post(client, f"/cases/{case.code}/reply", body="Chúng tôi đang xử lý")
    assert "Đã gửi trả lời cho người dân." in client.get(f"/cases/{case.code}").get_data(
        as_text=True)


def test_the_case_page_speaks_in_words_not_codes(operator, client):
    case = make_case()
    lifecycle.change_status(case, "received", staff=operator)
    page = client.get(f"/cases/{case.code}").get_data(as_text=True)
    assert "0912 345 678" in page and 'href="tel:+84912345678"' in page
    assert "· Người dân</div>" in page and "Phường Bến Thành" in page
    assert "citizen</div>" not in page and "84912345678<" not in page


def test_only_allowed_statuses_are_offered(operator, client):
    page = client.get(f"/cases/{make_case().code}").get_data(as_text=True)
    offered = re.findall(r'<option value="(\w+)">', page.split('id="status-select"')[1]
                         .split("</select>")[0])
    assert offered == ["received", "assigned", "in_progress", "rejected", "duplicate"]


def test_a_disallowed_transition_is_refused_with_a_message(operator, client):
    case = make_case()
    response = post(client, f"/cases/{case.code}/status", status="closed")
    assert Case.get_by_id(case.id).status == "new"
    page = client.get(response.location).get_data(as_text=True)
    assert "Không thể chuyển sang trạng thái này" in page


def test_rejecting_needs_a_reason(operator, client):
    case = make_case()
    post(client, f"/cases/{case.code}/status", status="rejected", reason="  ")
    assert Case.get_by_id(case.id).status == "new"
    post(client, f"/cases/{case.code}/status", status="rejected", reason="Ngoài địa bàn")
    assert Case.get_by_id(case.id).reject_reason == "Ngoài địa bàn"


def test_resolving_with_an_after_photo_sends_its_public_url(operator, client, app):
    case = make_case(status="in_progress")
    response = client.post(f"/cases/{case.code}/status", data={
        "csrf_token": token(client), "status": "resolved",
        "after_photo": (io.BytesIO(png_bytes()), "after.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    photo = CasePhoto.get(CasePhoto.kind == "after")
    assert photo.url.startswith("http")
    assert client.get(photo.url.split("localhost", 1)[-1]).status_code == 200
    image = OutboxMessage.get(OutboxMessage.kind == "after_photo")
    assert photo.url in str(image.payload)


def test_a_file_that_is_no_image_is_refused(operator, client):
    case = make_case(status="in_progress")
    client.post(f"/cases/{case.code}/status", data={
        "csrf_token": token(client), "status": "resolved",
        "after_photo": (io.BytesIO(b"<html>"), "x.png")}, content_type="multipart/form-data")
    assert Case.get_by_id(case.id).status == "in_progress"


def test_a_duplicate_points_at_a_nearby_open_case(operator, client):
    first = make_case()
    second = make_case(user_id="u2", latitude=10.7770, longitude=106.7010)
    page = client.get(f"/cases/{second.code}").get_data(as_text=True)
    assert f'<option value="{first.code}">' in page
    post(client, f"/cases/{second.code}/status", status="duplicate", duplicate_of=first.code)
    assert Case.get_by_id(second.id).duplicate_of_id == first.id


def test_assign_priority_note_and_reply(operator, client):
    case = make_case()
    water = Department.get(Department.slug == "water")
    post(client, f"/cases/{case.code}/assign", department=str(water.id),
         assignee=str(operator.id))
    post(client, f"/cases/{case.code}/priority", priority="urgent")
    post(client, f"/cases/{case.code}/note", body="Gọi lại sau 5 giờ chiều")
    post(client, f"/cases/{case.code}/reply", body="Chúng tôi đã ghi nhận")
    case = Case.get_by_id(case.id)
    assert (case.department_id, case.assigned_to_id, case.status, case.priority) == \
        (water.id, operator.id, "assigned", "urgent")
    kinds = [e.kind for e in TimelineEntry.select().where(TimelineEntry.case == case)]
    assert {"assignment", "priority", "note", "reply"} <= set(kinds)
    assert not OutboxMessage.select().where(OutboxMessage.payload.contains("Gọi lại")).exists()
    assert OutboxMessage.select().where(OutboxMessage.kind == "staff_reply").exists()
    assert AuditLog.select().where(AuditLog.action == "set_priority").exists()


def test_canned_responses_are_filled_in_for_the_case(operator, client):
    from zalo_oa.models import CannedResponse

    case = make_case()
    CannedResponse.create(title="Đã nhận", body_vi="Phản ánh {code} ({category}) hạn {due_date}",
                          category=Category.get(Category.slug == "lighting"), status="new")
    CannedResponse.create(title="Khác lĩnh vực", body_vi="x",
                          category=Category.get(Category.slug == "trees"))
    page = client.get(f"/cases/{case.code}").get_data(as_text=True)
    assert f"Phản ánh {case.code} (Chiếu sáng công cộng) hạn" in page
    assert "Khác lĩnh vực" not in page


def test_viewers_cannot_change_anything(ctx, client):
    make_staff("xem", role="viewer")
    login(client, "xem")
    case = make_case()
    assert post(client, f"/cases/{case.code}/status", status="received").status_code == 403
    assert post(client, f"/cases/{case.code}/reply", body="x").status_code == 403
    assert Case.get_by_id(case.id).status == "new"


def test_department_staff_see_and_handle_only_their_cases(ctx, client):
    make_staff("den", role="department", department="lighting")
    login(client, "den")
    mine, theirs = make_case(), make_case(category="trees", description="Cây đổ")
    page = client.get("/").get_data(as_text=True)
    assert mine.code in page and theirs.code not in page
    assert client.get(f"/cases/{theirs.code}").status_code == 404
    assert post(client, f"/cases/{mine.code}/status", status="in_progress").status_code == 302
    assert Case.get_by_id(mine.id).status == "in_progress"


def test_both_languages_have_the_same_labels_and_none_shadows_a_dict_method():
    import json

    from zalo_oa.web.i18n import LABEL_DIR

    vi, en = (json.loads((LABEL_DIR / f"{name}.json").read_text(encoding="utf-8"))
              for name in ("vi", "en"))
    assert set(vi) == set(en)
    assert not set(vi) & set(dir(dict)), "T.<key> in a template would find the dict method"


def test_an_active_alert_shows_on_every_page_until_resolved(operator, client):
    from zalo_oa.models import Alert, utcnow

    alert = Alert.create(kind="token_refresh_failed", message="refresh token refused (-14014)")
    page = client.get("/").get_data(as_text=True)
    assert "refresh token refused (-14014)" in page and "zalo-oa token connect" in page
    Alert.update(resolved_at=utcnow()).where(Alert.id == alert.id).execute()
    assert "refresh token refused" not in client.get("/").get_data(as_text=True)
