"""The sandbox phone page in headless chromium: chat, buttons, location, photos, shared info."""
import pytest
import requests

from tests.browser import page, screenshot_on_failure
from tests.sandbox_helpers import TIMEOUT, inbound_event, png_bytes, send_cs, wait_for

__all__ = ["page"]  # the fixture, imported so pytest finds it

pytestmark = pytest.mark.browser

USER = "browser-citizen-1"


def sent_events(server, event_name):
    """This citizen's events of one kind that the webhook accepted."""
    items = requests.get(f"{server.url}/sandbox/citizens/{USER}/events", timeout=TIMEOUT).json()
    return [i["event"] for i in items if i["event_name"] == event_name
            and i["webhook_status"] == 200]


def event_with_text(server, text):
    """The accepted user_send_text event with this text, or None."""
    return next((e for e in sent_events(server, "user_send_text")
                 if e["message"]["text"] == text), None)


def open_phone(page, server):
    """Open the phone page as USER and follow the OA."""
    page.goto(f"{server.url}/sandbox/phone")
    page.fill("#user-id", USER)
    page.fill("#display-name", "Chị Ba")
    page.click("#use-user")
    page.click("#follow-btn")
    page.locator(".system").first.wait_for(timeout=10_000)
    assert wait_for(lambda: sent_events(server, "follow"))


def test_citizen_chats_and_taps_an_oa_button(page, live_server, tmp_path):
    with screenshot_on_failure(page, tmp_path):
        open_phone(page, live_server)
        page.fill("#text", "Đèn đường hỏng ở Lê Lợi")
        page.click("#send-btn")
        page.locator(".bubble.me", has_text="Đèn đường hỏng ở Lê Lợi").wait_for(timeout=10_000)
        sent = wait_for(lambda: event_with_text(live_server, "Đèn đường hỏng ở Lê Lợi"))
        assert inbound_event(live_server, sent["message"]["msg_id"]) is not None

        text = "Chọn một\n<script>window.__xss = 1</script><b>đậm</b>"
        buttons = [{"title": "Có", "type": "oa.query.show", "payload": "#yes"},
                   {"title": "Không", "type": "oa.query.show", "payload": "#no"}]
        answer = send_cs(live_server, USER, {"text": text, "attachment": {
            "type": "template", "payload": {"buttons": buttons}}})
        assert answer["error"] == 0
        bubble = page.locator(".bubble.oa", has_text="Chọn một")
        bubble.wait_for(timeout=10_000)
        assert bubble.locator(".text").inner_text() == text
        assert page.locator("#chat script, #chat b").count() == 0
        assert page.evaluate("window.__xss") is None

        bubble.get_by_role("button", name="Không").click()
        tapped = wait_for(lambda: event_with_text(live_server, "#no"))
        assert tapped is not None
        assert wait_for(lambda: inbound_event(live_server, tapped["message"]["msg_id"]))


def test_citizen_shares_location_photos_and_info(page, live_server, tmp_path):
    with screenshot_on_failure(page, tmp_path):
        open_phone(page, live_server)
        page.click("#location-btn")
        assert page.input_value("#lat") == "10.7769"
        page.click("#send-location")
        located = wait_for(lambda: sent_events(live_server, "user_send_location"))
        coordinates = located[0]["message"]["attachments"][0]["payload"]["coordinates"]
        assert coordinates == {"latitude": "10.7769", "longitude": "106.7009"}

        photos = [{"name": f"p{n}.png", "mimeType": "image/png", "buffer": png_bytes()}
                  for n in range(2)]
        page.set_input_files("#photo-input", photos)
        images = wait_for(lambda: sent_events(live_server, "user_send_image"))
        assert len(images) == 1 and len(images[0]["message"]["attachments"]) == 2
        page.locator(".bubble.me img").nth(1).wait_for(timeout=10_000)

        card = {"attachment": {"type": "template", "payload": {
            "template_type": "request_user_info", "elements": [{
                "title": "Chia sẻ thông tin", "subtitle": "Để cán bộ liên hệ",
                "image_url": f"{live_server.url}/static/sandbox/avatar.svg"}]}}}
        assert send_cs(live_server, USER, card)["error"] == 0
        page.locator(".share-info").click(timeout=10_000)
        page.fill("#info-name", "Trần Thị Ba")
        page.fill("#info-phone", "0912345678")
        page.click("#info-send")
        shared = wait_for(lambda: sent_events(live_server, "user_submit_info"))
        assert shared[0]["info"]["phone"] == "84912345678"
        assert shared[0]["info"]["name"] == "Trần Thị Ba"
