"""Admin pages: staff accounts, categories, canned replies, message texts with preview, audit."""
import pytest

from tests.factories import PASSWORD, login, make_staff, post
from zalo_oa.delivery import messages
from zalo_oa.models import AuditLog, CannedResponse, Category, Department, Staff, TemplateText


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
    assert CannedResponse.get().body_vi == "Mã {code}"


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


def test_audit_log_lists_staff_actions(admin, client):
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "login" in page and "root" in page
