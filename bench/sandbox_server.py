"""The app with the sandbox mounted, without a worker: the benchmarks' stand-in for Zalo.

Served by gunicorn with one process and a pool of threads, since the sandbox holds each call
for its configured latency: pooled threads keep their database connections, where a
thread-per-request server would open one per call. Run: sandbox_server.py --port P
"""
import argparse

from zalo_oa import create_app
from zalo_oa.config import from_environment
from zalo_oa.server import gunicorn_options, run_gunicorn


def main(argv=None):
    """Serve until stopped."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=128)
    args = parser.parse_args(argv)
    options = gunicorn_options(args.host, args.port, workers=1, underscore_headers=True,
                               database_url=from_environment()["DATABASE_URL"])
    options.update(worker_class="gthread", threads=args.threads, backlog=2048)
    run_gunicorn(lambda: create_app({"SANDBOX": True}), options)


if __name__ == "__main__":
    main()
