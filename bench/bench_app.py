"""The app a bench runs in-process: on the given database, or a SQLite file in a temporary
folder, schema upgraded, inside its app context."""
import tempfile
from contextlib import contextmanager
from pathlib import Path

from zalo_oa import create_app, migrations
from zalo_oa.db import database


@contextmanager
def bench_app(database_url=None):
    """Yield (app, url) with the app context pushed and the connection open."""
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING",
                          "MEDIA_DIR": str(Path(tmp) / "media")})
        with app.app_context():
            database.connect(reuse_if_open=True)
            migrations.upgrade()
            yield app, url
