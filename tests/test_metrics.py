"""GET /metrics: webhook outcomes and latency, sends and Zalo errors, job durations (this
process, or every process sharing PROMETHEUS_MULTIPROC_DIR), queue, token, worker and alert
gauges from the database; only for a monitor's token or an admin, like /healthz's details."""
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import load_payload, login, make_staff
from tests.outage_helpers import database_down
from tests.processes import free_port, process_env, start, stop, wait_for
from tests.sandbox_helpers import CS_PATH, citizen_event
from tests.signing import post_event, signed
from zalo_oa.delivery import alerts
from zalo_oa.models import Alert

TOKEN = "metrics-token-42"
MONITOR = {"Authorization": f"Bearer {TOKEN}"}


def samples(text):
    """{(sample name, sorted label pairs): value} of a scrape, read by prometheus_client."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(found, name, **labels):
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def scrape(url):
    response = requests.get(url + "/metrics", headers=MONITOR, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return samples(response.text)


def delta(before, after, name, **labels):
    return value(after, name, **labels) - value(before, name, **labels)


def test_webhook_outcomes_latency_and_pending_events(live_server_factory):
    server = live_server_factory(with_scheduler=False, HEALTH_TOKEN=TOKEN)
    before = scrape(server.url)
    for text in ("đèn đường hỏng", "ở đâu", "cảm ơn"):
        assert citizen_event(server, "u1", event_name="user_send_text",
                             text=text).json()["webhook_status"] == 200
    raw, headers = signed(server.app, load_payload("user_send_text.json"))
    for _ in range(2):  # the second is Zalo's retry of the same delivery
        assert requests.post(server.url + "/webhook/zalo", data=raw, headers=headers,
                             timeout=5).status_code == 200
    forged = post_event(server, load_payload("follow.json"), secret="not-the-secret")
    unsigned = requests.post(server.url + "/webhook/zalo", data=raw, timeout=5)
    assert (forged.status_code, unsigned.status_code) == (403, 401)
    after = scrape(server.url)
    name = "zalo_oa_webhook_requests_total"
    assert delta(before, after, name, outcome="accepted") == 4
    assert delta(before, after, name, outcome="duplicate") == 1
    assert delta(before, after, name, outcome="refused") == 2
    assert delta(before, after, "zalo_oa_webhook_request_duration_seconds_count") == 7
    assert delta(before, after, "zalo_oa_webhook_request_duration_seconds_bucket", le="+Inf") == 7
    assert value(after, "zalo_oa_events", status="pending") == 4
    assert value(after, "zalo_oa_database_up") == 1
    assert value(after, "zalo_oa_workers_alive") == 0  # no scheduler here
    assert value(after, "zalo_oa_scheduler_led", worker="") == 0


def test_sends_errors_by_zalo_code_jobs_token_and_workers(live_server_factory):
    server = live_server_factory(HEALTH_TOKEN=TOKEN)
    before = scrape(server.url)
    requests.post(f"{server.url}/sandbox/faults",
                  json={"path": CS_PATH, "error": -213, "count": 1}, timeout=5)
    for user in ("u1", "u2"):  # the first reply sent (to either) is refused
        citizen_event(server, user, event_name="user_send_text", text="xin chào")
    wait_for(lambda: _sent_and_refused(before, scrape(server.url)), 90,
             "a reply sent and a send refused")
    after = scrape(server.url)
    assert delta(before, after, "zalo_oa_send_errors_total", code="-213") == 1
    assert delta(before, after, "zalo_oa_messages_sent_total", channel="cs") >= 1
    assert value(after, "zalo_oa_outbox_sent_last_minute") >= 1
    assert value(after, "zalo_oa_outbox_failed_last_hour", code="-213") == 1
    assert value(after, "zalo_oa_outbox_settled_last_hour", status="sent") >= 1
    assert value(after, "zalo_oa_outbox_settled_last_hour", status="undeliverable") == 1
    assert delta(before, after, "zalo_oa_job_duration_seconds_count", job="events") >= 1
    assert value(after, "zalo_oa_workers_alive") == 1
    assert value(after, "zalo_oa_scheduler_led",
                 worker=server.scheduler.jobs.name) == 1  # the only worker leads
    assert 0 <= value(after, "zalo_oa_worker_heartbeat_age_seconds") < 30
    assert value(after, "zalo_oa_token_stored") == 1
    assert value(after, "zalo_oa_token_expires_in_seconds") > 3600


@pytest.fixture
def guarded(make_app):
    app = make_app(HEALTH_TOKEN=TOKEN)
    with app.app_context():
        alerts.raise_alert(alerts.BILLING, "Zalo -211: out of quota")
        Alert.create(kind="urgent_case:PA-2612-000001", message="a fallen tree")
        make_staff("boss", role="admin")
        make_staff("lan", role="operator")
    return app


def test_only_a_monitor_token_or_an_admin_may_scrape(guarded):
    client = guarded.test_client()
    for headers in ({}, {"Authorization": "Bearer metrics-token-4"}, {"Authorization": "Bearer "}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 403
        assert b"zalo_oa_" not in refused.data and b"quota" not in refused.data
    operator = guarded.test_client()
    login(operator, "lan")
    assert operator.get("/metrics").status_code == 403
    admin = guarded.test_client()
    login(admin, "boss")
    for answer in (admin.get("/metrics"), client.get("/metrics", headers=MONITOR)):
        assert answer.status_code == 200
        found = samples(answer.get_data(as_text=True))
        assert value(found, "zalo_oa_alerts_open", kind="zalo_billing") == 1
        assert value(found, "zalo_oa_urgent_case_alerts_open") == 1
    token = guarded.config["ZALO_OA_SECRET_KEY"]
    assert token.encode() not in client.get("/metrics", headers=MONITOR).data


def test_no_token_configured_opens_nothing(make_app):
    client = make_app().test_client()
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_during_an_outage_the_token_still_gets_the_counters_and_database_down(guarded):
    client = guarded.test_client()
    with database_down():
        anonymous = client.get("/metrics")
        monitor = client.get("/metrics", headers=MONITOR)
    assert anonymous.status_code == 403
    assert monitor.status_code == 200
    found = samples(monitor.get_data(as_text=True))
    assert value(found, "zalo_oa_database_up") == 0
    assert ("zalo_oa_events", (("status", "pending"),)) not in found
    assert any(name.startswith("zalo_oa_webhook") for name, _ in found)


def test_processes_sharing_a_metrics_folder_are_summed_in_one_scrape(live_server_factory,
                                                                     tmp_path):
    """Two gunicorn workers answer the webhook and a worker process sends; whichever web
    process answers a scrape reports all three processes' counts."""
    sandbox = live_server_factory(with_scheduler=False)
    folder = tmp_path / "prometheus"
    env = process_env(sandbox.app.config["DATABASE_URL"], sandbox.url,
                      ZALO_OA_HEALTH_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(folder),
                      ZALO_OA_POLL_SECONDS="0.1")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    web = start(["serve", "--port", str(port), "--workers", "2"], env, tmp_path / "web.log")
    worker = start(["worker"], env, tmp_path / "worker.log")
    try:
        wait_for(lambda: _answers(url), 90, "gunicorn to listen")
        payload = load_payload("user_send_text.json")
        for index in range(12):
            payload.update(timestamp=str(time.time_ns() // 1_000_000 + index))
            payload["message"]["msg_id"] = f"metrics-{index}"
            raw, headers = signed(sandbox.app, payload)
            assert requests.post(url + "/webhook/zalo", data=raw, headers=headers,
                                 timeout=5).status_code == 200
        wait_for(lambda: _worked(scrape(url)), 120, "the worker process to send the replies")
        scrapes = [scrape(url) for _ in range(6)]
    finally:
        stop(worker)
        stop(web)
    for found in scrapes:
        assert value(found, "zalo_oa_webhook_requests_total", outcome="accepted") == 12
        assert _worked(found)
    writers = {path.stem.rsplit("_", 1)[-1] for path in folder.glob("*.db")}
    assert len(writers) >= 2  # the web's worker(s) and the worker process, one file set each


def _worked(found):
    """The worker process's counts are in the scrape: an events pass timed, a send counted
    (accepted or refused by the sandbox)."""
    sends = sum(v for (name, _), v in found.items()
                if name in ("zalo_oa_messages_sent_total", "zalo_oa_send_errors_total"))
    return sends >= 1 and value(found, "zalo_oa_job_duration_seconds_count", job="events") >= 1


def _sent_and_refused(before, now):
    return (delta(before, now, "zalo_oa_messages_sent_total", channel="cs") >= 1
            and delta(before, now, "zalo_oa_send_errors_total", code="-213") >= 1)


def _answers(url):
    try:
        return requests.get(url + "/healthz", timeout=2).status_code in (200, 503)
    except requests.ConnectionError:
        return False
