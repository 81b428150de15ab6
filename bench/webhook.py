"""Webhook throughput and latency against a bare Flask endpoint, both served as `zalo-oa serve`.

Each target is started on a free loopback port, warmed up, then driven by wrk with
bench/webhook.lua (every request a distinct, correctly signed `user_send_text` event; the bare
endpoint gets the same requests so both pay the same client cost): once flat out, once paced at
half the measured maximum. Targets: webhook >= 0.5x the bare endpoint's requests/s, and the
webhook's p99 < 100 ms at half its maximum load.

Run: .venv/bin/python bench/webhook.py [--duration 10] [--connections 32] [--workers N]
                                        [--database-url postgresql://...]
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
VENV_BIN = Path(sys.executable).parent
LUA_SCRIPT = BENCH_DIR / "webhook.lua"
WEBHOOK_PATH = "/webhook/zalo"

APP_ID, OA_ID, OA_SECRET_KEY = "bench-app-1234", "bench-oa-5678", "bench-oa-secret-key"
THROUGHPUT_TARGET = 0.5  # webhook req/s over bare req/s
P99_TARGET_MS = 100.0  # webhook p99 at half its maximum load

START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10
WRK_GRACE_S = 30  # beyond --duration, before a hung wrk is killed


@dataclass
class Target:
    """One server to measure: how to start it and how to tell it is ready."""

    name: str
    port: int
    command: list
    ready_method: str
    ready_path: str
    results: dict = field(default_factory=dict)
    log_path: str = ""


def parse_args(argv=None):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers for both targets (default: zalo-oa serve's)")
    parser.add_argument("--users", type=int, default=1000, help="distinct sender ids")
    parser.add_argument("--database-url", default=None,
                        help="the webhook's database (default: a fresh SQLite file)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, db)")
    parser.add_argument("--bare-twice", action="store_true",
                        help="measure the bare app as both targets: checks this script's "
                             "machinery without the webhook (no database, no row count)")
    return parser.parse_args(argv)


def free_port():
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database_url, workdir):
    """The environment both servers run in: bench credentials, a private data dir."""
    env = dict(os.environ)
    # The service must never reach the real Zalo hosts from a benchmark: point them at a
    # loopback port nothing listens on, so any outbound call fails fast.
    dead = f"http://127.0.0.1:{free_port()}"
    env.update({
        "ZALO_OA_DATABASE_URL": database_url,
        "ZALO_APP_ID": APP_ID,
        "ZALO_OA_ID": OA_ID,
        "ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
        "ZALO_OA_SECRET": uuid.uuid4().hex,
        # Not ZALO_OA_DATA_DIR: it also holds the reference data `db upgrade` loads.
        "ZALO_OA_MEDIA_DIR": str(workdir / "media"),
        "ZALO_API_BASE": dead,
        "ZALO_OAUTH_BASE": dead,
        "ZALO_ZNS_BASE": dead,
        # bare_app.py imports zalo_oa, and runs with bench/ (not the project) on sys.path.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                    env.get("PYTHONPATH")])),
    })
    # Sandbox mode repoints the Zalo hosts and mounts extra routes; production has neither.
    env.pop("ZALO_OA_SANDBOX", None)
    return env


def zalo_oa_command():
    """How to run the `zalo-oa` CLI: the installed script, else the module."""
    script = VENV_BIN / "zalo-oa"
    return [str(script)] if script.exists() else [sys.executable, "-m", "zalo_oa.cli"]


def serve_flags(port, workers):
    """The serve options both targets get."""
    flags = ["--host", "127.0.0.1", "--port", str(port)]
    return flags + (["--workers", str(workers)] if workers else [])


def bare_target(name, workers):
    """bench/bare_app.py on a free port."""
    port = free_port()
    return Target(name, port, [sys.executable, str(BENCH_DIR / "bare_app.py"),
                               *serve_flags(port, workers)], "POST", WEBHOOK_PATH)


def webhook_target(workers):
    """`zalo-oa serve` on a free port."""
    port = free_port()
    return Target("webhook", port, [*zalo_oa_command(), "serve", *serve_flags(port, workers)],
                  "GET", "/healthz")


def upgrade_database(env, workdir):
    """Bring the webhook's database to the latest schema, as a deployment does."""
    subprocess.run([*zalo_oa_command(), "db", "upgrade"], env=env, cwd=workdir, check=True,
                   timeout=120)


def start_server(target, env, workdir):
    """Start the target in its own process group, output to a log file (a pipe could fill)."""
    log = open(workdir / f"{target.name}.log", "wb")  # noqa: SIM115 - the server outlives this call
    target.log_path = log.name
    try:
        return subprocess.Popen(target.command, env=env, cwd=workdir, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        log.close()


def probe(port, method, path):
    """The HTTP status `method path` gets, or None if nothing answers yet."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request(method, path, body=b"{}" if method == "POST" else None)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def wait_ready(target, proc):
    """Block until the target answers its readiness probe with 200, or fail."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{target.name} exited with {proc.returncode}\n"
                               + log_tail(target.log_path))
        if probe(target.port, target.ready_method, target.ready_path) == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"{target.name} not ready after {START_TIMEOUT_S}s\n"
                       + log_tail(target.log_path))


def log_tail(path, lines=30):
    """The end of a server log, for error messages."""
    text = Path(path).read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:])


def stop_server(proc):
    """Stop the server's whole process group (gunicorn master and workers): TERM, then KILL."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT_S), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run_wrk(port, args, duration, run_tag, rate=0):
    """Run wrk with the signing script; return its BENCH_RESULT figures plus req/s."""
    env = dict(os.environ, BENCH_APP_ID=APP_ID, BENCH_OA_ID=OA_ID, BENCH_SECRET=OA_SECRET_KEY,
               BENCH_RUN=run_tag, BENCH_USERS=str(args.users), BENCH_RATE=str(rate),
               BENCH_THREADS=str(args.threads), BENCH_PATH=WEBHOOK_PATH)
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s",
               "--latency", "-s", str(LUA_SCRIPT), f"http://127.0.0.1:{port}{WEBHOOK_PATH}"]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True,
                         timeout=duration + WRK_GRACE_S).stdout
    return parse_wrk(out)


def parse_wrk(output):
    """Read the figures webhook.lua's done() prints; wrk's own text rounds them."""
    for line in output.splitlines():
        if line.startswith("BENCH_RESULT "):
            result = json.loads(line.split(" ", 1)[1])
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
            result["errors"] = sum(result[k] for k in ("connect_errors", "read_errors",
                                                       "write_errors", "timeouts"))
            return result
    raise RuntimeError("wrk printed no BENCH_RESULT line:\n" + output)


def measure(target, args, env, workdir, run_id):
    """Start the target, warm it up, measure it flat out and at half that rate, stop it."""
    proc = start_server(target, env, workdir)
    try:
        wait_ready(target, proc)
        runs = {"warmup": run_wrk(target.port, args, args.warmup, f"{run_id}w")}
        runs["max"] = run_wrk(target.port, args, args.duration, f"{run_id}m")
        half_rate = max(1, round(runs["max"]["rps"] / 2))
        runs["half"] = run_wrk(target.port, args, args.duration, f"{run_id}h", rate=half_rate)
        runs["half"]["target_rps"] = half_rate
        target.results = runs
    finally:
        stop_server(proc)


def count_events(database_url):
    """Rows in `inbound_event`, read straight from the database the webhook wrote."""
    sys.path.insert(0, str(PROJECT_ROOT))
    from zalo_oa.db import make_database

    db = make_database(database_url)
    try:
        return db.execute_sql("SELECT COUNT(*) FROM inbound_event").fetchone()[0]
    finally:
        db.close()


def ms(us):
    """Microseconds as a millisecond string."""
    return f"{us / 1000:.1f}"


def print_report(targets, rows_added):
    """The table, the ratio, the storage check and PASS/FAIL."""
    header = (f"{'target':<8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>8} "
              f"{'sock err':>8} | {'half: asked':>11} {'got req/s':>9} {'p50 ms':>7} "
              f"{'p99 ms':>7} {'non-2xx':>8}")
    print(header)
    print("-" * len(header))
    for t in targets:
        top, half = t.results["max"], t.results["half"]
        print(f"{t.name:<8} {top['rps']:>8.0f} {ms(top['p50_us']):>7} {ms(top['p99_us']):>7} "
              f"{top['non2xx']:>8} {top['errors']:>8} | {half['target_rps']:>11} "
              f"{half['rps']:>9.0f} {ms(half['p50_us']):>7} {ms(half['p99_us']):>7} "
              f"{half['non2xx']:>8}")
    bare, webhook = (t.results for t in targets)
    ratio = webhook["max"]["rps"] / bare["max"]["rps"]
    p99_half = webhook["half"]["p99_us"] / 1000
    answered = sum(r["requests"] - r["non2xx"] for r in webhook.values())
    print()
    checks = [
        (f"throughput ratio webhook/bare = {ratio:.2f} (target >= {THROUGHPUT_TARGET})",
         ratio >= THROUGHPUT_TARGET),
        (f"webhook p99 at half load = {p99_half:.1f} ms (target < {P99_TARGET_MS:.0f} ms)",
         p99_half < P99_TARGET_MS),
        ("no non-2xx responses or socket errors",
         all(r["non2xx"] == 0 and r["errors"] == 0 for t in targets for r in t.results.values())),
    ]
    if rows_added is not None:
        # wrk stops mid-flight, so the server may have stored a few events wrk never counted.
        print(f"webhook events stored: {rows_added} rows in inbound_event "
              f"for {answered} 2xx webhook responses (warm-up included)")
        checks.append((f"every 2xx webhook response stored a row ({rows_added} >= {answered})",
                       rows_added >= answered > 0))
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return all(ok for _, ok in checks)


def raise_on_term(signum, frame):
    """Turn SIGTERM into an exception so the finally blocks stop the servers."""
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    """Measure both targets in one run and print the comparison; exit 1 on FAIL."""
    args = parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    signal.signal(signal.SIGTERM, raise_on_term)
    workdir = Path(tempfile.mkdtemp(prefix="zalo-oa-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    env = server_environment(database_url, workdir)
    load_at_start = os.getloadavg()[0]
    run_id = uuid.uuid4().hex[:8]  # msg_ids stay unique on a reused (PostgreSQL) database
    try:
        if args.bare_twice:
            targets = [bare_target("bare", args.workers), bare_target("bare-2", args.workers)]
        else:
            upgrade_database(env, workdir)
            rows_before = count_events(database_url)
            targets = [bare_target("bare", args.workers), webhook_target(args.workers)]
        for index, target in enumerate(targets):
            print(f"measuring {target.name}: {' '.join(target.command)}", flush=True)
            measure(target, args, env, workdir, f"{run_id}{index}")
        rows_added = None if args.bare_twice else count_events(database_url) - rows_before
        print(f"\nwrk: {args.threads} threads, {args.connections} connections, {args.duration}s "
              f"per measurement after {args.warmup}s warm-up; {args.users} distinct senders; "
              f"load average at start {load_at_start:.2f}, now {os.getloadavg()[0]:.2f} "
              f"(other work on these cores skews the figures)\n")
        passed = print_report(targets, rows_added)
    except KeyboardInterrupt as exc:
        sys.exit(f"interrupted ({exc}); servers stopped")
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
