"""Admin pages: staff accounts, categories, canned replies, message texts with preview, audit."""
import pytest

from tests.factories import PASSWORD, login, make_case, make_staff, post
from zalo_oa import seed
from zalo_oa.cases import lifecycle
from zalo_oa.delivery import messages
from zalo_oa.models import AuditLog, CannedResponse, Category, Department, Staff, TemplateText
from zalo_oa.web import i18n, message_catalogue


@pytest.fixture
def admin(app, client):
    with app.app_context():
        staff = make_staff("root", role="admin")
        login(client, "root")
        yield staff


def test_admin_creates_a_department_account(admin, client):
    lighting = Department.get(Department.slug == "lighting")
    response = post(client, "/admin/staff", username="den", password="mật khẩu dài đủ",
                    name="Tổ đèn", role="department", department=str(lighting.id),
                    locale="vi", zalo_user_id="zalo-den")
    assert response.status_code == 302
    made = Staff.get(Staff.username == "den")
    assert (made.role, made.department_id, made.zalo_user_id) == \
        ("department", lighting.id, "zalo-den")
    assert made.password_hash.startswith("scrypt:")
    assert AuditLog.select().where(AuditLog.action == "staff_create").exists()


def test_reminder_contacts_are_kept_and_the_phone_shown_the_vietnamese_way(admin, client):
    lighting = Department.get(Department.slug == "lighting")
    post(client, "/admin/staff", username="den", password="mật khẩu dài đủ", name="Tổ đèn",
         role="department", department=str(lighting.id), locale="vi",
         email="to.den@city.example", phone="0912 345 678")
    made = Staff.get(Staff.username == "den")
    assert (made.email, made.phone) == ("to.den@city.example", "84912345678")
    page = client.get(f"/admin/staff/{made.id}").get_data(as_text=True)
    assert 'value="0912 345 678"' in page
    post(client, f"/admin/staff/{made.id}", name="Tổ đèn", role="department", locale="vi",
         department=str(lighting.id), active="1", email="không-phải-email", phone="12")
    assert Staff.get_by_id(made.id).email == "to.den@city.example"


def test_a_department_account_needs_a_department(admin, client):
    post(client, "/admin/staff", username="den", password="x" * 12, role="department",
         locale="vi")
    assert not Staff.select().where(Staff.username == "den").exists()


def test_admin_resets_a_password_and_unlocks(admin, client):
    member = make_staff("lan")
    Staff.update(failed_logins=3).where(Staff.id == member.id).execute()
    post(client, f"/admin/staff/{member.id}", role="operator", locale="vi", active="1",
         password="mật khẩu mới 2026")
    other = client.application.test_client()
    assert login(other, "lan", PASSWORD).status_code == 401
    assert login(other, "lan", "mật khẩu mới 2026").status_code == 302


def test_a_deactivated_account_cannot_log_in(admin, client):
    member = make_staff("lan")
    post(client, f"/admin/staff/{member.id}", role="operator", locale="vi")
    assert Staff.get_by_id(member.id).active is False
    assert login(client.application.test_client(), "lan").status_code == 401


def test_admins_cannot_lock_themselves_out(admin, client):
    post(client, f"/admin/staff/{admin.id}", role="viewer", locale="vi", active="1")
    assert Staff.get_by_id(admin.id).role == "admin"


def test_admin_sets_a_category_deadline(admin, client):
    trees = Category.get(Category.slug == "trees")
    post(client, f"/admin/categories/{trees.id}", deadline_days="1", update_every_days="2",
         urgent_hours="6", department=str(trees.department_id))
    trees = Category.get_by_id(trees.id)
    assert (trees.deadline_days, trees.update_every_days, trees.active) == (1, 2, False)
    assert trees.urgent_hours == 6


def test_admin_adds_a_canned_reply(admin, client):
    post(client, "/admin/canned", title="Đã nhận", body_vi="Mã {code}", status="new",
         active="1")
    assert CannedResponse.get(CannedResponse.title == "Đã nhận").body_vi == "Mã {code}"


def test_a_useful_set_of_canned_replies_is_seeded_once(admin, client):
    seeded = list(CannedResponse.select())
    general = [r for r in seeded if r.category_id is None]
    per_category = {r.category.slug for r in seeded if r.category_id}
    assert len(general) >= 3 and {"lighting", "water", "roads", "trees"} <= per_category
    assert all(r.body_en for r in seeded)
    # An admin's edits stay: loading the reference data again adds nothing.
    CannedResponse.delete().where(CannedResponse.id != seeded[0].id).execute()
    seed.load_reference_data()
    assert CannedResponse.select().count() == 1
    page = client.get("/admin/canned").get_data(as_text=True)
    assert seeded[0].title in page


def test_the_message_texts_are_grouped_by_moment_with_plain_names(admin, client):
    page = client.get("/admin/templates").get_data(as_text=True)
    for moment in ("Chào hỏi và menu", "Các bước phản ánh", "Xác nhận và tra cứu",
                   "Cập nhật trạng thái", "Theo dõi sau xử lý", "Thông báo và đăng ký"):
        assert moment in page
    assert "Tóm tắt để xác nhận" in page and "Hỏi đã khắc phục chưa" in page
    assert 'id="moment-other"' not in page  # every message has its moment


def test_every_message_text_has_one_moment_and_a_plain_name_in_both_languages():
    names = {p.stem for p in (messages.TEMPLATE_DIR / "vi").glob("*.txt")}
    placed = [n for _, listed in message_catalogue.MOMENTS for n in listed]
    assert sorted(placed) == sorted(names)
    for locale in ("vi", "en"):
        words = i18n.labels(locale)
        assert all(f"msg_{n}" in words and f"msg_{n}_when" in words for n in names), locale


def test_the_preview_shows_the_buttons_the_dialogue_really_sends(admin, client):
    confirm = client.get("/admin/templates/vi/confirm").get_data(as_text=True)
    for label in ("Gửi", "Gửi không công khai", "Sửa", "Hủy"):
        assert f'<div class="zalo-button">{label}</div>' in confirm
    welcome = client.get("/admin/templates/en/welcome").get_data(as_text=True)
    assert '<div class="zalo-button">New report</div>' in welcome
    category = Category.listed().first()
    asked = client.get("/admin/templates/vi/ask_category").get_data(as_text=True)
    assert f'<div class="zalo-button">{category.name_vi}</div>' in asked
    card = client.get("/admin/templates/vi/ask_contact").get_data(as_text=True)
    assert 'data-form="card"' in card


def test_template_preview_draws_the_message_with_its_buttons(admin, client):
    page = client.get("/admin/templates/vi/fixed_check").get_data(as_text=True)
    assert "PA-2611-000123" in page and "Đã khắc phục" in page and "zalo-button" in page


def test_a_saved_template_text_is_what_the_bot_sends(admin, client):
    post(client, "/admin/templates/vi/staff_reply", action="save",
         body="Trả lời {{ code }}: {{ text }} (Tổ 1022)")
    assert TemplateText.get().body.endswith("(Tổ 1022)")
    text = messages.render_text("staff_reply", {"code": "PA-1", "text": "ok"}, "vi")
    assert text == "Trả lời PA-1: ok (Tổ 1022)"
    post(client, "/admin/templates/vi/staff_reply", action="reset")
    assert messages.render_text("staff_reply", {"code": "PA-1", "text": "ok"}, "vi") \
        .startswith("Phản hồi về phản ánh PA-1")


def test_a_template_that_does_not_render_is_not_saved(admin, client):
    response = post(client, "/admin/templates/vi/staff_reply", action="save",
                    body="{{ code ")
    assert response.status_code == 400
    assert not TemplateText.select().exists()


def test_a_broken_override_falls_back_to_the_file(admin):
    TemplateText.create(locale="vi", name="staff_reply", body="{{ missing_param }}")
    messages.forget_overrides()
    text = messages.render_text("staff_reply", {"code": "PA-1", "text": "ok"}, "vi")
    assert text.startswith("Phản hồi về phản ánh PA-1")


def test_audit_log_lists_staff_actions_in_words(admin, client):
    case = make_case()
    lifecycle.change_status(case, "received", staff=admin)
    trees = Category.get(Category.slug == "trees")
    post(client, f"/admin/categories/{trees.id}", deadline_days="2", update_every_days="3",
         department=str(trees.department_id), active="1")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Đăng nhập" in page and "root" in page
    assert f"Đổi trạng thái {case.code}: Mới → Đã tiếp nhận" in page
    assert "Sửa lĩnh vực Cây xanh: hạn 2 ngày làm việc" in page
    assert "change_status" not in page and "old=" not in page


def test_weak_passwords_are_refused_with_the_reason(admin, client):
    for password, reason in (("abc", "ít nhất 10 ký tự"), ("password123", "quá phổ biến"),
                             ("1234567890", "quá phổ biến"), ("dragon2024!!", "quá phổ biến"),
                             ("den-den-den-2026", "tên đăng nhập")):
        response = post(client, "/admin/staff", username="den", password=password,
                        role="operator", locale="vi")
        assert response.status_code == 302
        assert reason in client.get("/admin/staff").get_data(as_text=True), password
        assert not Staff.select().where(Staff.username == "den").exists()


def test_an_account_an_admin_creates_must_choose_its_own_password(admin, client):
    post(client, "/admin/staff", username="lan", password="mưa rào chiều thứ bảy",
         role="operator", locale="vi")
    assert Staff.get(Staff.username == "lan").must_change_password
    colleague = client.application.test_client()
    login(colleague, "lan", "mưa rào chiều thứ bảy")
    answer = colleague.get("/")
    assert answer.status_code == 302 and answer.location.endswith("/account/password")
    assert "Đổi mật khẩu" in colleague.get("/account/password").get_data(as_text=True)


def test_every_message_text_previews_without_an_error(ctx):
    from zalo_oa.web import admin_templates

    for locale in messages.LOCALES:
        for name in admin_templates.template_names():
            body = admin_templates._file_body(locale, name)
            _, error = admin_templates.preview(body, locale, name)
            assert error is None, (locale, name, error)
