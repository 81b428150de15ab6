"""A bare Flask app answering "ok" to POST, served exactly as `zalo-oa serve` serves the real app.

The baseline for bench/webhook.py: whatever the webhook costs beyond this is the service's own
work. Run: python bench/bare_app.py --host 127.0.0.1 --port 8001 [--workers N]
"""
import argparse

from flask import Flask

# Reused, not copied, so "same configuration" stays true when the production settings change.
from zalo_oa.config import from_environment
from zalo_oa.server import gunicorn_options, run_gunicorn

# The webhook's path, so one wrk script drives both targets.
PATH = "/webhook/zalo"


def create_app():
    """The bare app; like the real one, gunicorn builds it in each worker after fork."""
    app = Flask(__name__)
    app.add_url_rule(PATH, "ok", lambda: "ok", methods=["POST"])
    return app


def main(argv=None):
    """Serve `create_app()` under the production gunicorn configuration."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers [zalo-oa serve's default]")
    args = parser.parse_args(argv)
    # The same database URL the real app resolves, since the worker count follows it.
    database_url = from_environment()["DATABASE_URL"]
    run_gunicorn(create_app, gunicorn_options(args.host, args.port, args.workers,
                                              database_url=database_url))


if __name__ == "__main__":
    main()
