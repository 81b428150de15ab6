"""The OA token lifecycle against the sandbox over HTTP: refresh with rotation, one refresher
at a time, refresh only near expiry, and a failed refresh that pauses sending once."""
import datetime as dt
import threading

from tests.oauth_helpers import add_fault, refresh_calls
from tests.sandbox_helpers import sandbox
from zalo_oa.db import ensure_connection
from zalo_oa.models import OAToken, utcnow
from zalo_oa.sandbox.models import SandboxToken
from zalo_oa.sandbox.tokens import is_valid
from zalo_oa.zalo import tokens

__all__ = ["refresh_calls", "sandbox"]


def _row(server):
    with server.app.app_context():
        return OAToken.get()


def _used_refresh_tokens(server):
    with server.app.app_context():
        return SandboxToken.select().where(SandboxToken.refresh_used_at.is_null(False)).count()


def test_refresh_now_rotates_the_pair(sandbox, refresh_calls):
    before = _row(sandbox)
    with sandbox.app.app_context():
        assert tokens.refresh_now(sandbox.app.config)
    after = _row(sandbox)
    assert after.access_token != before.access_token
    assert after.refresh_token != before.refresh_token
    assert after.expires_at > before.expires_at - dt.timedelta(seconds=5)
    assert len(refresh_calls) == 1
    with sandbox.app.app_context():
        assert is_valid(after.access_token)


def test_reused_refresh_token_pauses_sending_with_one_alert_and_no_loop(sandbox, refresh_calls):
    config = sandbox.app.config
    with sandbox.app.app_context():
        old_refresh = OAToken.get().refresh_token
        assert tokens.refresh_now(config)
        OAToken.update(refresh_token=old_refresh).execute()  # as if a stale copy were used
        assert not tokens.refresh_now(config)
        assert tokens.sending_paused()
        [alert] = tokens.alerts()
        assert "-14014" in alert["message"] and old_refresh not in alert["message"]
        assert not tokens.refresh_now(config) and not tokens.refresh_if_due(
            config, margin=dt.timedelta(days=30))
    assert len(refresh_calls) == 2  # the good refresh and the refused one; none while paused


def test_a_new_token_resolves_the_alert_and_resumes_sending(sandbox):
    with sandbox.app.app_context():
        OAToken.update(refresh_token="not-a-refresh-token").execute()
        assert not tokens.refresh_now(sandbox.app.config)
        assert tokens.sending_paused()
        tokens.save_pair("new-access", "new-refresh", "90000")
        assert not tokens.sending_paused() and tokens.alerts() == []
        assert OAToken.get().access_token == "new-access"


def test_two_concurrent_refreshes_call_zalo_once(sandbox, refresh_calls):
    # Slow the token endpoint so both threads read the old token before either commits.
    add_fault(sandbox, path="/v4/oa/access_token", delay_ms=400, count=2)
    before = _row(sandbox).access_token
    results, start = [], threading.Barrier(2)

    def refresh():
        with sandbox.app.app_context():
            ensure_connection()
            start.wait()
            results.append(tokens.refresh_now(sandbox.app.config))

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert results == [True, True]
    assert len(refresh_calls) == 1 and _used_refresh_tokens(sandbox) == 1
    assert _row(sandbox).access_token != before


def test_refresh_after_a_token_error_skips_when_another_process_already_refreshed(sandbox,
                                                                                  refresh_calls):
    stale = _row(sandbox).access_token
    with sandbox.app.app_context():
        assert tokens.refresh_now(sandbox.app.config, stale_access_token=stale)
        assert tokens.refresh_now(sandbox.app.config, stale_access_token=stale)
    assert len(refresh_calls) == 1


def test_refresh_if_due_only_near_expiry(sandbox, refresh_calls):
    config = sandbox.app.config
    with sandbox.app.app_context():
        assert not tokens.refresh_if_due(config)  # the seeded token has 25 h left
        assert refresh_calls == []
        OAToken.update(expires_at=utcnow() + dt.timedelta(minutes=90)).execute()
        assert tokens.refresh_if_due(config)
        assert OAToken.get().expires_at > utcnow() + dt.timedelta(hours=24)
        assert not tokens.refresh_if_due(config)
    assert len(refresh_calls) == 1


def test_unreachable_zalo_is_retried_once_then_alerts(make_app, refresh_calls, monkeypatch):
    monkeypatch.setattr(tokens, "RETRY_PAUSE_SECONDS", 0)
    app = make_app(ZALO_OAUTH_BASE="http://127.0.0.1:9", PUBLIC_URL="http://127.0.0.1:9")
    with app.app_context():
        refresh_token = OAToken.get().refresh_token
        assert not tokens.refresh_now(app.config)
        [alert] = tokens.alerts()
        assert "unreachable" in alert["message"] and refresh_token not in alert["message"]
        assert tokens.status()["sending_paused"]
    assert len(refresh_calls) == 2


def test_no_stored_token_is_an_alert_not_a_crash(make_app):
    app = make_app()
    with app.app_context():
        OAToken.delete().execute()
        assert not tokens.refresh_now(app.config)
        assert "zalo-oa token connect" in tokens.alerts()[0]["message"]
        assert tokens.status()["stored"] is False
