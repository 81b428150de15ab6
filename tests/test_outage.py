"""Outage bookkeeping: one line when an outage starts and one when it ends, waits that grow."""
import logging

import pytest

from zalo_oa.outage import Outage


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def fail_when_due(outage, clock):
    """Wait out the current wait, fail again, and return the new wait."""
    clock.now += outage.wait_seconds()
    outage.failed(OSError("server closed the connection unexpectedly\nmore detail"))
    return outage.wait_seconds()


def test_waits_double_from_one_second_up_to_thirty(clock):
    outage = Outage(clock=clock)
    outage.failed(OSError("connection refused"))
    waits = [outage.wait_seconds()] + [fail_when_due(outage, clock) for _ in range(6)]
    assert waits == [1, 2, 4, 8, 16, 30, 30]


def test_failures_within_a_wait_do_not_lengthen_it(clock):
    outage = Outage(clock=clock)
    outage.failed(OSError("connection refused"))
    clock.now += 0.5
    for _ in range(20):  # every thread of the process failing at once
        outage.failed(OSError("connection refused"))
    assert outage.wait_seconds() == 0.5


def test_one_line_when_an_outage_starts_and_one_when_it_ends(clock, caplog):
    outage = Outage(clock=clock)
    with caplog.at_level(logging.WARNING, logger="zalo_oa.db"):
        for _ in range(50):
            fail_when_due(outage, clock)
        outage.succeeded(began=clock.now)
        outage.succeeded(began=clock.now)
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2
    assert lines[0].startswith("database unavailable: server closed the connection "
                               "unexpectedly (OSError)")
    assert lines[1].startswith("database available again after ")
    assert outage.wait_seconds() == 0 and not outage.down


def test_work_begun_before_the_outage_does_not_end_it(clock):
    outage = Outage(clock=clock)
    began = clock.now
    clock.now += 1
    outage.failed(OSError("connection refused"))
    outage.succeeded(began)
    assert outage.down


def test_the_report_shows_the_current_outage_then_the_last_one(clock):
    outage = Outage(clock=clock)
    assert outage.report() == {}
    outage.failed(OSError("connection refused"))
    clock.now += 12.5
    assert outage.report()["down_seconds"] == 12.5
    outage.succeeded(clock.now)
    last = outage.report()["last_outage"]
    assert last["seconds"] == 12.5 and last["reason"] == "connection refused"
    assert "down_since" not in outage.report()
