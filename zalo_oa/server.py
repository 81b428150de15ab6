"""The production web server: gunicorn with sync workers, each building its own app after fork."""
import multiprocessing

from gunicorn.app.base import BaseApplication


def default_workers(database_url):
    """Sync workers: one per core on SQLite, two per core on PostgreSQL.

    Every SQLite write from another process invalidates a connection's page cache, so past
    one writer per core the extra processes cost more CPU than they add (bench/webhook.py).
    """
    cores = multiprocessing.cpu_count()
    if database_url.startswith("sqlite"):
        return max(2, cores)
    return max(2, cores * 2)


def gunicorn_options(host, port, workers=None, access_log=False, underscore_headers=False,
                     database_url="sqlite://"):
    """The one gunicorn configuration `zalo-oa serve` (and the benchmark) runs with.

    `underscore_headers` lets headers such as `access_token` through (gunicorn drops them by
    default): the mounted sandbox needs them, since Zalo's API uses such names.
    """
    return {
        "header_map": "dangerous" if underscore_headers else "drop",
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(database_url),
        "worker_class": "sync",
        "timeout": 30,
        "graceful_timeout": 20,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "warning",
        "preload_app": False,
    }


class _Gunicorn(BaseApplication):
    def __init__(self, factory, options):
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Called in each worker after fork, so no database connection crosses a fork.
        return self.factory()


def run_gunicorn(factory, options):
    """Serve the WSGI app `factory()` builds under gunicorn until stopped."""
    _Gunicorn(factory, options).run()
