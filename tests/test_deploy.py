"""The deployment files (deploy/, docs/deploy.md) against the code: scripts/check-deploy's
Python checks (setting names, the gunicorn config with the app), and the backup script and
restore drill of the guide run for real on PostgreSQL."""
import os
import subprocess
import sys
import uuid
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest

from tests.processes import ZALO_OA
from zalo_oa.db import is_postgres
from zalo_oa.models import Citizen
from zalo_oa.server import default_workers

ROOT = Path(__file__).resolve().parents[1]


def _load(name, path):
    """scripts/check-deploy as a module (its name has no .py)."""
    spec = spec_from_loader(name, SourceFileLoader(name, str(path)))
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = _load("check_deploy", ROOT / "scripts" / "check-deploy")
PG_ADMIN_URL = os.environ.get("ZALO_OA_TEST_DATABASE_URL", "")


def test_every_setting_the_deploy_files_name_is_one_the_code_reads():
    assert check.check_settings() == []
    used = check.used_settings(check.deploy_files())
    assert {"ZALO_OA_DATABASE_URL", "ZALO_OA_HEALTH_TOKEN", "ZALO_OA_DATA_DIR"} <= set(used)


def test_a_setting_that_drifted_is_caught(tmp_path):
    env = tmp_path / "env.example"
    env.write_text("ZALO_OA_DATABASE_URL=postgresql://x\n#ZALO_OA_WEB_WORKERS=4\n")
    assert check.check_settings([env]) == [
        "ZALO_OA_WEB_WORKERS (in env.example) is not a setting in zalo_oa/config.py"]


def test_gunicorn_loads_the_config_and_the_app_and_serves_like_zalo_oa_serve(tmp_path):
    assert check.check_gunicorn() == []
    printed = subprocess.run(
        [str(check.BIN / "gunicorn"), "--print-config", "--config",
         str(check.DEPLOY / "gunicorn.conf.py"), "zalo_oa:create_app()"],
        env={**os.environ, "ZALO_OA_DATABASE_URL": "postgresql://x@127.0.0.1/y"},
        cwd=tmp_path, text=True, capture_output=True, timeout=60, check=True).stdout
    settings = dict(line.split(" = ", 1) for line in printed.splitlines() if " = " in line)
    settings = {key.strip(): value.strip() for key, value in settings.items()}
    assert settings["worker_class"] == "sync"
    assert int(settings["workers"]) == default_workers("postgresql://")  # as `zalo-oa serve`
    assert settings["forwarded_allow_ips"] == "['127.0.0.1', '::1']"
    assert settings["bind"] == "['127.0.0.1:8001']"


def test_a_broken_gunicorn_config_is_caught(tmp_path):
    conf = tmp_path / "gunicorn.conf.py"
    conf.write_text("workers = (\n")
    assert "does not compile" in check.check_gunicorn(conf)[0]
    conf.write_text("raise SystemExit('no')\n")
    assert check.check_gunicorn(conf)


def test_backup_then_restore_drill(make_app, tmp_path):
    """deploy/zalo-oa-backup, then the guide's restore drill into a new database."""
    app = make_app()
    with app.app_context():
        if not is_postgres():
            pytest.skip("pg_dump needs PostgreSQL (ZALO_OA_TEST_DATABASE_URL)")
        Citizen.create(zalo_user_id="backup-1", display_name="Chị Lan")
    url = app.config["DATABASE_URL"]
    media = tmp_path / "media" / "evidence"
    media.mkdir(parents=True)
    (media / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    backups = tmp_path / "backups"
    env = {**os.environ, "ZALO_OA_DATABASE_URL": url, "BACKUP_DIR": str(backups),
           "ZALO_OA_MEDIA_DIR": str(tmp_path / "media"), "KEEP_DAYS": "14"}
    done = check.run([str(check.DEPLOY / "zalo-oa-backup")], env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    [dump] = backups.glob("zalo_oa-*.dump")
    assert (backups / "media" / "evidence" / "photo.jpg").read_bytes() == b"\xff\xd8 a photo"

    restored = f"{url.rsplit('/', 1)[0]}/zalo_oa_restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(["psql", PG_ADMIN_URL, "-qc",
                    f"CREATE DATABASE \"{restored.rsplit('/', 1)[1]}\""], check=True)
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored,
                        str(dump)], check=True, capture_output=True, timeout=120)
        status = check.run([ZALO_OA, "db", "status"], timeout=120,
                           env={**env, "ZALO_OA_DATABASE_URL": restored})
        assert status.returncode == 0, status.stdout + status.stderr
        names = subprocess.run(["psql", restored, "-Atc", "SELECT display_name FROM citizen"],
                               text=True, capture_output=True, check=True).stdout
        assert names.split() == ["Chị", "Lan"]
    finally:
        subprocess.run(["psql", PG_ADMIN_URL, "-qc", "DROP DATABASE IF EXISTS "
                        f"\"{restored.rsplit('/', 1)[1]}\" WITH (FORCE)"], check=True)
    print(f"dump of {dump.stat().st_size} bytes restored; python {sys.version.split()[0]}")
