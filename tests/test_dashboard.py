"""The staff pages: login required, CSRF on forms, citizen text shown as text."""
import re

import pytest

from zalo_oa import seed
from zalo_oa.models import Case, Category, Citizen


@pytest.fixture
def staff(app):
    with app.app_context():
        seed.create_staff("lan", "correct horse", role="operator")


def login(client, password="correct horse"):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"username": "lan", "password": password,
                                       "csrf_token": token})


def test_pages_need_a_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.location


def test_wrong_password_is_refused(client, staff):
    assert login(client, "wrong").status_code == 401
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(client, staff):
    response = client.post("/login", data={"username": "lan", "password": "correct horse"})
    assert response.status_code == 400


def test_case_page_shows_citizen_text_as_text(app, client, staff):
    with app.app_context():
        citizen = Citizen.create(zalo_user_id="u1")
        Case.create(code="PA-2611-000001", citizen=citizen, category=Category.get(),
                    description="<script>alert('x')</script> cống bị nghẹt")
    assert login(client).status_code == 302
    index = client.get("/").get_data(as_text=True)
    assert "PA-2611-000001" in index
    page = client.get("/cases/PA-2611-000001").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; cống bị nghẹt" in page
    assert client.get("/cases/PA-0000-000000").status_code == 404


def test_healthz_reports_database_and_scheduler(live_server):
    import time

    import requests

    deadline = time.monotonic() + 5
    while True:  # the scheduler's first heartbeat runs just after start
        body = requests.get(live_server.url + "/healthz", timeout=5).json()
        if body["scheduler"]["ok"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert body["database"] == {"ok": True, "schema_version": 1, "schema_latest": 1}
    assert body["scheduler"]["ok"] is True
    assert body["status"] == "ok"
