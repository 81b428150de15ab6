"""Every staff page (and the public and sandbox pages) in headless chromium at desktop
(1366 x 900) and phone (390 x 844) widths: it fits the window without sideways scrolling, axe-core
finds no WCAG 2.0/2.1 A or AA violation, and a screenshot is kept under test-artefacts/."""
import pytest

from tests.browser import (
    NARROWEST,
    WIDEST_PHONE,
    check_page,
    log_in,
    overflow,
    widest_elements,
)
from tests.factories import make_case, make_staff
from zalo_oa import audit
from zalo_oa.broadcasts import service
from zalo_oa.cases import lifecycle
from zalo_oa.models import CannedResponse, Citizen, PartnerKey, Staff, utcnow

pytestmark = pytest.mark.browser


def scene(server):
    """An admin, a busy case with a long description, a broadcast and a bit of everything."""
    with server.app.app_context():
        admin = make_staff("admin", role="admin")
        make_staff("lan", role="operator")
        case = make_case(description="Đèn đường tắt cả tuần " * 20)
        make_case("trees", description="Cây đổ chắn ngang đường Nguyễn Huệ", user_id="u2")
        lifecycle.change_status(case, "received", staff=admin, note="Đã tiếp nhận")
        lifecycle.add_note(case, admin, "Gọi lại cho người dân")
        Citizen.update(phone="84912345678").where(Citizen.zalo_user_id == "u1").execute()
        CannedResponse.create(title="Cảm ơn", body_vi="Cảm ơn anh/chị đã phản ánh {code}.")
        PartnerKey.create(name="FixMyStreet", key="k" * 32)
        item = service.save_draft({"title": "Cúp nước", "body": "Phường Bến Thành cúp nước",
                                   "audience": {"areas": ["26743"]}}, admin)
        audit.record(admin, "staff_create", "lan", role="operator")
        return {"code": case.code, "broadcast": item.id,
                "staff": Staff.get(Staff.username == "lan").id, "now": utcnow()}


def pages(data):
    """(name, path) of every page an admin opens."""
    return [("inbox", "/"), ("case", f"/cases/{data['code']}"), ("stats", "/stats"),
            ("broadcasts", "/broadcasts"), ("broadcast-compose", "/broadcasts/compose"),
            ("broadcast-review", f"/broadcasts/review?id={data['broadcast']}"),
            ("broadcast-progress", f"/broadcasts/progress?id={data['broadcast']}"),
            ("admin-staff", "/admin/staff"), ("admin-staff-edit", f"/admin/staff/{data['staff']}"),
            ("admin-categories", "/admin/categories"), ("admin-canned", "/admin/canned"),
            ("admin-templates", "/admin/templates"),
            ("admin-template-edit", "/admin/templates/vi/confirm"),
            ("admin-audit", "/admin/audit"), ("partner-keys", "/admin/partner-keys"),
            ("new-case", "/cases/new"), ("password", "/account/password"),
            ("public-case", f"/p/{data['code']}"), ("not-found", "/p/PA-0000-000000")]


def test_every_page_fits_both_widths_and_passes_axe(live_server_factory, page):
    server = live_server_factory(with_scheduler=False)
    data = scene(server)
    problems = []
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/login")
    problems += check_page(page, "login")
    log_in(page, server, "admin")
    for name, path in pages(data):
        page.goto(server.url + path)
        problems += check_page(page, name)
        for size in (NARROWEST, WIDEST_PHONE):  # every phone from 360 to 414 px
            page.set_viewport_size(size)
            page.wait_for_timeout(50)
            if overflow(page) > 0:
                problems.append(f"{name} @{size['width']}: {overflow(page)}px too wide "
                                f"({widest_elements(page)})")
    page.goto(f"{server.url}/admin/templates/vi/confirm")
    assert page.locator("#preview-bubble .zalo-button").count() == 4  # Gửi, … Hủy
    page.goto(f"{server.url}/sandbox/phone")
    problems += check_page(page, "sandbox-phone")
    assert problems == [], "\n".join(problems)
