"""Run the service's commands as real processes for tests: environment, start, wait, stop."""
import os
import signal
import socket
import subprocess
import sys
import time

ZALO_OA = os.path.join(os.path.dirname(sys.executable), "zalo-oa")


def process_env(database_url, public_url, **settings):
    """The environment of a `zalo-oa` process on the test's database, with the sandbox that
    `public_url` serves standing in for Zalo."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZALO_")}
    env.update(ZALO_OA_DATABASE_URL=database_url, ZALO_OA_SANDBOX="1",
               ZALO_OA_PUBLIC_URL=public_url, ZALO_OA_SECRET="test",
               ZALO_OA_LOG_LEVEL="WARNING", **settings)
    return env


def run_command(server, *args):
    """Run `zalo-oa *args` to the end against a live server's database and sandbox."""
    env = process_env(server.app.config["DATABASE_URL"], server.url)
    return subprocess.run([ZALO_OA, *args], env=env, capture_output=True, text=True,
                          timeout=90, check=False)


def start(args, env, log=None):
    """Start `zalo-oa *args` in its own process group; its output goes to `log` (a path)."""
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
    try:
        return subprocess.Popen([ZALO_OA, *args], env=env, stdout=out,
                                stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
                                start_new_session=True)
    finally:
        if log:
            out.close()


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid):
    """The process ids `pid` started (gunicorn's workers), as a set."""
    with open(f"/proc/{pid}/task/{pid}/children") as handle:
        return {int(child) for child in handle.read().split()}
