"""What partners are told: `status_notes` is the staff's public note (else a phrase in the
jurisdiction's language), and mySociety's updates feed lists the public entries, JSON and XML,
behind an API key."""
import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_case, make_staff
from zalo_oa.cases import lifecycle
from zalo_oa.intake import handoff
from zalo_oa.models import TimelineEntry
from zalo_oa.open311 import partners

FEED = "/open311/v2/servicerequestupdates"


@pytest.fixture
def lan(ctx):
    return make_staff("lan", role="operator")


@pytest.fixture
def key(ctx):
    return partners.issue_key("FixMyStreet Việt Nam").key


def notes_of(client, case):
    data = client.get(f"/open311/v2/requests/{case.code}.json").get_json()
    return data[0]["status_notes"]


def test_status_notes_is_the_note_given_at_the_current_status(client, lan):
    case = make_case()
    lifecycle.change_status(case, "in_progress", staff=lan, note="Đang chờ vật tư thay thế")
    assert notes_of(client, case) == "Đang chờ vật tư thay thế"
    lifecycle.change_status(case, "resolved", staff=lan)
    # an older status's note no longer describes the case: the phrase stands in
    assert notes_of(client, case) == "Phản ánh đã được xử lý xong."
    lifecycle.reply(case, lan, "Đã thay 3 bóng đèn, mời anh chị kiểm tra")
    lifecycle.add_note(case, lan, "Nội bộ: hóa đơn vật tư số 12")
    assert notes_of(client, case) == "Đã thay 3 bóng đèn, mời anh chị kiểm tra"


def test_a_rejected_case_says_so_with_the_reason(client, lan):
    case = make_case()
    lifecycle.change_status(case, "rejected", staff=lan, reason="Ngoài địa bàn thành phố")
    assert notes_of(client, case) == "Phản ánh không được tiếp nhận. Lý do: Ngoài địa bàn thành phố"
    lifecycle.reply(case, lan, "Anh chị vui lòng liên hệ UBND tỉnh Bình Dương")
    assert notes_of(client, case) == ("Phản ánh không được tiếp nhận. Lý do: Ngoài địa bàn thành "
                                      "phố\nAnh chị vui lòng liên hệ UBND tỉnh Bình Dương")


def test_a_duplicate_names_the_case_it_repeats(client, lan):
    first, second = make_case(), make_case(user_id="u2")
    lifecycle.change_status(second, "duplicate", staff=lan, duplicate_of=first)
    said = notes_of(client, second)
    assert said.startswith("Phản ánh trùng với phản ánh") and first.code in said


def test_status_notes_in_english_where_that_is_the_jurisdictions_language(make_app):
    app = make_app(DEFAULT_LOCALE="en")
    with app.app_context():
        case = make_case()
        data = app.test_client().get(f"/open311/v2/requests/{case.code}.xml")
        assert ET.fromstring(data.data).findtext("request/status_notes") == \
            "The report has been recorded and is waiting to be received."


def feed(client, key, fmt="json", **params):
    response = client.get(f"{FEED}.{fmt}", query_string={"api_key": key, **params})
    assert response.status_code == 200, response.data
    return response


def test_the_feed_lists_public_entries_oldest_first_in_json(client, lan, key):
    case = make_case()
    lifecycle.change_status(case, "received", staff=lan)
    lifecycle.reply(case, lan, "Chúng tôi đã ghi nhận, sẽ kiểm tra trong hôm nay")
    lifecycle.add_note(case, lan, "Nội bộ: gọi đội 3")
    lifecycle.change_status(case, "rejected", staff=lan, reason="Không thuộc thẩm quyền")
    updates = feed(client, key).get_json()
    assert [(u["status"], u["external_status_code"]) for u in updates] == [
        ("open", "received"), ("open", "received"), ("no_further_action", "rejected")]
    assert [u["description"] for u in updates] == [
        "Phản ánh đã được tiếp nhận.", "Chúng tôi đã ghi nhận, sẽ kiểm tra trong hôm nay",
        "Phản ánh không được tiếp nhận. Lý do: Không thuộc thẩm quyền"]
    assert {u["service_request_id"] for u in updates} == {case.code}
    assert all(u["updated_datetime"].endswith("+07:00") and u["media_url"] == ""
               for u in updates)
    assert len({u["update_id"] for u in updates}) == 3


def test_the_feed_in_xml_uses_request_update_elements(client, lan, key):
    case = make_case()
    lifecycle.change_status(case, "in_progress", staff=lan, note="Đội 3 đang xử lý")
    root = ET.fromstring(feed(client, key, "xml").data)
    assert root.tag == "service_request_updates"
    update = root.find("request_update")
    assert {child.tag for child in update} >= {
        "update_id", "service_request_id", "status", "updated_datetime", "description",
        "media_url"}
    assert update.findtext("status") == "in_progress"
    assert update.findtext("description") == "Đội 3 đang xử lý"


def test_chat_internal_notes_and_private_cases_stay_out(client, lan, key):
    shown, hidden = make_case(), make_case(user_id="u2", is_public=False)
    lifecycle.change_status(hidden, "received", staff=lan, note="Không công khai")
    handoff.take_over(shown.citizen, lan)
    handoff.send_as_staff(shown.citizen, lan, "Chào anh An, số nhà anh là bao nhiêu?")
    lifecycle.add_note(shown, lan, "Nội bộ")
    assert TimelineEntry.select().where(TimelineEntry.public).count() >= 2
    assert feed(client, key).get_json() == []


def test_the_feed_window_is_inclusive_at_the_published_second(client, lan, key):
    case = make_case()
    entry = lifecycle.change_status(case, "received", staff=lan)
    TimelineEntry.update(created_at=dt.datetime(2026, 11, 20, 1, 2, 3, 900000)).where(
        TimelineEntry.id == entry.id).execute()
    published = "2026-11-20T08:02:03+07:00"

    def ids(**window):
        return [u["update_id"] for u in feed(client, key, **window).get_json()]

    assert ids(start_date=published, end_date=published) == [str(entry.id)]
    assert ids(start_date="2026-11-20T01:02:03Z", end_date="2026-11-20T01:02:03Z") == \
        [str(entry.id)]
    assert ids(start_date="2026-11-20T01:02:04Z", end_date="2026-11-20T02:00:00Z") == []
    assert ids(start_date="2026-11-20T00:00:00Z", end_date="2026-11-20T01:02:02Z") == []


def test_the_feed_is_key_protected_and_checks_the_jurisdiction(make_app):
    app = make_app(OPEN311_JURISDICTION="hcmc")
    client = app.test_client()
    with app.app_context():
        key = partners.issue_key("Cổng dịch vụ công")
        assert client.get(f"{FEED}.json").status_code == 403
        assert client.get(f"{FEED}.json?api_key={key.key}&jurisdiction_id=hanoi").status_code \
            == 404
        assert client.get(f"{FEED}.json?api_key={key.key}&jurisdiction_id=hcmc").status_code \
            == 200
        partners.revoke_key(key.id)
        refused = client.get(f"{FEED}.xml?api_key={key.key}")
        assert refused.status_code == 403
        assert ET.fromstring(refused.data).findtext("error/code") == "403"
