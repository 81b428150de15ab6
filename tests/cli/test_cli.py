"""The zalo-oa commands, run as a user runs them: real processes on a real SQLite file."""
import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest
import requests
from click.testing import CliRunner

from zalo_oa import migrations
from zalo_oa.cli import main

ZALO_OA = shutil.which("zalo-oa") or os.path.join(os.path.dirname(sys.executable), "zalo-oa")


def run_env(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZALO_", "ZALO_OA_"))}
    env.update(ZALO_OA_DATABASE_URL=database_url, ZALO_OA_SECRET="cli-test")
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_db_upgrade_creates_the_schema_and_is_idempotent(sqlite_url):
    first = subprocess.run([ZALO_OA, "db", "upgrade"], env=run_env(sqlite_url),
                           capture_output=True, text=True, timeout=60, check=False)
    assert first.returncode == 0, first.stderr
    assert f"schema upgraded from step 0 to step {migrations.LATEST}" in first.stdout
    again = subprocess.run([ZALO_OA, "db", "upgrade"], env=run_env(sqlite_url),
                           capture_output=True, text=True, timeout=60, check=False)
    assert again.stdout.strip() == f"schema at step {migrations.LATEST}: up to date"


def test_serve_and_worker_refuse_an_old_schema(sqlite_url):
    for command in (["serve", "--port", str(free_port())], ["worker"]):
        result = subprocess.run([ZALO_OA, *command], env=run_env(sqlite_url),
                                capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode != 0
        assert "run `zalo-oa db upgrade`" in result.stderr


def test_staff_create_hashes_the_password(sqlite_url, monkeypatch):
    for key, value in run_env(sqlite_url).items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(main, ["staff", "create", "lan", "--role", "operator"],
                           input="s3cret-pass\ns3cret-pass\n")
    assert result.exit_code == 0, result.output
    from zalo_oa.models import Staff

    staff = Staff.get(Staff.username == "lan")
    assert staff.role == "operator"
    assert "s3cret-pass" not in staff.password_hash
    assert runner.invoke(main, ["staff", "create", "lan"], input="x\nx\n").exit_code != 0


def start_demo(env, port):
    """`zalo-oa demo` as a user runs it; returns (process, everything it printed)."""
    process = subprocess.Popen([ZALO_OA, "demo", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    while not any("Press Ctrl+C" in line for line in lines):
        line = process.stdout.readline()
        if not line:
            process.wait(10)
            raise AssertionError("demo exited early:\n" + "".join(lines))
        lines.append(line)
    return process, "".join(lines)


def test_demo_runs_the_whole_service_and_prints_its_urls(tmp_path, sqlite_url):
    port = free_port()
    env = {**run_env(sqlite_url), "ZALO_OA_DATA_DIR": str(tmp_path / "data")}
    process, output = start_demo(env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        assert f"{base}/sandbox/phone" in output and f"{base}/" in output
        login = re.search(r"first admin login: (\S+) / (\S+)", output)
        assert login, output
        health = requests.get(f"{base}/healthz", timeout=5).json()
        assert health["status"] in ("ok", "degraded") and health["sandbox"] is True
        requests.post(f"{base}/sandbox/citizens/demo-user/events",
                      json={"event_name": "follow"}, timeout=5)
        deadline = time.monotonic() + 5
        while not requests.get(f"{base}/sandbox/citizens/demo-user/messages", timeout=5).json():
            assert time.monotonic() < deadline, "no welcome message"
            time.sleep(0.1)
        session = requests.Session()
        page = session.get(f"{base}/login", timeout=5).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        answer = session.post(f"{base}/login", data={"csrf_token": token,
                                                     "username": login.group(1),
                                                     "password": login.group(2)}, timeout=5)
        # The printed password was shown on a screen: the first sign-in asks for a new one.
        assert answer.status_code == 200 and answer.url.endswith("/account/password")
        assert "Danh sách phản ánh" in answer.text and "Đổi mật khẩu" in answer.text
        # Beside the demo, the README's command finds the demo's sandbox, not Zalo's servers.
        synced = subprocess.run([ZALO_OA, "followers", "sync"], env=env, capture_output=True,
                                text=True, timeout=60, check=False)
        assert synced.returncode == 0, synced.stderr
        assert "1 followers imported" in synced.stdout
        assert "using the demo's Zalo sandbox" in synced.stderr
    finally:
        process.terminate()
        process.wait(10)
    again, output = start_demo(env, port)
    again.terminate()
    again.wait(10)
    assert "first admin login" not in output
    assert "zalo-oa staff reset-password admin" in output


def test_followers_sync_says_what_to_set_when_zalo_cannot_be_reached(sqlite_url, tmp_path):
    env = {**run_env(sqlite_url), "ZALO_OA_DATA_DIR": str(tmp_path),
           "ZALO_API_BASE": f"http://127.0.0.1:{free_port()}", "ZALO_OA_ACCESS_TOKEN": "t"}
    subprocess.run([ZALO_OA, "db", "upgrade"], env=env, capture_output=True, timeout=60,
                   check=True)
    result = subprocess.run([ZALO_OA, "followers", "sync"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "ZALO_OA_SANDBOX=1" in result.stderr and "zalo-oa token connect" in result.stderr


def test_staff_passwords_follow_the_policy_and_can_be_reset(sqlite_url, monkeypatch):
    for key, value in run_env(sqlite_url).items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    weak = runner.invoke(main, ["staff", "create", "lan"], input="abc\nabc\n")
    assert weak.exit_code != 0 and "at least 10 characters" in weak.output
    common = runner.invoke(main, ["staff", "create", "lan"],
                           input="password123\npassword123\n")
    assert common.exit_code != 0 and "too common" in common.output
    made = runner.invoke(main, ["staff", "create", "lan"],
                         input="mưa rào chiều nay\nmưa rào chiều nay\n")
    assert made.exit_code == 0, made.output
    from zalo_oa.models import AuditLog, Staff
    from zalo_oa.web.auth import authenticate

    Staff.update(locked_until=dt.datetime(2100, 1, 1)).where(Staff.username == "lan").execute()
    reset = runner.invoke(main, ["staff", "reset-password", "lan"],
                          input="gió mùa đông bắc\ngió mùa đông bắc\n")
    assert reset.exit_code == 0, reset.output
    staff, error = authenticate("lan", "gió mùa đông bắc")
    assert staff is not None and error is None  # unlocked, new password
    assert AuditLog.get(AuditLog.action == "staff_reset_password").target == "lan"
    missing = runner.invoke(main, ["staff", "reset-password", "nobody"],
                            input="gió mùa đông bắc\ngió mùa đông bắc\n")
    assert missing.exit_code != 0 and "no staff account" in missing.output


def test_stats_refresh_counts_the_weeks_that_ended(sqlite_url, monkeypatch):
    for key, value in run_env(sqlite_url).items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    from tests.factories import make_case
    from zalo_oa.models import StatsCaseWeek, utcnow

    for weeks_ago in (3, 5):
        make_case(created_at=utcnow() - dt.timedelta(weeks=weeks_ago))
    result = runner.invoke(main, ["stats", "refresh"])
    assert result.exit_code == 0, result.output
    assert "statistics totals up to date: 2 weeks counted" in result.output  # with cases
    assert sum(row.cases for row in StatsCaseWeek.select()) == 2
