"""GET /healthz: the database's state, an outage while it lasts, and recovery by itself."""
from tests.outage_helpers import database_down


def test_healthz_reports_an_outage_then_recovers_by_itself(client):
    assert client.get("/healthz").status_code == 200
    with database_down():
        down = client.get("/healthz")
        still_down = client.get("/healthz")
    assert down.status_code == still_down.status_code == 503
    body = still_down.get_json()
    assert body["status"] == "down"
    assert body["database"]["ok"] is False
    assert body["database"]["error"] == "OperationalError" and body["database"]["reason"]
    assert body["database"]["down_since"]
    up = client.get("/healthz")
    assert up.status_code == 200
    database = up.get_json()["database"]
    assert database["ok"] is True and "down_since" not in database
    assert database["last_outage"]["reason"] == body["database"]["reason"]
    assert database["last_outage"]["seconds"] >= 0
