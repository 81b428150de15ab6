"""An operator composes an announcement in headless chromium, previews it and schedules it."""
import pytest
from playwright.sync_api import expect

from tests.browser import log_in, page, screenshot_on_failure
from tests.factories import make_staff
from zalo_oa.models import Broadcast, Citizen, utcnow

__all__ = ["page"]  # the fixture, imported so pytest finds it

pytestmark = pytest.mark.browser


def test_compose_preview_schedule_and_progress(live_server_factory, page, tmp_path):
    server = live_server_factory(with_scheduler=False)
    with server.app.app_context():
        make_staff("lan", role="operator")
        Citizen.insert_many([{"zalo_user_id": f"5{i:05d}", "is_follower": True,
                              "area_code": "26734", "last_interaction_at": utcnow()}
                             for i in range(7)]).execute()
    with screenshot_on_failure(page, tmp_path):
        page.set_default_timeout(10_000)
        log_in(page, server, "lan")
        page.goto(f"{server.url}/broadcasts/compose")
        page.fill("#title", "Cúp nước")
        page.fill("#body", "Phường Bến Thành cúp nước 8-12h")
        assert page.text_content("#counter") == "31"
        page.fill("input[name=areas]", "26734")
        # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
        expect(page.locator("#audience-size")).to_have_text("7")
        page.click("#preview")
        assert "Phường Bến Thành cúp nước" in page.text_content("#bubble")
        assert page.text_content("#size") == "7"
        page.fill("#at", "2030-01-02T09:00")
        page.click("#schedule")
        page.wait_for_selector("#progress")
        assert "2030" in page.text_content("#status")
    with server.app.app_context():
        assert Broadcast.get().status == "scheduled"
