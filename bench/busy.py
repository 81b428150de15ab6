"""The webhook while the worker is busy: `zalo-oa serve` and `zalo-oa worker` on one database.

Both run as real processes on a fresh database. Once the worker beats, wrk (bench/webhook.lua:
every request a distinct, signed `user_send_text` from one of --users citizens) puts --rate
requests/s on the webhook for --duration seconds while the worker handles the events (event ->
dialogue step -> replies queued). Printed: the webhook's acks/s, p50 and p99 (target p99 <
100 ms), the events the worker handled per second while it had a backlog (target >= 200/s per
worker process on PostgreSQL), and how long it needed after the load stopped to drain.

Run: .venv/bin/python bench/busy.py [--duration 10] [--rate 600] [--workers 1] [--nice 10]
                                     [--database-url postgresql://... (an empty database)]
"""
import argparse
import datetime as dt
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

import webhook as wh  # bench/webhook.py: the servers, wrk and its signing script

P99_TARGET_MS = 100.0
EVENTS_TARGET = 200.0  # per worker process, PostgreSQL
POLL_S = 0.5


def parse_args(argv=None):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of webhook load")
    parser.add_argument("--rate", type=int, default=600, help="webhook requests/s (0: flat out)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--users", type=int, default=1000, help="distinct citizens")
    parser.add_argument("--workers", type=int, default=1, help="`zalo-oa worker` processes")
    parser.add_argument("--web-workers", type=int, default=None,
                        help="gunicorn workers (default: zalo-oa serve's)")
    parser.add_argument("--nice", type=int, default=0,
                        help="run the workers at this CPU niceness (as a systemd Nice= would)")
    parser.add_argument("--database-url", default=None,
                        help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--drain-timeout", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, db)")
    return parser.parse_args(argv)


def query(database_url, sql):
    """One row of `sql`, read straight from the database the processes use."""
    from zalo_oa.db import make_database

    db = make_database(database_url)
    try:
        return db.execute_sql(sql).fetchone()
    finally:
        db.close()


def wait_for_workers(database_url, count, procs, timeout=120):
    """Block until `count` workers have beaten (each trains its classifier first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a worker exited early; see its log (--keep)")
        if query(database_url, "SELECT COUNT(*) FROM worker_heartbeat")[0] >= count:
            return
        time.sleep(POLL_S)
    raise RuntimeError(f"workers not beating after {timeout}s")


def waiting(database_url):
    """Events recorded but not handled yet."""
    return query(database_url, "SELECT COUNT(*) FROM inbound_event "
                               "WHERE status IN ('pending', 'retry')")[0]


def drain(database_url, timeout):
    """Seconds until no event waits, from now."""
    started = time.monotonic()
    while waiting(database_url):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"events still waiting after {timeout}s")
        time.sleep(POLL_S)
    return time.monotonic() - started


def handled_rate(database_url):
    """(events handled, events/s from the first to the last handled)."""
    count, first, last = query(database_url, "SELECT COUNT(*), MIN(handled_at), MAX(handled_at) "
                                             "FROM inbound_event WHERE status = 'done'")
    if isinstance(first, str):  # SQLite hands timestamps back as text
        first, last = dt.datetime.fromisoformat(first), dt.datetime.fromisoformat(last)
    span = (last - first).total_seconds() if count > 1 else 0
    return count, count / span if span else 0.0


def main(argv=None):
    """Start serve and worker, load the webhook, wait for the drain, print the figures."""
    args = parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    signal.signal(signal.SIGTERM, wh.raise_on_term)
    workdir = Path(tempfile.mkdtemp(prefix="zalo-oa-busy-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    env = wh.server_environment(database_url, workdir)
    env["ZALO_OA_LOG_LEVEL"] = "WARNING"
    procs = []
    try:
        wh.upgrade_database(env, workdir)
        if query(database_url, "SELECT COUNT(*) FROM inbound_event")[0]:
            sys.exit("the database already holds events: give an empty one")
        web = wh.webhook_target(args.web_workers)
        procs.append(wh.start_server(web, env, workdir))
        for n in range(args.workers):
            nice = ["nice", "-n", str(args.nice)] if args.nice else []
            worker = wh.Target(f"worker{n}", 0, [*nice, *wh.zalo_oa_command(), "worker"], "", "")
            procs.append(wh.start_server(worker, env, workdir))
        wh.wait_ready(web, procs[0])
        wait_for_workers(database_url, args.workers, procs[1:])
        load = os.getloadavg()[0]
        print(f"load: wrk {args.rate or 'flat out'} req/s, {args.connections} connections, "
              f"{args.duration}s; {args.workers} worker(s) at nice {args.nice}; "
              f"{database_url.split(':', 1)[0]}", flush=True)
        run_tag = uuid.uuid4().hex[:8]
        ack = wh.run_wrk(web.port, args, args.duration, run_tag, rate=args.rate)
        print(f"webhook: {ack['rps']:.0f} acks/s, p50 {wh.ms(ack['p50_us'])} ms, "
              f"p99 {wh.ms(ack['p99_us'])} ms, max {wh.ms(ack['max_us'])} ms, "
              f"{ack['non2xx']} non-2xx, {ack['errors']} socket errors", flush=True)
        left = waiting(database_url)
        # --workers 0: the webhook alone, the baseline for what the worker costs it
        drained = drain(database_url, args.drain_timeout) if args.workers else 0.0
        handled, rate = handled_rate(database_url)
    except KeyboardInterrupt as exc:
        sys.exit(f"interrupted ({exc}); processes stopped")
    finally:
        for proc in procs:
            wh.stop_server(proc)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    per_worker = rate / max(args.workers, 1)
    print(f"worker:  {handled} events handled, {rate:.0f} events/s ({per_worker:.0f} per "
          f"worker process) from first to last; {left} waiting when the load stopped, "
          f"drained {drained:.1f} s later")
    print(f"load average at start {load:.2f}, now {os.getloadavg()[0]:.2f} (other work on "
          f"these cores skews the figures)\n")
    checks = [(f"webhook p99 {wh.ms(ack['p99_us'])} ms < {P99_TARGET_MS:.0f} ms",
               ack["p99_us"] / 1000 < P99_TARGET_MS),
              ("no non-2xx responses or socket errors", ack["non2xx"] == ack["errors"] == 0)]
    if args.workers and not database_url.startswith("sqlite"):
        checks.append((f"{per_worker:.0f} events/s per worker >= {EVENTS_TARGET:.0f}",
                       per_worker >= EVENTS_TARGET))
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    sys.exit(0 if all(ok for _, ok in checks) else 1)


if __name__ == "__main__":
    main()
