"""`zalo-oa token connect | refresh | status | set` against a live sandbox."""
import os

import pytest
from click.testing import CliRunner

from tests.sandbox_helpers import sandbox
from zalo_oa.cli import main
from zalo_oa.models import Alert, OAToken
from zalo_oa.zalo import tokens

__all__ = ["sandbox"]


@pytest.fixture
def cli(sandbox, monkeypatch):
    """Run `zalo-oa ...` in-process against the live sandbox's database and URL."""
    for key in list(os.environ):
        if key.startswith("ZALO_"):
            monkeypatch.delenv(key)
    for key, value in {"ZALO_OA_DATABASE_URL": sandbox.app.config["DATABASE_URL"],
                       "ZALO_OA_SANDBOX": "1", "ZALO_OA_PUBLIC_URL": sandbox.url,
                       "ZALO_OA_SECRET": "cli-test", "ZALO_OA_LOG_LEVEL": "WARNING"}.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, ["token", *args], catch_exceptions=False)

    return run


def _token(sandbox):
    with sandbox.app.app_context():
        return OAToken.get()


def test_status_shows_the_expiry_and_that_sending_is_active(cli, sandbox):
    result = cli("status")
    assert result.exit_code == 0
    assert "token stored; expires at" in result.output and "sending: active" in result.output
    assert _token(sandbox).access_token not in result.output


def test_refresh_replaces_the_token_without_printing_it(cli, sandbox):
    before = _token(sandbox)
    result = cli("refresh")
    assert result.exit_code == 0 and "token refreshed" in result.output
    after = _token(sandbox)
    assert after.access_token != before.access_token
    assert after.access_token not in result.output and after.refresh_token not in result.output


def test_failed_refresh_pauses_sending_and_token_set_resumes_it(cli, sandbox):
    with sandbox.app.app_context():
        OAToken.update(refresh_token="spent").execute()
    failed = cli("refresh")
    assert failed.exit_code != 0 and "-14014" in failed.output
    status = cli("status").output
    assert "sending: PAUSED" in status and "alert token_refresh_failed" in status
    stored = cli("set", "--access-token", "A", "--refresh-token", "R", "--expires-in", "90000")
    assert stored.exit_code == 0
    with sandbox.app.app_context():
        assert Alert.active().count() == 0 and not tokens.sending_paused()
    assert "sending: active" in cli("status").output


def test_connect_prints_the_permission_url_for_our_callback(cli, sandbox):
    result = cli("connect")
    assert result.exit_code == 0
    url = result.output.splitlines()[0]
    assert url.startswith(f"{sandbox.url}/sandbox/oauth/v4/oa/permission?app_id=sandbox-app")
    assert "zalo%2Foauth%2Fcallback" in url and "code_challenge=" in url
    assert f"{sandbox.url}/zalo/oauth/callback" in result.output


def test_connect_without_a_public_url_says_which_setting_is_missing(cli, monkeypatch):
    monkeypatch.delenv("ZALO_OA_PUBLIC_URL")
    result = cli("connect")
    assert result.exit_code == 1
    assert "PUBLIC_URL (ZALO_OA_PUBLIC_URL) must be set to receive the callback" in result.output
