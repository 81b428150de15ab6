"""Places at city scale: ward lookups per second over 168 ward outlines, and the time of the
"open cases nearby" query (me too, merge suggestions) at a million cases, on SQLite and, when
one answers, PostgreSQL.

Run: python bench/place.py [--cases 1000000] [--queries 500]
     [--postgres postgresql://postgres@127.0.0.1:5432/postgres]   (a scratch database is made
     there and dropped; give --postgres "" to skip it)

The 168 outlines are a Voronoi partition of the city's extent, each edge bent into many
vertices (about 200 per ward, like real boundaries); cases cluster in the centre the way
reports do (60 % within 6 km of Bến Thành), 14 categories, 8 % still open.
"""
import argparse
import io
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import shapely

from zalo_oa import create_app, migrations, seed
from zalo_oa.cases import rules
from zalo_oa.db import database, is_postgres
from zalo_oa.models import Case, Category
from zalo_oa.places.nearby import cases_near
from zalo_oa.places.wards import WardIndex

CITY = (106.35, 10.35, 107.55, 11.45)  # lon, lat box of the city since July 2025
CENTRE = (10.7725, 106.6980)
BATCH = 20_000


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--lookups", type=int, default=200_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    return parser.parse_args(argv)


# --- ward lookups -------------------------------------------------------------------------

def ward_outlines(count=168, vertices=200, seed_value=7):
    """`count` outlines tiling the city, each with about `vertices` vertices."""
    rng = random.Random(seed_value)
    minx, miny, maxx, maxy = CITY
    points = shapely.MultiPoint([(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
                                 for _ in range(count)])
    cells = shapely.voronoi_polygons(points, extend_to=shapely.box(*CITY))
    outlines = []
    for cell in cells.geoms:
        inside = cell.intersection(shapely.box(*CITY))
        outlines.append(shapely.segmentize(inside, inside.length / vertices))
    return outlines


def bench_lookups(count):
    outlines = ward_outlines()
    started = time.perf_counter()
    index = WardIndex((str(i), o) for i, o in enumerate(outlines))
    built = time.perf_counter() - started
    rng = random.Random(1)
    minx, miny, maxx, maxy = CITY
    points = [(rng.uniform(miny, maxy), rng.uniform(minx, maxx)) for _ in range(count)]
    started = time.perf_counter()
    found = sum(index.lookup(lat, lon) is not None for lat, lon in points)
    seconds = time.perf_counter() - started
    vertices = sum(len(o.exterior.coords) for o in outlines) / len(outlines)
    print(f"ward lookup: {len(outlines)} outlines, {vertices:.0f} vertices each on average; "
          f"index built in {built * 1000:.0f} ms")
    print(f"  {count / seconds:,.0f} lookups/s ({seconds / count * 1e6:.1f} µs each); "
          f"{found / count:.1%} of points inside a ward")


# --- nearby cases at a million --------------------------------------------------------------

def random_place(rng):
    if rng.random() < 0.6:  # the centre, within about 6 km
        return (CENTRE[0] + rng.gauss(0, 0.025), CENTRE[1] + rng.gauss(0, 0.025))
    minx, miny, maxx, maxy = CITY
    return rng.uniform(miny, maxy), rng.uniform(minx, maxx)


def case_rows(count, categories, rng):
    columns = ("category_id", "description", "latitude", "longitude", "status", "priority",
               "reopen_count", "channel", "is_public", "description_public", "follower_count",
               "created_at", "updated_at")
    now = "2026-11-20 08:00:00"
    for _ in range(count):
        lat, lon = random_place(rng)
        status = rng.choice(rules.OPEN_STATUSES) if rng.random() < 0.08 else "closed"
        yield columns, (rng.choice(categories), "bench", round(lat, 6), round(lon, 6), status,
                        "normal", 0, "zalo", True, False, 0, now, now)


def fill(count, categories):
    rng = random.Random(3)
    rows = case_rows(count, categories, rng)
    columns, first = next(rows)
    started = time.perf_counter()
    if is_postgres():
        _copy_postgres(columns, [first, *(r for _, r in rows)])
    else:
        _insert_sqlite(columns, [first, *(r for _, r in rows)])
    database.execute_sql("ANALYZE")
    print(f"  {count:,} cases inserted in {time.perf_counter() - started:.0f} s")


def _insert_sqlite(columns, rows):
    sql = (f'INSERT INTO "case" ({", ".join(columns)}) '
           f'VALUES ({", ".join("?" * len(columns))})')
    connection = database.connection()
    for start in range(0, len(rows), BATCH):
        with database.atomic():
            connection.executemany(sql, rows[start:start + BATCH])


def _copy_postgres(columns, rows):
    cursor = database.connection().cursor()
    for start in range(0, len(rows), BATCH * 5):
        buffer = io.StringIO()
        for row in rows[start:start + BATCH * 5]:
            buffer.write("\t".join("t" if v is True else "f" if v is False else str(v)
                                   for v in row) + "\n")
        buffer.seek(0)
        cursor.copy_expert(f'COPY "case" ({", ".join(columns)}) FROM STDIN', buffer)
    database.connection().commit()


def bench_nearby(url, count, queries, tmp):
    app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING",
                      "MEDIA_DIR": str(Path(tmp) / "media")})
    with app.app_context():
        database.connect(reuse_if_open=True)
        migrations.upgrade()
        seed.load_reference_data(79)
        categories = [c.id for c in Category.select()]
        engine = "PostgreSQL" if is_postgres() else "SQLite"
        print(f"nearby cases on {engine}:")
        fill(count, categories)
        rng = random.Random(11)
        times, found = [], 0
        for _ in range(queries):
            lat, lon = random_place(rng)
            started = time.perf_counter()
            found += len(cases_near(lat, lon, rng.choice(categories), rules.OPEN_STATUSES, 150,
                                    limit=3, where=Case.is_public))
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"  {queries} queries within 150 m: median {statistics.median(times):.2f} ms, "
              f"p95 {times[int(len(times) * 0.95)]:.2f} ms, max {times[-1]:.2f} ms "
              f"({found / queries:.2f} cases found per query)")
        database.close()


def postgres_scratch(admin_url):
    import psycopg2

    name = f"zalo_oa_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(admin_url, connect_timeout=3)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    return admin, name, f"{admin_url.rsplit('/', 1)[0]}/{name}"


def main(argv=None):
    args = parse(argv)
    bench_lookups(args.lookups)
    with tempfile.TemporaryDirectory() as tmp:
        bench_nearby(f"sqlite:///{Path(tmp) / 'bench.db'}", args.cases, args.queries, tmp)
        if args.postgres:
            try:
                admin, name, url = postgres_scratch(args.postgres)
            except Exception as exc:  # noqa: BLE001 - no server: say so and stop
                print(f"PostgreSQL not reachable ({type(exc).__name__}): skipped")
                return
            try:
                bench_nearby(url, args.cases, args.queries, tmp)
            finally:
                admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.close()


if __name__ == "__main__":
    main()
