"""Queue a broadcast to 100,000 citizens; print the time to queue and the peak memory.

Run: python bench/broadcast.py [--recipients 100000] [--database-url postgresql://...]
(SQLite in a temporary directory by default; the PostgreSQL database should be empty.)
"""
import argparse
import resource
import time
import tracemalloc

from bench_app import bench_app

from zalo_oa.broadcasts import service
from zalo_oa.db import database
from zalo_oa.models import Citizen, OutboxMessage, utcnow

INSERT_BATCH = 1000


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    return parser.parse_args(argv)


def make_citizens(count):
    """Followers who heard from the OA recently, inserted in bulk."""
    now = utcnow()
    for start in range(0, count, INSERT_BATCH):
        rows = [{"zalo_user_id": f"8{i:010d}", "is_follower": True, "last_interaction_at": now,
                 "area_code": "26734"} for i in range(start, min(start + INSERT_BATCH, count))]
        with database.atomic():
            Citizen.insert_many(rows).execute()


def measure(broadcast):
    """(seconds, peak traced bytes) of one fan-out."""
    tracemalloc.start()
    started = time.perf_counter()
    service.fan_out(broadcast)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak


def main(argv=None):
    args = parse(argv)
    with bench_app(args.database_url) as (_, url):
        make_citizens(args.recipients)
        broadcast = service.save_draft({"title": "Thông báo", "body": "Cúp nước 8-12h",
                                           "audience": {"all": True}})
        seconds, peak = measure(broadcast)
        queued = OutboxMessage.select().where(OutboxMessage.broadcast == broadcast).count()
        print(f"database:       {url.split(':', 1)[0]}")
        print(f"queued:         {queued} messages")
        print(f"time to queue:  {seconds:.2f} s ({queued / seconds:,.0f} per second)")
        print(f"peak traced:    {peak / 1e6:.1f} MB (tracemalloc, during the fan-out)")
        print(f"max RSS:        {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
