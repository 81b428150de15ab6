"""A citizen flooding the OA: every message recorded, at most N answered a minute, then one
"please wait" and silence until the minute has passed, and one alert for staff."""
import datetime as dt
import time

import pytest

from tests.factories import load_payload
from tests.signing import deliver
from zalo_oa import handlers
from zalo_oa.intake import throttle
from zalo_oa.intake.throttle import ANSWER, SILENT, WARN, Burst
from zalo_oa.models import Alert, InboundEvent, OutboxMessage

T0 = dt.datetime(2026, 11, 30, 8, 0)
LIMIT = 5


def test_the_first_n_of_a_minute_are_answered_then_one_warning_then_silence():
    burst, verdicts = Burst(None, 0), []
    for second in range(8):
        burst, verdict, _ = throttle.admit(burst, T0 + dt.timedelta(seconds=second), LIMIT)
        verdicts.append(verdict)
    assert verdicts == [ANSWER] * 5 + [WARN, SILENT, SILENT]
    burst, verdict, calmed = throttle.admit(burst, T0 + dt.timedelta(seconds=61), LIMIT)
    assert (verdict, calmed, burst) == (ANSWER, True, Burst(T0 + dt.timedelta(seconds=61), 1))


def test_a_quiet_citizen_never_ends_a_flood():
    _, verdict, calmed = throttle.admit(Burst(T0, 2), T0 + dt.timedelta(minutes=5), LIMIT)
    assert (verdict, calmed) == (ANSWER, False)


def test_a_clock_going_backwards_starts_a_new_window():
    burst, verdict, _ = throttle.admit(Burst(T0, 9), T0 - dt.timedelta(seconds=5), LIMIT)
    assert verdict == ANSWER and burst.count == 1


@pytest.fixture
def flood(make_app):
    app = make_app(CITIZEN_MESSAGES_PER_MINUTE=LIMIT)
    client = app.test_client()
    start = int(time.time() * 1000) - 120_000  # in the past: event times are never ahead of now

    def send(count, offset_ms=0):
        for n in range(count):
            payload = load_payload("user_send_text.json")
            payload["message"] = {"msg_id": f"flood-{offset_ms}-{n}", "text": "Trợ giúp"}
            payload["timestamp"] = str(start + offset_ms + n * 100)
            assert deliver(client, app, payload).status_code == 200
        with app.app_context():
            handlers.process_pending(limit=10_000)

    with app.app_context():
        yield send


def test_a_flood_is_recorded_but_answered_only_up_to_the_limit(flood):
    flood(200)
    assert InboundEvent.select().count() == 200
    assert {e.status for e in InboundEvent.select()} == {"done"}
    kinds = [m.kind for m in OutboxMessage.select().order_by(OutboxMessage.id)]
    assert kinds.count("slow_down") == 1 and kinds[-1] == "slow_down"
    assert len(kinds) <= LIMIT * 2 + 1  # the few answers (a reply or two each) and the warning
    [alert] = list(Alert.active())
    assert alert.kind.startswith("citizen_flood:") and "2468000000000000001" in alert.message


def test_answers_resume_after_the_minute_and_the_alert_closes(flood):
    flood(20)
    queued = OutboxMessage.select().count()
    flood(1, offset_ms=61_000)
    assert OutboxMessage.select().count() > queued
    assert not Alert.active().exists()
