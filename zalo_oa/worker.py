"""APScheduler wiring: the worker's periodic jobs, declared once, each a thin call.

Several worker processes may share one database. Each handles events, sends (the Dispatcher)
and relearns categories for itself; the other periodic jobs run only on the one process that
leads (leader.py), so follow-ups, broadcasts and sweeps run once per tick, not once per worker.
"""
import datetime as dt
import logging
import os
import signal
import socket

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from . import db, handlers, heartbeat, leader, metrics
from .broadcasts import service
from .cases import followups, rollup
from .delivery.clients import make_sender
from .delivery.dispatcher import Dispatcher
from .evidence import archive
from .intake import chat, inbox, learning
from .zalo import tokens

log = logging.getLogger(__name__)

TOKEN_CHECK_SECONDS = 600
PRUNE_SECONDS = 600


class Jobs:
    """The periodic work of one worker process."""

    def __init__(self, app):
        self.app = app
        self.dispatcher = Dispatcher(app, make_sender(app), app.config["SEND_THREADS"])
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.leader = leader.for_database(self.name)
        self.leader_passes = 0

    def events(self):
        """Handle recorded webhook events; wake the sender for the replies they queued."""
        if handlers.process_pending():
            self.dispatcher.wake()

    def followups(self):
        if followups.run_due():
            self.dispatcher.wake()

    def broadcast_job(self):
        """Queue scheduled broadcasts that are due; mark finished ones done."""
        if service.run_due():
            self.dispatcher.wake()

    def media(self):
        """Copy the photos, audio and video citizens sent from Zalo's CDN into our store."""
        archive.run_due(self.app.config)

    def drafts(self):
        chat.remind_idle_drafts()
        chat.expire_idle_drafts()

    def retrain(self):
        """Learn the staff's new category corrections (trains at start, then on change)."""
        learning.retrain_if_changed()

    def token(self):
        tokens.refresh_if_due(self.app.config)

    def prune_events(self):
        """Forget handled webhook events older than the replay window (the dedupe table)."""
        if inbox.prune():
            log.info("old handled events pruned")

    def stats_totals(self):
        """Keep the statistics' weekly totals up to date (cases/rollup.py)."""
        rollup.refresh()

    def heartbeat(self):
        heartbeat.beat(self.name, leading_since=self.leader.since,
                        leader_passes=self.leader_passes)

    def lead(self):
        """Keep or take the schedule's lead; say so in the heartbeat at once when that changes."""
        was = self.leader.leading
        if self.leader.check() != was:
            self.heartbeat()

    def sandbox_retries(self):
        """The sandbox plays Zalo: it retries failed webhook deliveries on Zalo's ladder."""
        from .sandbox import delivery

        delivery.retry_due(self.app.config)

    def declared(self):
        """(job, interval in seconds) pairs: the whole schedule."""
        return self.every_worker() + self.leader_only()

    def every_worker(self):
        """Jobs each worker runs: its share of the events, its own category model, its signs
        of life and its claim on the lead."""
        return [(self.events, self.app.config["POLL_SECONDS"]),
                (self.retrain, 60 * self.app.config["RETRAIN_MINUTES"]),
                (self.heartbeat, heartbeat.HEARTBEAT_SECONDS),
                (self.lead, leader.CHECK_SECONDS)]

    def leader_only(self):
        """Jobs only the leading worker runs."""
        jobs = [(self.followups, 5), (self.broadcast_job, 5), (self.media, 2),
                (self.drafts, 30), (self.token, TOKEN_CHECK_SECONDS),
                (self.prune_events, PRUNE_SECONDS),
                (self.stats_totals, 60 * rollup.REFRESH_MINUTES)]
        if self.app.config["SANDBOX"]:
            jobs.append((self.sandbox_retries, 1))
        return jobs

    def run_if_leading(self, job):
        """One pass of a leader-only `job`, on the leading worker only."""
        if self.leader.leading:
            self.leader_passes += 1
            self.run(job)

    def run(self, job):
        """One pass of `job`; skipped while a database outage's wait runs (see outage.py)."""
        if db.outage().wait_seconds():
            return
        with self.app.app_context():
            try:
                with metrics.timed(job.__name__), db.unit_of_work():
                    job()
            except db.UNAVAILABLE:
                pass  # reported by unit_of_work: one log line per outage, not one per pass
            except Exception:  # one failed pass must not stop the schedule
                log.exception("job %s failed", job.__name__)


class Worker:
    """The scheduler and the sending loop of one process, started and stopped together."""

    def __init__(self, scheduler, jobs):
        self.scheduler = scheduler
        self.jobs = jobs

    def shutdown(self, wait=True):
        self.jobs.dispatcher.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        self.jobs.leader.close()
        self.jobs.run(self.jobs.heartbeat)  # /healthz stops naming this process as leader


def start(app, background=False):
    """Start the worker: in threads (demo, tests) or blocking (`zalo-oa worker`)."""
    scheduler = (BackgroundScheduler if background else BlockingScheduler)(timezone="UTC")
    jobs = Jobs(app)
    # The category model is trained before the first event is handled, not inside the
    # transaction that handles it (a few seconds, once per process).
    jobs.run(jobs.retrain)
    jobs.run(jobs.lead)  # before the first pass of the leader's jobs
    jobs.dispatcher.start()
    for runner, declared in ((jobs.run, jobs.every_worker()),
                             (jobs.run_if_leading, jobs.leader_only())):
        for job, seconds in declared:
            scheduler.add_job(runner, "interval", args=[job], id=job.__name__,
                              seconds=seconds, max_instances=1, coalesce=True,
                              next_run_time=dt.datetime.now(dt.UTC),
                              misfire_grace_time=max(int(seconds * 4), 1))
    log.info("scheduler starting with %d jobs and %d sending threads",
             len(jobs.declared()), jobs.dispatcher.threads)
    worker = Worker(scheduler, jobs)
    if not background:  # systemd stops with SIGTERM: finish the sends, hand over the lead
        signal.signal(signal.SIGTERM, _exit)
    try:
        scheduler.start()
    finally:
        if not background:
            worker.shutdown(wait=False)
    return worker


def _exit(signum, frame):
    raise SystemExit(0)
