"""APScheduler wiring: the worker's periodic jobs, declared once, each a thin call."""
import datetime as dt
import logging
import os
import socket

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from . import chat, inbox, outbox
from .db import ensure_connection
from .models import WorkerHeartbeat, utcnow
from .zalo.client import ZaloClient
from .zalo.tokens import token_provider

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10


def make_client(app):
    """The Zalo client for this app's settings."""
    config = app.config
    return ZaloClient(config["ZALO_API_BASE"], token_provider(config["ZALO_OA_ACCESS_TOKEN"]),
                      timeout=config["ZALO_HTTP_TIMEOUT"])


class Jobs:
    """The periodic work of one worker process."""

    def __init__(self, app):
        self.app = app
        self.client = make_client(app)
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    def pump(self):
        """Handle recorded events, then send what is due: a reply leaves within one pass."""
        inbox.process_pending()
        outbox.dispatch_due(self.client)

    def drafts(self):
        chat.remind_idle_drafts()
        chat.expire_idle_drafts()

    def heartbeat(self):
        now = utcnow()
        updated = (WorkerHeartbeat.update(beat_at=now)
                   .where(WorkerHeartbeat.name == self.name).execute())
        if not updated:
            WorkerHeartbeat.create(name=self.name, beat_at=now, started_at=now)

    def declared(self):
        """(job, interval in seconds) pairs: the whole schedule."""
        return [(self.pump, self.app.config["POLL_SECONDS"]), (self.drafts, 30),
                (self.heartbeat, HEARTBEAT_SECONDS)]

    def run(self, job):
        with self.app.app_context():
            ensure_connection()
            try:
                job()
            except Exception:  # one failed pass must not stop the schedule
                log.exception("job %s failed", job.__name__)


def start(app, background=False):
    """Start the scheduler: in a thread (demo, tests) or blocking (`zalo-oa worker`)."""
    scheduler = (BackgroundScheduler if background else BlockingScheduler)(timezone="UTC")
    jobs = Jobs(app)
    for job, seconds in jobs.declared():
        scheduler.add_job(jobs.run, "interval", args=[job], id=job.__name__,
                          seconds=seconds, max_instances=1, coalesce=True,
                          next_run_time=dt.datetime.now(dt.UTC),
                          misfire_grace_time=max(int(seconds * 4), 1))
    log.info("scheduler starting with %d jobs", len(jobs.declared()))
    scheduler.start()
    return scheduler
