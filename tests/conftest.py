"""Fixtures: a fresh app per test on a temporary SQLite file, or on PostgreSQL when
ZALO_OA_TEST_DATABASE_URL names a server (a database is made for the run and dropped after)."""
import os
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from zalo_oa import create_app, migrations
from zalo_oa.db import database, release
from zalo_oa.models import MODELS

PAYLOADS = Path(__file__).parent / "payloads"
# The browser fixtures (one chromium per test module), for every test that asks for a page.
pytest_plugins = ("tests.browser",)
PG_ADMIN_URL = os.environ.get("ZALO_OA_TEST_DATABASE_URL", "")
SAMPLES_WINDOW_HOURS = 24 * 365 * 30


@pytest.fixture(scope="session")
def pg_database_url():
    """A PostgreSQL database for this run, or None when running on SQLite."""
    if not PG_ADMIN_URL:
        yield None
        return
    import psycopg2

    name = f"zalo_oa_test_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(PG_ADMIN_URL)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    if database.obj is not None:
        database.close()
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def database_url(tmp_path, pg_database_url):
    """A database with nothing in it for this test."""
    if pg_database_url is None:
        yield f"sqlite:///{tmp_path / 'zalo_oa.db'}"
        return
    yield pg_database_url
    from zalo_oa.sandbox.models import MODELS as SANDBOX_MODELS

    tables = ", ".join(f'"{m._meta.table_name}"' for m in MODELS + SANDBOX_MODELS)
    release()  # from the pool, which replaces a connection the test had the server drop
    database.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _prepare(app):
    """Upgrade the app's database and load the reference data (and the sandbox's token)."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        migrations.upgrade(sandbox=app.config["SANDBOX"])
        from zalo_oa import seed
        from zalo_oa.sandbox import seed as sandbox_seed

        seed.load_reference_data()
        if app.config["SANDBOX"]:
            sandbox_seed.ensure_token()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """Prepared SQLite files, made once per run and copied for each test: running every
    migration step again for each of a thousand tests cost more than most tests do."""
    made = {}

    def path_for(sandbox, province):
        if (sandbox, province) not in made:
            path = tmp_path_factory.mktemp("template") / "zalo_oa.db"
            config = {"DATABASE_URL": f"sqlite:///{path}", "SANDBOX": sandbox,
                      "SECRET_KEY": "template", "LOG_LEVEL": "WARNING",
                      "MEDIA_DIR": str(path.parent / "media")}
            if province is not None:
                config["PROVINCE_CODE"] = province
            _prepare(create_app(config))
            # Fold the write-ahead log into the file, so that a copy of the file is whole.
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database.close()
            made[sandbox, province] = path
        return made[sandbox, province]

    return path_for


@pytest.fixture
def make_app(tmp_path, database_url, sqlite_template):
    """Build an app on this test's database, schema upgraded and data loaded."""

    def build(**overrides):
        # Quiet hours are off unless a test is about them: the suite runs at any hour. The
        # sample payloads were sent in 2025, so the replay window is widened to let them in
        # unless a test is about the window.
        config = {"DATABASE_URL": database_url, "SANDBOX": True, "SECRET_KEY": "test-secret",
                  "MEDIA_DIR": str(tmp_path / "media"), "LOG_LEVEL": "WARNING",
                  "QUIET_HOURS": "off", "EVENT_MAX_AGE_HOURS": SAMPLES_WINDOW_HOURS}
        config.update(overrides)
        url = config["DATABASE_URL"]
        if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
            template = sqlite_template(config["SANDBOX"], config.get("PROVINCE_CODE"))
            shutil.copyfile(template, url[len("sqlite:///"):])
        app = create_app(config)
        _prepare(app)  # what the template lacks (a setting's own data), and PostgreSQL's
        return app

    return build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


class LiveServer:
    """The app served over real HTTP on loopback, with its scheduler running."""

    def __init__(self, make_app, with_scheduler, overrides):
        self._server = make_server("127.0.0.1", 0, None, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self.app = make_app(PUBLIC_URL=self.url, **overrides)
        self._server.app = self.app
        self.scheduler = None
        if with_scheduler:
            from zalo_oa import worker

            self.scheduler = worker.start(self.app, background=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def live_server_factory(make_app):
    """Start live servers with chosen settings; all are stopped after the test."""
    servers = []

    def start(with_scheduler=True, **overrides):
        server = LiveServer(make_app, with_scheduler, overrides)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def live_server(live_server_factory):
    return live_server_factory()


@pytest.fixture
def ctx(app):
    """The app context for the test's own database work."""
    with app.app_context():
        yield app
