"""A million cases: fill a database in realistic proportions, then time the pages and the
scheduler's queries that must stay fast at that size; prints a table of medians.

Run: python bench/scale.py [--cases 1000000] [--database-url postgresql://...] [--keep]
The fill is server-side (INSERT ... SELECT over generate_series on PostgreSQL, over a recursive
CTE on SQLite) and takes minutes at a million cases (see the README's performance section).
Per case: 5 outbox rows, 1 timeline entry, 0.2 follow-ups; 0.3 citizens. Cases span two years
up to now, mostly closed; the newest 3 % are still open. `--keep` reuses a filled database
(its URL with --database-url; SQLite defaults to data/scale.db, kept between runs).
"""
import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.factories import login, make_staff
from zalo_oa import create_app, migrations, seed
from zalo_oa.broadcasts import service as broadcasts
from zalo_oa.cases import followups, queries, rollup
from zalo_oa.cases.queries import Filters
from zalo_oa.db import database, is_postgres
from zalo_oa.delivery import outbox
from zalo_oa.models import Case, Category, Staff, StatsRollup

DAYS = 730
BATCH = 250_000
RUNS = 5
SLOW_MS = 3000
DESCRIPTIONS = ("Đèn đường bị hỏng, tối om cả đoạn", "Cống bị nghẹt gây ngập khi mưa",
                "Ổ gà lớn giữa đường nguy hiểm", "Rác thải ùn ứ nhiều ngày chưa thu gom",
                "Cây xanh gãy cành sắp đổ", "Vỉa hè bị lấn chiếm bán hàng",
                "Nước sinh hoạt có mùi lạ", "Tiếng ồn công trình ban đêm",
                "Xe máy đậu chắn lối đi", "Biển báo giao thông bị che khuất",
                "Đường ống nước bị vỡ", "Nắp hố ga bị mất", "Khói bụi từ xưởng sản xuất",
                "Quảng cáo dán trái phép trên cột điện", "Chó thả rông không rọ mõm",
                "Cáp viễn thông treo thấp võng xuống đường")
STREETS = ("Lê Lợi", "Nguyễn Huệ", "Điện Biên Phủ", "Hai Bà Trưng", "Trần Hưng Đạo",
           "Đội Cấn", "Phố Huế", "Hàng Bài", "Cách Mạng Tháng Tám", "Võ Văn Tần",
           "Lý Thường Kiệt", "Đinh Tiên Hoàng", "Nguyễn Thị Minh Khai", "Pasteur")


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true",
                        help="reuse the database if it already holds --cases cases")
    parser.add_argument("--only", default="",
                        help="time only the rows whose name contains one of these "
                        "comma-separated texts")
    return parser.parse_args(argv)


# --- SQL that reads the same on both engines (pseudo-random from the row number i) ----------

def pick(expr, values):
    """A CASE choosing values[expr] (expr in 0..len-1); strings quoted, numbers as they are."""
    arms = " ".join(f"WHEN {n} THEN {v if isinstance(v, int) else repr(v)}"
                    for n, v in enumerate(values))
    return f"(CASE {expr} {arms} END)"


def stamp(start, seconds):
    """`start` plus `seconds` (an SQL integer expression), as a timestamp."""
    if is_postgres():
        return f"(TIMESTAMP '{start}' + ({seconds}) * INTERVAL '1 second')"
    return f"datetime('{start}', '+' || ({seconds}) || ' seconds')"


def number(expr):
    """An SQL integer expression as text, unpadded."""
    return f"(({expr})::text)" if is_postgres() else f"CAST({expr} AS TEXT)"


def pad(expr, width):
    """Zero-padded to `width` digits (PostgreSQL's lpad would cut a longer number)."""
    if is_postgres():
        return f"lpad(({expr})::text, {width}, '0')"
    return f"printf('%0{width}d', {expr})"


def insert_series(table, columns, total):
    """INSERT INTO `table` one row per i in 1..total, in batches (one transaction each)."""
    names = ", ".join(f'"{c}"' for c in columns)
    exprs = ", ".join(columns.values())
    for low in range(1, total + 1, BATCH):
        high = min(low + BATCH - 1, total)
        if is_postgres():
            sql = (f'INSERT INTO "{table}" ({names}) SELECT {exprs} '
                   f"FROM generate_series({low}::bigint, {high}) AS s(i)")
        else:
            sql = (f"WITH RECURSIVE s(i) AS (SELECT {low} UNION ALL SELECT i + 1 FROM s "
                   f'WHERE i < {high}) INSERT INTO "{table}" ({names}) SELECT {exprs} FROM s')
        with database.atomic():
            # A bare cursor: no parameters, so "%" stays the modulo operator for psycopg2.
            database.cursor().execute(sql)
        print(f"  {table}: {high:,}/{total:,}", flush=True)


def fill(n, start):
    """n cases and their citizens, timeline, outbox rows and follow-ups."""
    categories = [c.id for c in Category.select(Category.id).order_by(Category.id)]
    citizens = max(n * 3 // 10, 1)
    span = DAYS * 86400
    start = start.strftime("%Y-%m-%d %H:%M:%S")

    def at(seconds):
        return stamp(start, seconds)

    reported = f"(i * {span} / {n})"  # case i: start + its share of two years
    insert_series("citizen", {
        "zalo_user_id": "'u' || " + pad("i", 9), "locale": "'vi'",
        "is_follower": "(i % 10 <> 0)", "tags": "'[]'", "topics": "'[]'",
        "announcements_off": "(i % 50 = 0)", "burst_count": "0",
        "phone": f"(CASE WHEN i % 3 = 0 THEN '849' || {pad('i', 8)} END)",
        "area_code": "'267' || " + pad("i * 7 % 60", 2),
        "created_at": at(f"i * {span} / {citizens}"),
        "last_interaction_at": at(f"i * {span} / {citizens}")}, citizens)
    # Category skewed towards the first ones (lighting, roads): k*k/len spreads 0..len-1.
    cat = f"((i * 7919 % 1000) * (i * 7919 % 1000) * {len(categories)} / 1000000)"
    open_from = n - n * 3 // 100
    status = (f"(CASE WHEN i > {open_from} THEN "
              + pick("i % 5", ("new", "received", "assigned", "in_progress", "reopened"))
              + " ELSE " + pick("i * 13 % 20", ("closed",) * 15 + ("resolved", "rejected",
                                                                    "duplicate", "closed",
                                                                    "resolved"))
              + " END)")
    insert_series("case", {
        "code": "'PA-' || " + pad("i % 10000", 4) + " || '-' || " + pad("i", 7),
        "category_id": pick(cat, categories), "citizen_id": f"1 + i * 7 % {citizens}",
        "department_id": f"(SELECT department_id FROM category WHERE id = {pick(cat, categories)})",
        "description": pick(f"i * 31 % {len(DESCRIPTIONS)}", DESCRIPTIONS)
        + " || ' (số ' || " + number("i % 997") + " || ')'",
        "address": "'Số ' || " + number("i % 300 + 1") + " || ' ' || "
        + pick(f"i * 17 % {len(STREETS)}", STREETS),
        "area_code": "'267' || " + pad("i * 11 % 60", 2), "status": status,
        "priority": "(CASE WHEN i % 40 = 0 THEN 'urgent' ELSE 'normal' END)",
        "reopen_count": "(i % 50 = 0)::int" if is_postgres() else "(i % 50 = 0)",
        "channel": "'zalo'", "is_public": "(i % 8 <> 0)", "notify_by_phone": "(1 = 0)",
        "description_public": "(i % 3 = 0)", "follower_count": "i % 4",
        "latitude": "10.75 + (i % 1000) / 10000.0", "longitude": "106.65 + (i % 997) / 10000.0",
        "created_at": at(reported), "updated_at": at(f"{reported} + 86400"),
        "due_at": at(f"{reported} + 5 * 86400"),
        "resolved_at": f"(CASE WHEN i <= {open_from} THEN {at(f'{reported} + 3 * 86400')} END)",
        "closed_at": f"(CASE WHEN i <= {open_from} THEN {at(f'{reported} + 4 * 86400')} END)",
        "first_response_at": at(f"{reported} + 3600")}, n)
    insert_series("timeline_entry", {
        "case_id": f"1 + (i - 1) % {n}", "kind": pick("i % 3", ("status", "note", "reply")),
        "actor": "'system'", "public": "(i % 3 <> 1)", "body": "'Đã tiếp nhận và chuyển xử lý'",
        "created_at": at(f"((i - 1) % {n}) * {span} / {n} + 7200")}, n)
    pending_from = 5 * n - 200  # the newest 200 messages are due now, unsent
    insert_series("outbox_message", {
        "zalo_user_id": "'u' || " + pad(f"1 + i * 7 % {citizens}", 9),
        "citizen_id": f"1 + i * 7 % {citizens}",
        "case_id": "(CASE WHEN i % 5 < 3 THEN 1 + (i - 1) / 5 END)",
        "kind": pick("i % 5", ("reply", "status", "reply", "broadcast", "followup")),
        "api": "'cs'", "payload": "'{\"text\": \"Cảm ơn bạn đã phản ánh\"}'", "urgent": "(1 = 0)",
        "status": f"(CASE WHEN i > {pending_from} THEN 'pending' ELSE "
                  + pick("i % 50", ("sent",) * 47 + ("failed", "skipped", "expired")) + " END)",
        "due_at": at(f"CASE WHEN i > {pending_from} THEN {span} - 60 "
                        f"ELSE (i - 1) / 5 * {span} / {n} END"),
        "sent_at": f"(CASE WHEN i <= {pending_from} THEN "
                   f"{at(f'(i - 1) / 5 * {span} / {n} + 2')} END)",
        "attempts": "1", "resends": "0",
        "created_at": at(f"(i - 1) / 5 * {span} / {n}")}, 5 * n)
    insert_series("follow_up", {
        "case_id": "i * 5", "kind": pick("i % 3", ("still_handling", "fixed_check",
                                                    "auto_close")),
        "due_at": at(f"i * 5 * {span} / {n} + 7 * 86400"),
        "status": f"(CASE WHEN i * 5 > {open_from} THEN 'pending' ELSE 'done' END)",
        "dedupe_key": "'f' || " + pad("i", 9),
        "created_at": at(f"i * 5 * {span} / {n}")}, n // 5)
    # Statistics and the visibility map as autovacuum keeps them on a live database.
    database.execute_sql("VACUUM ANALYZE" if is_postgres() else "ANALYZE")


# --- timing ----------------------------------------------------------------------------------

def median_ms(run):
    """(median ms, runs): RUNS runs after a warm-up, or only the warm-up's second run when
    that took over SLOW_MS (a stats page at a million cases would take minutes otherwise)."""
    started = time.perf_counter()
    run()  # warm the caches once
    runs = RUNS if (time.perf_counter() - started) * 1000 < SLOW_MS else 1
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), runs


def page(client, url):
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return run


def rolled_back(work):
    """Run `work` in a transaction and undo it, so every run sees the same due rows."""
    def run():
        with database.atomic() as txn:
            work()
            txn.rollback()
    return run


def measurements(client, n, now):
    """(name, target ms, callable) for every figure the issue asks for."""
    middle = Case.get_by_id(n // 2)
    lighting = Category.get(Category.slug == "lighting").id
    month_start = (now.replace(day=1) - dt.timedelta(days=1)).replace(day=1).date()
    month_end = now.replace(day=1).date() - dt.timedelta(days=1)
    year_start = month_end - dt.timedelta(days=364)
    before_any_followup = now - dt.timedelta(days=2 * DAYS)
    operator = Staff.get(Staff.username == "lan")

    def query(function, **filters):
        return lambda: function(Filters(**filters), operator, now)

    return [
        ("inbox, first page", 150, page(client, "/")),
        ("inbox, open cases", 150, page(client, "/?status=open")),
        ("inbox, closed + category, deep page", 150,
         page(client, f"/?status=closed&category={lighting}&after={n // 2}")),
        ("inbox, search 'den duong' (common)", 150, page(client, "/?q=den duong")),
        ("inbox, search 'cap vien thong vong'", 150, page(client, "/?q=cap vien thong vong")),
        ("inbox, search 'dien bien phu' + open", 150,
         page(client, "/?q=dien bien phu&status=open")),
        ("inbox, search prefix 'nap ho g'", 150, page(client, "/?q=nap ho g")),
        ("inbox, search rare 'so 996' (0.1 %)", 150, page(client, "/?q=so 996")),
        ("  of which page() query, newest", 150, query(queries.page)),
        ("  of which counts() per status, no filter", 150, query(queries.counts)),
        ("  of which page() query, 'den duong'", 150, query(queries.page, q="den duong")),
        ("  of which counts(), 'den duong'", 150, query(queries.counts, q="den duong")),
        ("case page", 100, page(client, f"/cases/{middle.code}")),
        ("stats, one month", 1000,
         page(client, f"/stats?from={month_start}&to={month_end}")),
        ("stats, one year", 1000, page(client, f"/stats?from={year_start}&to={month_end}")),
        ("tick: outbox due lease (50)", 20,
         rolled_back(lambda: outbox.claim_due(limit=50, now=now, lease_seconds=60))),
        ("tick: follow-ups due", 20, lambda: followups.run_due(now=before_any_followup)),
        ("tick: broadcasts due", 20, lambda: broadcasts.run_due(now=now)),
        ("open311 requests.json (90 days, 1000)", 200,
         page(client, "/open311/v2/requests.json")),
        ("open311 requests.json?status=open", 200,
         page(client, "/open311/v2/requests.json?status=open&page_size=100")),
    ]


def main(argv=None):
    args = parse(argv)
    url = args.database_url or f"sqlite:///{Path('data/scale.db').resolve()}"
    app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "SECRET_KEY": "bench",
                      "MEDIA_DIR": str(Path(tempfile.gettempdir()) / "zalo_oa_scale_media")})
    with app.app_context():
        database.connect(reuse_if_open=True)
        migrations.upgrade()
        seed.load_reference_data()
        have = Case.select().count()
        now = dt.datetime.utcnow().replace(microsecond=0)
        if not (args.keep and have == args.cases):
            if have:
                sys.exit(f"the database holds {have:,} cases: give an empty one, or --keep "
                         f"with --cases {have}")
            started = time.perf_counter()
            fill(args.cases, now - dt.timedelta(days=DAYS))
            print(f"filled {args.cases:,} cases in {time.perf_counter() - started:.0f} s")
        now = Case.select(Case.created_at).order_by(Case.id.desc()).scalar() \
            + dt.timedelta(minutes=1)
        if StatsRollup.get_or_none(StatsRollup.until.is_null(False)) is None:
            # As the worker does within ten minutes of an upgrade (then every ten minutes).
            started = time.perf_counter()
            weeks = rollup.refresh()
            print(f"statistics totals built: {weeks} weeks in "
                  f"{time.perf_counter() - started:.1f} s")
        if not Staff.select().where(Staff.username == "lan").exists():
            make_staff()  # the bench's operator (kept with --keep)
    client = app.test_client()
    with app.app_context():
        assert login(client).status_code == 302
        engine = "PostgreSQL" if is_postgres() else "SQLite"
        print(f"\n{engine}, {args.cases:,} cases; median of {RUNS} runs after a warm-up (ms)")
        print(f"{'what':44} {'median':>8} {'target':>7} {'runs':>5}")
        for name, target, run in measurements(client, args.cases, now):
            if not any(part in name for part in args.only.split(",")):
                continue
            ms, runs = median_ms(run)
            flag = "" if ms < target else "  MISSED"
            print(f"{name:44} {ms:8.1f} {target:7} {runs:5}{flag}", flush=True)


if __name__ == "__main__":
    main()
