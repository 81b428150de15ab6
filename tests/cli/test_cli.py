"""The zalo-oa commands, run as a user runs them: real processes on a real SQLite file."""
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


def test_demo_runs_the_whole_service_and_prints_its_urls(tmp_path, sqlite_url):
    port = free_port()
    process = subprocess.Popen([ZALO_OA, "demo", "--port", str(port)], env=run_env(sqlite_url),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        while not any("Press Ctrl+C" in line for line in lines):
            line = process.stdout.readline()
            assert line, "demo exited early:\n" + "".join(lines)
            lines.append(line)
        output = "".join(lines)
        base = f"http://127.0.0.1:{port}"
        assert f"{base}/sandbox/phone" in output and f"{base}/" in output
        login = re.search(r"first admin login: (\S+) / (\S+)", output)
        assert login, output
        health = requests.get(f"{base}/healthz", timeout=5).json()
        assert health["database"]["ok"]
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
        assert answer.status_code == 200 and "Danh sách phản ánh" in answer.text
    finally:
        process.terminate()
        process.wait(10)
