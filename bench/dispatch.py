"""Delivery engine throughput and reply latency against the sandbox.

20,000 queued messages are sent by a real `zalo-oa worker` to the sandbox, which answers
every call after `--latency-ms`; the worker's rate limit is `--rate` per second. Printed:
the achieved rate (target >= 0.95 R), the highest count in any one-second window (must not
exceed R), both taken from the times the sandbox received the calls, and the reply latency
from a citizen's webhook delivery to the API call that answers it (target p95 < 1 s).

Run: .venv/bin/python bench/dispatch.py [--messages 20000] [--rate 100] [--latency-ms 100]
                                        [--replies 50] [--database-url postgresql://...]
"""
import argparse
import bisect
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
SANDBOX_SERVER = Path(__file__).resolve().parent / "sandbox_server.py"


def parse_args(argv=None):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--rate", type=int, default=100, help="R, messages per second")
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--replies", type=int, default=50, help="citizen messages timed")
    parser.add_argument("--threads", type=int, default=None,
                        help="sending threads [enough for R at the latency, with headroom]")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--timeout", type=int, default=600, help="give up after (s)")
    return parser.parse_args(argv)


def free_port():
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database_url, public_url, **extra):
    """The settings both processes run with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZALO_")}
    env.update(ZALO_OA_DATABASE_URL=database_url, ZALO_OA_SANDBOX="1",
               ZALO_OA_PUBLIC_URL=public_url, ZALO_OA_SECRET="bench",
               ZALO_OA_LOG_LEVEL="WARNING", **extra)
    return env


def start(command, env, log_path):
    """Start a process in its own group, its output in a log file."""
    log = open(log_path, "wb")  # noqa: SIM115 - the process outlives this call
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process):
    """TERM the process group, then KILL it if it lingers."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def wait_until(predicate, timeout, what):
    """Poll `predicate` until true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.2)


def prepare(database_url, count):
    """Schema, the sandbox token, and `count` citizens each with one message due now."""
    os.environ["ZALO_OA_DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    from zalo_oa import create_app, migrations, seed
    from zalo_oa.db import database
    from zalo_oa.models import Citizen, OutboxMessage, utcnow
    from zalo_oa.sandbox import seed as sandbox_seed
    from zalo_oa.sandbox.models import SandboxUser

    app = create_app({"SANDBOX": True, "LOG_LEVEL": "WARNING"})
    app.app_context().push()
    database.connect(reuse_if_open=True)
    migrations.upgrade(sandbox=True)
    seed.load_reference_data()
    sandbox_seed.ensure_token()
    now = utcnow()
    with database.atomic():
        for start_at in range(0, count, 1000):
            ids = range(start_at, min(start_at + 1000, count))
            SandboxUser.insert_many([{"user_id": f"b{i}", "user_id_by_app": f"a{i}",
                                      "last_interaction_at": now} for i in ids]).execute()
            Citizen.insert_many([{"zalo_user_id": f"b{i}", "last_interaction_at": now}
                                 for i in ids]).execute()
            OutboxMessage.insert_many([{
                "zalo_user_id": f"b{i}", "citizen": i + 1, "kind": "bench",
                "payload": {"text": f"Thông báo số {i}"}, "dedupe_key": f"bench:{i}",
                "urgent": True, "due_at": now, "expires_at": now.replace(year=now.year + 1)}
                for i in ids]).execute()
    return app


def sent_times(prefix):
    """The sandbox's receive times (seconds) of the calls to users named `prefix`..."""
    from zalo_oa.sandbox.models import SandboxMessage

    rows = SandboxMessage.select(SandboxMessage.sent_at).where(
        SandboxMessage.user_id.startswith(prefix)).order_by(SandboxMessage.sent_at)
    return [row.sent_at.timestamp() for row in rows]


def busiest_second(times):
    """The most calls whose times fall within any one-second span."""
    best = 0
    for index, start_at in enumerate(times):
        best = max(best, bisect.bisect_left(times, start_at + 1.0, lo=index) - index)
    return best


def measure_replies(base, count):
    """Post `count` citizen texts through the sandbox; return webhook-to-call latencies (s)."""
    from zalo_oa.sandbox.models import SandboxEvent, SandboxMessage

    for index in range(count):
        user = f"r{index}"
        requests.post(f"{base}/sandbox/citizens/{user}/events",
                      json={"event_name": "user_send_text", "text": "Trợ giúp"}, timeout=10)
        time.sleep(0.05)
    wait_until(lambda: SandboxMessage.select().where(
        SandboxMessage.user_id.startswith("r")).count() >= count, 60, "the replies")
    latencies = []
    for index in range(count):
        user = f"r{index}"
        posted = SandboxEvent.get(SandboxEvent.user_id == user).sent_at
        answered = (SandboxMessage.select().where(SandboxMessage.user_id == user)
                    .order_by(SandboxMessage.sent_at).first().sent_at)
        latencies.append((answered - posted).total_seconds())
    return latencies


def percentile(values, fraction):
    """The value below which `fraction` of `values` fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def cpu_seconds(pid):
    """User + system CPU seconds used so far by a process and its children's group."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pid:  # same process group (each server runs in its own)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def report(args, times, started, finished, latencies, cpu):
    """Print the figures and the verdicts; return whether every target was met."""
    achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0
    busiest = busiest_second(times)
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    print(f"messages {len(times)}, R = {args.rate}/s, sandbox latency {args.latency_ms} ms, "
          f"wall time {finished - started:.1f} s")
    print(f"achieved rate      {achieved:8.1f} /s  ({achieved / args.rate:.3f} R)")
    print(f"busiest 1 s window {busiest:8d}")
    print(f"reply latency      p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
          f"({len(latencies)} replies, webhook delivery to API call)")
    print("CPU per message    " + ", ".join(f"{name} {seconds / len(times) * 1000:.2f} ms"
                                            for name, seconds in cpu.items()))
    checks = [(achieved >= 0.95 * args.rate, f"achieved rate >= 0.95 R ({achieved:.1f})"),
              (busiest <= args.rate, f"no one-second window above R ({busiest})"),
              (p95 < 1.0, f"reply latency p95 < 1 s ({p95 * 1000:.0f} ms)")]
    for ok, text in checks:
        print(("PASS  " if ok else "FAIL  ") + text)
    return all(ok for ok, _ in checks)


def main(argv=None):
    """Queue, send, time, report."""
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-dispatch-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    threads = args.threads or int(args.rate * args.latency_ms / 1000 * 1.5) + 4
    sandbox = worker = None
    try:
        prepare(database_url, args.messages)
        env = environment(database_url, base)
        sandbox = start([str(VENV_BIN / "python"), str(SANDBOX_SERVER), "--port", str(port)],
                        env, workdir / "sandbox.log")
        wait_until(lambda: _up(base), 30, "the sandbox")
        requests.post(f"{base}/sandbox/config", json={"latency_ms": args.latency_ms,
                                                      "rate_limit_per_minute": 10 ** 7},
                      timeout=5).raise_for_status()
        started = time.time()
        worker = start([str(VENV_BIN / "zalo-oa"), "worker"],
                       {**env, "ZALO_OA_SEND_RATE_PER_SECOND": str(args.rate),
                        "ZALO_OA_SEND_THREADS": str(threads)}, workdir / "worker.log")
        wait_until(lambda: _sent_count("b") >= args.messages, args.timeout, "the sends")
        finished = time.time()
        cpu = {"worker": cpu_seconds(worker.pid), "sandbox": cpu_seconds(sandbox.pid)}
        latencies = measure_replies(base, args.replies)
        return 0 if report(args, sent_times("b"), started, finished, latencies, cpu) else 1
    finally:
        stop(worker)
        stop(sandbox)
        print(f"(logs and database in {workdir})")


def _sent_count(prefix):
    from zalo_oa.sandbox.models import SandboxMessage

    return SandboxMessage.select().where(SandboxMessage.user_id.startswith(prefix)).count()


def _up(base):
    try:
        return requests.get(f"{base}/healthz", timeout=2).status_code in (200, 503)
    except requests.RequestException:
        return False


if __name__ == "__main__":
    sys.exit(main())
