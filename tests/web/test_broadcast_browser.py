"""An operator composes an announcement in headless chromium, picking wards by name, previews it
and schedules it."""
import pytest
from playwright.sync_api import expect

from tests.browser import check_page, log_in, screenshot_on_failure
from tests.factories import make_staff
from zalo_oa.models import Broadcast, Citizen, utcnow

pytestmark = pytest.mark.browser


def test_compose_by_ward_name_preview_schedule_and_progress(live_server_factory, page,
                                                            tmp_path):
    server = live_server_factory(with_scheduler=False)
    with server.app.app_context():
        make_staff("lan", role="operator")
        Citizen.insert_many([{"zalo_user_id": f"5{i:05d}", "is_follower": True,
                              "area_code": "26743" if i < 7 else "26740",
                              "last_interaction_at": utcnow()} for i in range(10)]).execute()
    with screenshot_on_failure(page, tmp_path):
        page.set_default_timeout(10_000)
        log_in(page, server, "lan")
        page.goto(f"{server.url}/broadcasts/compose")
        page.fill("#title", "Cúp nước")
        page.fill("#body", "Phường Bến Thành cúp nước 8-12h")
        assert page.text_content("#counter") == "31"
        # A misspelt ward is named back with the ward it may be.
        page.fill("#area-search", "Bến Thàng")
        page.press("#area-search", "Enter")
        # Locator waits, not wait_for_function: the page's CSP forbids evaluating strings.
        expect(page.locator("#audience-unknown")).to_contain_text("Phường Bến Thành")
        page.click("#area-chips button")  # take it out again
        # Picking from the ward list (the browser's own search) adds a chip; the size follows.
        page.fill("#area-search", "Phường Bến Thành")
        page.dispatch_event("#area-search", "change")
        page.locator("#area-chips li", has_text="Phường Bến Thành").wait_for()
        expect(page.locator("#audience-size")).to_have_text("7")
        assert page.input_value("#area-search") == ""
        page.fill("#topic-filter", "cây")
        assert page.is_visible("#topic-list label:has-text('Cây xanh')")
        assert not page.is_visible("#topic-list label:has-text('Chiếu sáng công cộng')")
        assert check_page(page, "broadcast-compose-by-name") == []
        page.click("#preview")
        assert "Phường Bến Thành cúp nước" in page.text_content("#bubble")
        assert page.text_content("#size") == "7"
        assert "Phường Bến Thành" in page.text_content("#audience-summary")
        page.fill("#at", "2030-01-02T09:00")
        page.click("#schedule")
        page.wait_for_selector("#progress")
        assert "2030" in page.text_content("#status")
    with server.app.app_context():
        item = Broadcast.get()
        assert item.status == "scheduled" and item.audience["areas"] == ["26743"]
