"""The counters and histograms each process keeps for GET /metrics (views.py serves them,
gauges.py adds what the database knows at scrape time).

With PROMETHEUS_MULTIPROC_DIR set, prometheus_client keeps these values in files there, and a
scrape of any web process on the host sums every process that shares the folder (gunicorn's
workers and `zalo-oa worker`); without it, a scrape sees only the process that answers it.
"""
import os
import time
from contextlib import contextmanager

from prometheus_client import Counter, Histogram

MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if MULTIPROCESS_DIR:  # prometheus_client writes there from the first value; systemd makes it
    os.makedirs(MULTIPROCESS_DIR, exist_ok=True)

# Zalo gives a webhook about 2 s; the buckets are finest well below that.
WEBHOOK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
JOB_BUCKETS = (0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0)

WEBHOOK_REQUESTS = Counter("zalo_oa_webhook_requests", "Webhook deliveries by outcome",
                           ["outcome"])
WEBHOOK_SECONDS = Histogram("zalo_oa_webhook_request_duration_seconds",
                            "Time to answer a webhook delivery", buckets=WEBHOOK_BUCKETS)
MESSAGES_SENT = Counter("zalo_oa_messages_sent", "Messages Zalo (or e-mail) accepted, by channel",
                        ["channel"])
SEND_ERRORS = Counter("zalo_oa_send_errors", "Sends Zalo refused, by Zalo error code", ["code"])
JOB_SECONDS = Histogram("zalo_oa_job_duration_seconds", "One pass of a periodic worker job",
                        ["job"], buckets=JOB_BUCKETS)


def webhook_outcome(status, body, known):
    """accepted | duplicate | ignored (by body, from `known`) | refused | unavailable | error."""
    if status < 300:
        return known.get(body, "accepted")
    if status < 500:
        return "refused"
    return "unavailable" if status == 503 else "error"


def webhook_answered(outcome, seconds):
    WEBHOOK_REQUESTS.labels(outcome).inc()
    WEBHOOK_SECONDS.observe(seconds)


def sent(channel):
    MESSAGES_SENT.labels(channel or "unknown").inc()


def send_failed(code):
    SEND_ERRORS.labels(str(code)).inc()


@contextmanager
def timed(job):
    """Time one pass of the periodic job named `job`, whether it succeeds or fails."""
    began = time.perf_counter()
    try:
        yield
    finally:
        JOB_SECONDS.labels(job).observe(time.perf_counter() - began)


def init_app(app):
    """Serve GET /metrics (imported here: the worker only counts, it serves no page)."""
    from . import views

    views.init_app(app)
