"""The worker's event handling alone: record a backlog of citizen texts, then time its drain.

Every event goes the whole way (citizen, dialogue step, replies queued) through the worker's
own pass (handlers.process_pending), with ZALO_OA_EVENT_THREADS threads on PostgreSQL. Printed:
events/s and this process's CPU per event (target >= 200 events/s per worker on PostgreSQL).

Run: python bench/events.py [--events 3000] [--users 1000] [--database-url postgresql://...]
(SQLite in a temporary directory by default.)
"""
import argparse
import json
import time

from bench_app import bench_app

from zalo_oa import handlers
from zalo_oa.intake import inbox, learning


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    return parser.parse_args(argv)


def record_backlog(count, users):
    """`count` texts from `users` citizens, as the webhook records them."""
    run, now = f"{time.time():.0f}", int(time.time() * 1000)
    for n in range(count):
        user = str(9_000_000_000_000 + n % users)
        payload = {"app_id": "bench-app", "sender": {"id": user}, "recipient": {"id": "bench-oa"},
                   "user_id_by_app": user, "event_name": "user_send_text",
                   "message": {"msg_id": f"bench-{run}-{n}", "text": f"bench {n}"},
                   "timestamp": str(now + n)}
        inbox.record(payload, json.dumps(payload))


def main(argv=None):
    args = parse(argv)
    with bench_app(args.database_url) as (app, url):
        learning.retrain_if_changed()  # as the worker does before its first pass
        record_backlog(args.events, args.users)
        started, cpu = time.perf_counter(), time.process_time()
        handled = 0
        while done := handlers.process_pending():
            handled += done
        seconds = time.perf_counter() - started
        cpu_ms = (time.process_time() - cpu) * 1000 / max(handled, 1)
    print(f"database: {url.split(':', 1)[0]}; threads: {app.config.get('EVENT_THREADS', 1)}")
    print(f"handled:  {handled} events in {seconds:.2f} s = {handled / seconds:.0f} events/s")
    print(f"cpu:      {cpu_ms:.2f} ms per event in this process")

if __name__ == "__main__":
    main()
