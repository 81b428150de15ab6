"""While the database is down, pages answer a plain 503 in the staff's language, never a 500."""
import pytest

from tests.factories import login, make_staff
from tests.outage_helpers import database_down


@pytest.fixture
def operator(ctx, client):
    staff = make_staff()
    assert login(client).status_code == 302
    return staff


def test_pages_show_the_unavailable_page_then_work_again(operator, client):
    with database_down():
        response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "Tạm thời không kết nối được cơ sở dữ liệu" in page
    assert "dashboard/dashboard.css" in page  # the site's own look, not a bare error
    assert 'http-equiv="refresh"' in page
    assert client.get("/").status_code == 200


def test_the_unavailable_page_speaks_the_staff_language(ctx, client):
    staff = make_staff()
    staff.locale = "en"
    staff.save()
    assert login(client).status_code == 302
    with database_down():
        page = client.get("/").get_data(as_text=True)
    assert "Database unavailable" in page and "reloads itself" in page


def test_api_callers_get_a_json_503(operator, client):
    with database_down():
        open311 = client.get("/open311/v2/services.json")
        preferring_json = client.get("/", headers={"Accept": "application/json"})
    for response in (open311, preferring_json):
        assert response.status_code == 503
        assert response.get_json() == {"error": "database unavailable"}
