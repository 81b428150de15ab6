"""A handler that fails does not lose its event: retried with backoff, in order for its citizen,
then parked where staff see it (an alert, `zalo-oa events list`) until `zalo-oa events retry`.
Handled events are forgotten once past the replay window."""
import datetime as dt

import pytest
from click.testing import CliRunner
from flask.globals import _cv_app

from tests.factories import load_payload
from tests.signing import deliver
from zalo_oa import handlers
from zalo_oa.cli import main
from zalo_oa.intake import failed_events, inbox
from zalo_oa.models import Alert, InboundEvent, utcnow


@pytest.fixture
def world(make_app, monkeypatch):
    """An app whose sticker handler fails while `broken` holds True; the handled order."""
    app = make_app(EVENT_MAX_AGE_HOURS=24)
    state = {"broken": True, "handled": []}
    original = handlers.REGISTRY["user_send_sticker"]

    def sticker(event):
        if state["broken"]:
            raise RuntimeError("Zalo said something new")
        state["handled"].append(event.name)
        return original(event)

    def text(event, original_text=handlers.REGISTRY["user_send_text"]):
        state["handled"].append(event.name)
        return original_text(event)

    monkeypatch.setitem(handlers.REGISTRY, "user_send_sticker", sticker)
    monkeypatch.setitem(handlers.REGISTRY, "user_send_text", text)
    client = app.test_client()
    with app.app_context():
        for name in ("user_send_sticker", "user_send_text"):
            payload = load_payload(f"{name}.json")
            payload["timestamp"] = str(int(utcnow().replace(tzinfo=dt.UTC).timestamp() * 1000))
            assert deliver(client, app, payload).status_code == 200
        yield state


def statuses():
    return [(e.event_name, e.status) for e in InboundEvent.select().order_by(InboundEvent.id)]


def make_retries_due():
    (InboundEvent.update(next_try_at=utcnow() - dt.timedelta(seconds=1))
     .where(InboundEvent.status == "retry").execute())


def test_the_backoff_grows():
    delays = [failed_events.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 10)]
    assert delays == [10, 60, 360, 2160, 3600]


def test_a_failed_event_waits_for_its_retry_and_holds_back_the_citizens_later_ones(world):
    handlers.process_pending()
    assert statuses() == [("user_send_sticker", "retry"), ("user_send_text", "pending")]
    row = InboundEvent.get(InboundEvent.event_name == "user_send_sticker")
    assert row.attempts == 1 and row.next_try_at > utcnow()
    assert handlers.process_pending() == 0  # not due yet, and the text must wait for it


def test_a_transient_failure_is_retried_and_the_order_is_kept(world):
    handlers.process_pending()
    world["broken"] = False
    make_retries_due()
    handlers.process_pending()
    assert statuses() == [("user_send_sticker", "done"), ("user_send_text", "done")]
    assert world["handled"] == ["user_send_sticker", "user_send_text"]
    assert not Alert.active().exists()


def run(*args):
    """A `zalo-oa` command in this process; the app context it pushes is popped after it."""
    outer = _cv_app.get(None)
    result = CliRunner().invoke(main, list(args))
    while _cv_app.get(None) is not outer:
        _cv_app.get().pop()
    assert result.exit_code == 0, result.output
    return result.output


def test_a_failing_event_is_parked_visibly_and_retried_by_command(world, database_url,
                                                                 monkeypatch):
    for _ in range(4):
        handlers.process_pending()
        make_retries_due()
    assert statuses() == [("user_send_sticker", "parked"), ("user_send_text", "done")]
    [alert] = list(Alert.active())
    assert alert.kind == "events_parked" and "1 event" in alert.message
    monkeypatch.setenv("ZALO_OA_DATABASE_URL", database_url)
    monkeypatch.setenv("ZALO_OA_SECRET", "cli-test")
    listed = run("events", "list")
    assert "user_send_sticker" in listed and "Zalo said something new" in listed
    world["broken"] = False
    assert "1 event(s) queued again" in run("events", "retry", "--all")
    assert not Alert.active().exists()
    handlers.process_pending()
    assert statuses() == [("user_send_sticker", "done"), ("user_send_text", "done")]
    assert "no parked events" in run("events", "list")


def test_handled_events_past_the_window_are_pruned_and_waiting_ones_kept(world):
    handlers.process_pending()  # sticker: retry; text: still pending behind it
    old = utcnow() - dt.timedelta(hours=26)
    for status in ("done", "ignored", "parked"):
        InboundEvent.create(dedupe_key=f"old-{status}", event_name="follow", payload="{}",
                            status=status, received_at=old)
    InboundEvent.create(dedupe_key="recent-done", event_name="follow", payload="{}",
                        status="done")
    InboundEvent.update(received_at=old).where(InboundEvent.dedupe_key.startswith(
        "user_send_")).execute()
    assert inbox.prune() == 2
    kept = {e.dedupe_key for e in InboundEvent.select()}
    assert {"old-parked", "recent-done"} <= kept and not {"old-done", "old-ignored"} & kept
    assert len([k for k in kept if k.startswith("user_send_")]) == 2
