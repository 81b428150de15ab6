"""Each event family, from a sample payload through the webhook and the worker's handling."""
import datetime as dt

import pytest

from tests.factories import load_payload
from tests.signing import deliver
from zalo_oa import handlers
from zalo_oa.models import Case, Citizen, Conversation, InboundEvent, OutboxMessage, utcnow

USER = "2468000000000000001"


@pytest.fixture
def handle(app, client):
    """Deliver sample payloads through the webhook, then run the worker's event pass."""

    def run(*names, **changes):
        for name in names:
            payload = load_payload(f"{name}.json") if isinstance(name, str) else name
            payload.update(changes)
            assert deliver(client, app, payload).status_code == 200
        with app.app_context():
            handlers.process_pending()

    with app.app_context():
        yield run


def citizen():
    return Citizen.get(Citizen.zalo_user_id == USER)


def queued_kinds():
    return [m.kind for m in OutboxMessage.select().order_by(OutboxMessage.id)]


def event_statuses():
    return [(e.event_name, e.status) for e in InboundEvent.select().order_by(InboundEvent.id)]


def test_follow_marks_a_follower_and_welcomes_them(handle):
    handle("follow")
    assert citizen().is_follower
    assert citizen().last_interaction_at == dt.datetime(2025, 11, 30, 6, 0)
    assert queued_kinds() == ["welcome"]


def test_unfollow_clears_the_follower_flag_without_a_reply(handle):
    handle("follow", "unfollow")
    assert not citizen().is_follower
    assert citizen().unfollowed_at is not None
    assert queued_kinds() == ["welcome"]


def test_chatnow_counts_as_an_interaction_and_greets(handle):
    handle("user_click_chatnow")
    assert citizen().last_interaction_at is not None
    assert queued_kinds() == ["welcome"]


def test_text_starts_a_report_and_moves_the_window_clock(handle):
    handle("user_send_text")
    state = Conversation.get(Conversation.citizen == citizen())
    assert (state.draft["step"], state.draft["category"]) == ("location", "lighting")
    assert state.draft["description"].startswith("Đèn đường")
    assert state.remind_at is not None and state.expire_at is not None
    assert citizen().last_interaction_at == dt.datetime(2025, 11, 30, 6, 0)
    assert queued_kinds() == ["report_understood", "ask_location"]


def test_one_event_with_several_images_adds_every_photo(handle):
    handle("user_send_image_multi")
    draft = Conversation.get(Conversation.citizen == citizen()).draft
    assert draft["photos"] == ["https://photo-stal-1.zdn.vn/a.jpg",
                               "https://photo-stal-1.zdn.vn/b.jpg"]


def test_location_with_string_coordinates_fills_the_slot(handle):
    handle("user_send_location")
    draft = Conversation.get(Conversation.citizen == citizen()).draft
    assert draft["location"]["latitude"] == pytest.approx(10.7642473)
    assert draft["location"]["longitude"] == pytest.approx(106.6564314)


def test_location_without_coordinates_gets_a_helpful_reply(handle):
    payload = load_payload("user_send_location.json")
    payload["message"]["attachments"][0]["payload"] = {"coordinates": {"latitude": "abc"}}
    handle("user_send_text", payload)
    assert queued_kinds()[-2:] == ["unexpected_input", "ask_location"]


@pytest.mark.parametrize("name", ["user_send_sticker", "user_send_business_card"])
def test_inputs_without_a_slot_get_a_reply_that_says_what_to_do(handle, name):
    handle(name)
    assert queued_kinds() == ["unexpected_idle"]


@pytest.mark.parametrize("name, phone, address", [
    ("user_submit_info_nested", "84912345678", "12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh"),
    ("user_submit_info_flat", "84987654321", "34 Nguyễn Huệ, Bến Nghé, Quận 1, Hồ Chí Minh"),
])
def test_submit_info_is_read_in_both_shapes(handle, name, phone, address):
    handle(name)
    assert citizen().phone == phone
    assert citizen().address == address
    assert citizen().name


def test_submit_info_during_a_report_fills_its_contact(handle):
    handle("user_send_text")
    handle("user_submit_info_nested")
    draft = Conversation.get(Conversation.citizen == citizen()).draft
    assert draft["contact"] == {"name": "Nguyễn Văn An", "phone": "84912345678"}


def test_receipts_mark_our_messages_delivered_and_seen(handle):
    handle("follow")
    OutboxMessage.update(zalo_message_id="OA_MSG_1", status="sent").execute()
    handle("user_received_message")
    message = OutboxMessage.get()
    assert message.delivered_at is not None and message.seen_at is None
    handle("user_seen_message")
    assert OutboxMessage.get().seen_at is not None


def test_oa_echoes_are_recorded_and_never_answered(handle):
    handle("oa_send_text", "oa_send_text_by_admin")
    assert event_statuses() == [("oa_send_text", "done"), ("oa_send_text", "done")]
    assert queued_kinds() == []


def test_reaction_is_recorded_without_reply(handle):
    handle("user_reacted_message")
    assert event_statuses() == [("user_reacted_message", "done")]
    assert queued_kinds() == []


def test_tag_events_keep_the_citizen_tags(handle):
    handle("follow", "add_user_to_tag")
    assert citizen().tags == ["Phường Sài Gòn"]
    handle("remove_user_from_tag")
    assert citizen().tags == []


def test_withdrawal_erases_personal_data_and_keeps_cases_anonymised(handle, app):
    handle("user_submit_info_nested")
    case = Case.create(citizen=citizen(), category=1, description="Cây đổ trên đường",
                       contact_name="Nguyễn Văn An", contact_phone="84912345678",
                       contact_email="an@example.org")
    handle("user_send_text")
    OutboxMessage.update(status="sent").execute()
    handle("user_withdraw")
    erased = citizen()
    assert (erased.name, erased.phone, erased.address) == (None, None, None)
    assert erased.withdrawn_at is not None
    assert Conversation.select().count() == 0
    kept = Case.get_by_id(case.id)
    assert (kept.contact_name, kept.contact_phone, kept.contact_email) == (None, None, None)
    recorded = InboundEvent.get(InboundEvent.event_name == "user_submit_info")
    assert "84912345678" not in recorded.payload
    assert all(m.payload == {"erased": True} for m in OutboxMessage.select())


def test_unknown_events_are_acknowledged_and_marked_ignored(handle):
    handle("unknown_event")
    assert event_statuses() == [("shop_has_order", "ignored")]


def test_a_failing_handler_is_retried_then_parked_and_later_events_then_run(handle, monkeypatch):
    from zalo_oa import handlers

    def broken(event):
        raise RuntimeError("bug in a handler")

    monkeypatch.setitem(handlers.REGISTRY, "user_send_sticker", broken)
    handle("user_send_sticker", "user_send_text")
    assert event_statuses() == [("user_send_sticker", "retry"), ("user_send_text", "pending")]
    for _ in range(3):  # each retry made due at once
        (InboundEvent.update(next_try_at=utcnow() - dt.timedelta(seconds=1))
         .where(InboundEvent.status == "retry").execute())
        handlers.process_pending()
    assert event_statuses() == [("user_send_sticker", "parked"), ("user_send_text", "done")]
    assert "bug in a handler" in InboundEvent.get(InboundEvent.event_name ==
                                                  "user_send_sticker").error
    assert queued_kinds() == ["report_understood", "ask_location"]


def test_events_of_one_citizen_are_handled_oldest_first(app, client):
    with app.app_context():
        texts = ["Phản ánh mới", "Cây xanh", "Cây đổ chắn ngang đường Nguyễn Huệ"]
        for index, text in enumerate(texts):
            payload = load_payload("user_send_text.json")
            payload["message"] = {"msg_id": f"m{index}", "text": text}
            deliver(client, app, payload)
        assert handlers.process_pending() == 3
        draft = Conversation.get().draft
        # The description named the street: the location is taken from it.
        assert (draft["category"], draft["step"]) == ("trees", "photos")
        assert draft["location"]["address"] == "đường Nguyễn Huệ"


def test_an_event_timestamp_in_the_future_does_not_move_the_clock_past_now(handle):
    # A few minutes ahead (clock skew) is let in; further ahead is refused at the webhook.
    ahead = utcnow() + dt.timedelta(minutes=5)
    handle("follow", timestamp=str(int(ahead.replace(tzinfo=dt.UTC).timestamp() * 1000)))
    assert citizen().last_interaction_at <= utcnow()
