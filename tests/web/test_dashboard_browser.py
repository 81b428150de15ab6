"""The dashboard in headless chromium against a live server: an operator handles a case that a
citizen reported through the sandbox, from arrival to the citizen's Zalo inbox."""
import re

import pytest
import requests

from tests.browser import log_in, page, screenshot_on_failure
from tests.factories import make_case, make_staff
from tests.sandbox_helpers import TIMEOUT, wait_for
from zalo_oa.models import Case

__all__ = ["page"]  # the fixture, imported so pytest finds it

pytestmark = pytest.mark.browser

USER = "dash-citizen"
DESCRIPTION = "Đèn đường tắt <script>window.__xss = 1</script> trước số 12 Lê Lợi"


class SandboxCitizen:
    """A citizen acting through the sandbox, reading what the OA sent them."""

    def __init__(self, server, user_id=USER):
        self.base = f"{server.url}/sandbox/citizens/{user_id}"

    def inbox(self):
        return requests.get(f"{self.base}/messages", timeout=TIMEOUT).json()

    def texts(self):
        return "\n".join(m["payload"]["message"].get("text", "") for m in self.inbox())

    def say(self, text):
        """Send `text` and wait for the bot's next answer."""
        before = len(self.inbox())
        response = requests.post(f"{self.base}/events", timeout=TIMEOUT,
                                 json={"event_name": "user_send_text", "text": text})
        assert response.json()["webhook_status"] == 200
        assert wait_for(lambda: len(self.inbox()) > before), f"no answer to {text!r}"

    def received(self, fragment):
        return wait_for(lambda: fragment in self.texts(), timeout=10)


def report(citizen):
    """Report a broken street light through the guided dialogue; return its tracking code."""
    # The description names the place; the category's extra question is skipped.
    for text in ("Phản ánh mới", "Chiếu sáng công cộng", DESCRIPTION, "Bỏ qua", "Bỏ qua",
                 "Bỏ qua", "Gửi"):
        citizen.say(text)
    assert wait_for(lambda: re.search(r"PA-\d{4}-\d{6}", citizen.texts()))
    return re.findall(r"PA-\d{4}-\d{6}", citizen.texts())[-1]


def test_operator_handles_a_reported_case_and_the_citizen_hears_of_it(page, live_server,
                                                                        tmp_path):
    with live_server.app.app_context():
        make_staff("lan", role="operator")
    citizen = SandboxCitizen(live_server)
    code = report(citizen)
    with screenshot_on_failure(page, tmp_path):
        log_in(page, live_server, "lan")
        page.select_option("select[name=category]", label="Chiếu sáng công cộng")
        page.select_option("select[name=due]", value="")
        page.click("#filters button[type=submit]")
        page.locator(f"tr[data-code='{code}']").wait_for(timeout=5000)
        page.click(f"a:text('{code}')")

        assert page.inner_text("#description") == DESCRIPTION
        assert page.evaluate("window.__xss") is None

        page.select_option("#status-select", "received")
        page.fill("textarea[name=note]", "Đội chiếu sáng sẽ đến trong hôm nay")
        page.click("#status-submit")
        assert page.get_attribute("#case-status", "data-status") == "received"
        assert citizen.received("Đội chiếu sáng sẽ đến trong hôm nay")

        page.fill("#reply-body", "Anh/chị vui lòng giữ máy, cán bộ sẽ gọi lại")
        page.click("#reply-form button")
        assert citizen.received("cán bộ sẽ gọi lại")

        page.click("#take-over")
        page.locator("#chat-form").wait_for(timeout=5000)
        requests.post(f"{citizen.base}/events", timeout=TIMEOUT,
                      json={"event_name": "user_send_text", "text": "Đèn vẫn tắt <b>ạ</b>"})
        page.locator(".bubble.them", has_text="Đèn vẫn tắt <b>ạ</b>").wait_for(timeout=8000)
        page.fill("#chat-text", "Cảm ơn anh, đội đang trên đường tới")
        page.click("#chat-form button")
        assert citizen.received("đội đang trên đường tới")
        page.locator(".bubble.us", has_text="đội đang trên đường tới").wait_for(timeout=5000)
        page.click("#hand-back")
        page.locator("#take-over").wait_for(timeout=5000)
    with live_server.app.app_context():
        assert Case.get(Case.code == code).status == "received"


def test_viewer_cannot_change_anything_and_forms_need_their_token(page, live_server_factory,
                                                                  tmp_path):
    server = live_server_factory(with_scheduler=False)
    with server.app.app_context():
        make_staff("xem", role="viewer")
        make_staff("lan", role="operator")
        code = make_case().code
    with screenshot_on_failure(page, tmp_path):
        log_in(page, server, "xem")
        page.goto(f"{server.url}/cases/{code}")
        assert page.locator("#status-form, #reply-form, #take-over").count() == 0
        csrf = page.get_attribute("input[name=csrf_token]", "value")
        refused = page.request.post(f"{server.url}/cases/{code}/status",
                                    form={"csrf_token": csrf, "status": "received"})
        assert refused.status == 403

        page.context.clear_cookies()
        log_in(page, server, "lan")
        page.goto(f"{server.url}/cases/{code}")
        page.evaluate("document.querySelector('#note-form input[name=csrf_token]').remove()")
        page.fill("#note-form textarea", "ghi chú")
        with page.expect_navigation():
            page.click("#note-form button")
        assert "CSRF" in page.content()
    with server.app.app_context():
        assert Case.get(Case.code == code).status == "new"
