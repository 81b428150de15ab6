"""The dashboard in headless chromium against a live server: an operator handles a case that a
citizen reported through the sandbox, from arrival to the citizen's Zalo inbox; live chat with a
citizen who has two cases; a case filed for a caller reaches them in Zalo by their phone."""
import re

import pytest
import requests

from tests.browser import check_page, log_in, screenshot_on_failure
from tests.factories import make_case, make_staff
from tests.sandbox_helpers import TIMEOUT, citizen_event, wait_for
from zalo_oa.models import Case, Citizen

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

        assert page.input_value("#status-select") == ""  # nothing looks chosen already
        page.select_option("#status-select", "received")
        page.fill("textarea[name=note]", "Đội chiếu sáng sẽ đến trong hôm nay")
        page.click("#status-submit")
        assert page.get_attribute("#case-status", "data-status") == "received"
        assert "Đã chuyển sang “Đã tiếp nhận”, đã gửi cho người dân." in \
            page.inner_text(".flash.done")
        assert citizen.received("Đội chiếu sáng sẽ đến trong hôm nay")

        page.fill("#reply-body", "Anh/chị vui lòng giữ máy, cán bộ sẽ gọi lại")
        page.click("#reply-form button")
        assert citizen.received("cán bộ sẽ gọi lại")
        assert page.locator(".flash.done", has_text="Đã gửi trả lời").count() == 1

        page.click("#take-over")
        page.locator("#chat-form").wait_for(timeout=5000)
        page.locator(".bubble.event").first.wait_for(timeout=5000)
        assert check_page(page, "case-with-chat") == []
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


def test_live_chat_with_a_two_case_citizen_stays_on_the_taken_over_case(page, live_server,
                                                                        tmp_path):
    with live_server.app.app_context():
        make_staff("lan", role="operator")
        older = make_case(user_id=USER).code
        newer = make_case("trees", description="Cây đổ chắn ngang hẻm 12", user_id=USER).code
    with screenshot_on_failure(page, tmp_path):
        log_in(page, live_server, "lan")
        page.goto(f"{live_server.url}/cases/{older}")
        page.click("#take-over")
        page.locator("#chat-form").wait_for(timeout=5000)
        assert citizen_event(live_server, USER, event_name="user_send_text",
                             text="Đèn vẫn chưa sáng, anh ơi").json()["webhook_status"] == 200
        page.locator(".bubble.them", has_text="Đèn vẫn chưa sáng").wait_for(timeout=8000)
        page.fill("#chat-text", "Em báo đội đèn ngay ạ")
        page.click("#chat-form button")
        page.locator(".bubble.us", has_text="Em báo đội đèn ngay").wait_for(timeout=5000)

        page.goto(f"{live_server.url}/cases/{newer}")
        assert older in page.inner_text("#handoff-state")
        page.wait_for_timeout(2500)  # a poll of the chat has come and gone
        assert page.locator(".bubble.them").count() == 0
        assert page.locator("#chat-form").count() == 0
        page.click(f"#handoff-state a:text('{older}')")
        page.locator("#hand-back").click()
        page.locator("#take-over").wait_for(timeout=5000)
        page.locator(".bubble.event", has_text="Trả lại trợ lý").wait_for(timeout=5000)


def test_a_case_filed_for_a_caller_reaches_their_zalo_by_their_phone(page, live_server,
                                                                      tmp_path):
    """The caller follows the OA and once shared their phone in chat; the operator files their
    report from the hotline, and it reaches their Zalo; so does the next status change."""
    with live_server.app.app_context():
        make_staff("lan", role="operator")
    caller = SandboxCitizen(live_server, "hotline-caller")
    for event in ({"event_name": "follow"},
                  {"event_name": "user_submit_info", "name": "Chị Hoa", "phone": "0977123456"}):
        assert citizen_event(live_server, "hotline-caller", **event).status_code == 200
    with live_server.app.app_context():
        assert wait_for(lambda: Citizen.get_or_none(Citizen.phone == "84977123456"))
    with screenshot_on_failure(page, tmp_path):
        log_in(page, live_server, "lan")
        page.click("nav.menu a:text('Tạo phản ánh')")
        page.check("input[name=channel][value=hotline]")
        page.select_option("#category", label="Chiếu sáng công cộng")
        page.fill("#new-description", "Đèn đường trước số 40 Pasteur chập chờn cả tuần")
        page.fill("#address", "40 Pasteur, phường Bến Thành")
        page.locator("#ward-hint", has_text="Phường Bến Thành").wait_for(timeout=5000)
        page.fill("input[name=name]", "Chị Hoa")
        page.fill("#phone", "0977 123 456")
        page.check("#consent")
        assert check_page(page, "new-case-filled") == []
        page.click("#create-case")
        page.wait_for_url(re.compile(r".*/cases/PA-\d{4}-\d{6}$"))
        code = page.url.rsplit("/", 1)[1]
        assert "liên kết với tài khoản Zalo" in page.inner_text(".flash.done")
        assert caller.received(code)
        page.select_option("#status-select", "received")
        page.click("#status-submit")
        assert caller.received(f"Phản ánh {code} đã được tiếp nhận")
    with live_server.app.app_context():
        case = Case.get(Case.code == code)
        assert case.channel == "hotline" and case.citizen.zalo_user_id == "hotline-caller"
