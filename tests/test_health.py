"""/healthz: the status for everyone; queues, alert texts and outage reasons only for a
monitor's token or a logged-in admin; an outage reported while it lasts, recovery by itself."""
import pytest

from tests.factories import login, make_staff
from tests.outage_helpers import database_down
from zalo_oa.models import Alert

SECRET_ALERT = "refresh token refused (-14014) for app 3608"


@pytest.fixture
def health_app(make_app):
    app = make_app(HEALTH_TOKEN="monitor-token-123")
    with app.app_context():
        Alert.create(kind="token_refresh_failed", message=SECRET_ALERT)
        make_staff("boss", role="admin")
        make_staff("lan", role="operator")
    return app


def test_anonymous_visitors_get_the_status_and_nothing_else(health_app):
    response = health_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "sandbox": True}
    assert SECRET_ALERT not in response.get_data(as_text=True)


def test_a_monitor_with_the_token_gets_the_details(health_app):
    client = health_app.test_client()
    body = client.get("/healthz", headers={"Authorization": "Bearer monitor-token-123"}).get_json()
    assert body["alerts"][0]["message"] == SECRET_ALERT
    assert body["database"]["ok"] and "outbox" in body and "events" in body
    assert body["outbox_resent_after_lost_lease"] == 0
    wrong = client.get("/healthz", headers={"Authorization": "Bearer monitor-token-12"})
    assert set(wrong.get_json()) == {"status", "sandbox"}


def test_no_token_configured_means_no_token_opens_the_details(make_app):
    client = make_app().test_client()
    body = client.get("/healthz", headers={"Authorization": "Bearer "}).get_json()
    assert set(body) == {"status", "sandbox"}


def test_a_logged_in_admin_gets_the_details_and_an_operator_does_not(health_app):
    admin, operator = health_app.test_client(), health_app.test_client()
    login(admin, "boss")
    login(operator, "lan")
    assert admin.get("/healthz").get_json()["alerts"][0]["message"] == SECRET_ALERT
    assert set(operator.get("/healthz").get_json()) == {"status", "sandbox"}


def test_healthz_reports_an_outage_then_recovers_by_itself(health_app):
    client = health_app.test_client()
    monitor = {"Authorization": "Bearer monitor-token-123"}
    assert client.get("/healthz").status_code == 200
    with database_down():
        down = client.get("/healthz")
        still_down = client.get("/healthz", headers=monitor)
    assert down.status_code == still_down.status_code == 503
    body = still_down.get_json()
    assert body["status"] == "down"
    assert body["database"]["ok"] is False
    assert body["database"]["error"] == "OperationalError" and body["database"]["reason"]
    assert body["database"]["down_since"]
    assert down.get_json() == {"status": "down", "sandbox": True}  # no reason for everyone
    up = client.get("/healthz", headers=monitor)
    assert up.status_code == 200
    database = up.get_json()["database"]
    assert database["ok"] is True and "down_since" not in database
    assert database["last_outage"]["reason"] == body["database"]["reason"]
    assert database["last_outage"]["seconds"] >= 0
