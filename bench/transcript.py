"""Play a citizen through the sandbox and print the conversation as the citizen sees it.

The app runs here, over real HTTP, on a temporary SQLite file with the sandbox and the worker,
as in the report-flow tests. Each argument is one thing the citizen sends: text, or a JSON
short form such as '{"event_name": "user_send_location", "latitude": 10.77, "longitude":
106.7}'. Run: python bench/transcript.py "Nhà kế bên đang cháy to" "Ghi nhận phản ánh"
"""
import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zalo_oa import create_app, migrations, seed, worker
from zalo_oa.db import database
from zalo_oa.sandbox import seed as sandbox_seed

SETTLE_SECONDS = 0.6


def serve(folder):
    """The app with its sandbox and worker on loopback; returns (url, stop)."""
    server = make_server("127.0.0.1", 0, None, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/t.db", "SANDBOX": True,
                      "SECRET_KEY": "transcript", "MEDIA_DIR": f"{folder}/media",
                      "LOG_LEVEL": "ERROR", "QUIET_HOURS": "off", "PUBLIC_URL": url})
    with app.app_context():
        database.connect(reuse_if_open=True)
        migrations.upgrade(sandbox=True)
        seed.load_reference_data()
        sandbox_seed.ensure_token()
    server.app = app
    scheduler = worker.start(app, background=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        scheduler.shutdown(wait=True)
        server.shutdown()
    return url, stop


def describe(message):
    """One bot message as text, its buttons in brackets."""
    body = message.get("message") or {}
    text = body.get("text", "")
    payload = (body.get("attachment") or {}).get("payload") or {}
    if payload.get("template_type") == "request_user_info":
        text = f"[contact card] {payload['elements'][0]['subtitle']}"
    buttons = payload.get("buttons") or []
    labels = [b["title"] + (f" ☎{b['payload']['phone_code']}" if b["type"] == "oa.open.phone"
                            else "") for b in buttons]
    return text + (("\n      " + " ".join(f"[{label}]" for label in labels)) if labels else "")


def play(url, user_id, inputs, out):
    base = f"{url}/sandbox/citizens/{user_id}"
    seen = 0
    for number, given in enumerate(inputs, 1):
        form = json.loads(given) if given.lstrip().startswith("{") else {
            "event_name": "user_send_text", "text": given}
        shown = form.get("text") or json.dumps(form,
                                               ensure_ascii=False)
        out.write(f"{number}. citizen: {shown}\n")
        requests.post(f"{base}/events", json=form, timeout=10).raise_for_status()
        deadline = time.monotonic() + 5
        while True:
            time.sleep(SETTLE_SECONDS)
            messages = requests.get(f"{base}/messages", timeout=5).json()
            if len(messages) > seen or time.monotonic() > deadline:
                break
        for message in messages[seen:]:
            out.write("   bot: " + describe(message["payload"]).replace("\n", "\n        ")
                      + "\n")
        seen = len(messages)
    return len(inputs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--user", default="transcript-citizen")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url, stop = serve(folder)
        try:
            steps = play(url, args.user, args.inputs, sys.stdout)
        finally:
            stop()
    print(f"-- {steps} messages from the citizen")


if __name__ == "__main__":
    main()
