"""The worker's jobs while the database is down: they wait longer each time, log one line when
the outage starts and one when it ends, and carry on by themselves."""
import logging
import time

from tests.outage_helpers import database_down
from zalo_oa import db, worker
from zalo_oa.db import database
from zalo_oa.models import WorkerHeartbeat
from zalo_oa.outage import Outage


def test_jobs_back_off_during_an_outage_and_resume_after_it(app, caplog):
    jobs = worker.Jobs(app)
    database.obj.outage = Outage(first=0.2, longest=1.0)  # the real waits, scaled down
    with caplog.at_level(logging.WARNING, logger="zalo_oa"), database_down():
        for _ in range(100):  # every job's passes during the outage
            jobs.run(jobs.heartbeat)
            jobs.run(jobs.events)
        first_wait = db.outage().wait_seconds()
        time.sleep(first_wait)
        jobs.run(jobs.heartbeat)
        second_wait = db.outage().wait_seconds()
    time.sleep(second_wait)
    jobs.run(jobs.heartbeat)
    lines = [record.getMessage() for record in caplog.records]
    assert 0.1 < first_wait <= 0.2 and 0.3 < second_wait <= 0.4
    assert len(lines) == 2, lines
    assert lines[0].startswith("database unavailable") and "available again" in lines[1]
    with app.app_context():
        assert WorkerHeartbeat.select().count() == 1
