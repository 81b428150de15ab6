"""Idle drafts: one reminder after 30 minutes, dropped after 24 hours, each told to the citizen."""
import datetime as dt

import pytest

from tests.factories import load_payload
from tests.signing import deliver
from zalo_oa import handlers
from zalo_oa.intake import chat
from zalo_oa.models import Conversation, OutboxMessage, utcnow


@pytest.fixture
def draft(app, client):
    with app.app_context():
        deliver(client, app, load_payload("user_send_text.json"))
        handlers.process_pending()
        yield Conversation.get()


def kinds():
    return [m.kind for m in OutboxMessage.select().order_by(OutboxMessage.id)][2:]


def test_nothing_is_sent_before_thirty_minutes(draft):
    assert chat.remind_idle_drafts(utcnow() + dt.timedelta(minutes=29)) == 0
    assert kinds() == []


def test_one_reminder_after_thirty_minutes(draft):
    later = utcnow() + dt.timedelta(minutes=31)
    assert chat.remind_idle_drafts(later) == 1
    assert chat.remind_idle_drafts(later + dt.timedelta(minutes=31)) == 0
    assert kinds() == ["draft_reminder", "ask_location"]
    assert Conversation.get().draft is not None


def test_expiry_after_a_day_drops_the_draft_and_says_so(draft):
    assert chat.expire_idle_drafts(utcnow() + dt.timedelta(hours=23)) == 0
    assert chat.expire_idle_drafts(utcnow() + dt.timedelta(hours=24, minutes=1)) == 1
    state = Conversation.get()
    assert state.draft is None and state.expire_at is None and state.remind_at is None
    assert kinds() == ["draft_expired"]


def test_a_new_message_restarts_the_idle_clock(draft, app, client):
    payload = load_payload("user_send_text.json")
    payload["message"] = {"msg_id": "later-1", "text": "Cây xanh"}
    deliver(client, app, payload)
    handlers.process_pending()
    assert Conversation.get().remind_at > draft.remind_at
