"""GET /metrics: Prometheus's text format, for the same callers as /healthz's details."""
import os

from flask import Blueprint, Response
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess

from .. import db, health
from .gauges import DatabaseGauges

bp = Blueprint("metrics", __name__)
# Read by prometheus_client itself; set for every process of a host (deploy/systemd).
MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
# The format generate_latest writes (every Prometheus server reads it).
TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"
_REFUSED = (b"metrics need Authorization: Bearer <ZALO_OA_HEALTH_TOKEN> or an admin login\n",
            403, {"Content-Type": "text/plain; charset=utf-8"})


class _ThisProcess:
    """This process's own counters (and prometheus_client's process and GC figures)."""

    def collect(self):
        return REGISTRY.collect()


@bp.get("/metrics")
def scrape():
    """Every process's counters (one process's without a shared folder) and the database's
    gauges; refused, with nothing in it, to anyone else than a monitor or an admin."""
    try:
        allowed = health.may_see_details()
    except db.UNAVAILABLE:  # an admin session cannot be checked: only the token opens it
        allowed = health.may_see_details(ask_database=False)
    if not allowed:
        return _REFUSED
    registry = CollectorRegistry(auto_describe=False)
    if MULTIPROCESS_DIR and os.path.isdir(MULTIPROCESS_DIR):
        multiprocess.MultiProcessCollector(registry, MULTIPROCESS_DIR)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseGauges())
    return Response(generate_latest(registry), content_type=TEXT_FORMAT)


def init_app(app):
    app.register_blueprint(bp)
