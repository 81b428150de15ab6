"""CSV export and the statistics page over HTTP: BOM, Vietnamese intact, PII only where allowed."""
import csv
import io

import pytest

from tests.factories import login, make_case, make_staff

BOM = "\ufeff"


@pytest.fixture
def cases(app):
    with app.app_context():
        make_case(address="12 Lê Lợi, Bến Thành", contact_email="an@example.org")
        make_case("trees", description="Cây đổ\r\nchắn đường", address="7 Pasteur, Quận 1")
        make_staff("lan", role="operator")
        make_staff("xem", role="viewer")
        make_staff("den", role="department", department="lighting")


def export(client, username, query=""):
    login(client, username)
    response = client.get(f"/stats/export.csv{query}")
    assert response.status_code == 200
    assert response.content_type.startswith("text/csv")
    text = response.data.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_operators_get_every_case_with_contact_details(client, cases):
    rows = export(client, "lan")
    assert len(rows) == 2
    first = rows[0]
    assert first["description"] == "Đèn đường hỏng trước số 12 Lê Lợi"
    assert first["address"] == "12 Lê Lợi, Bến Thành"
    assert first["contact_name"] == "Nguyễn Văn An" and first["contact_phone"] == "0912 345 678"
    assert first["contact_email"] == "an@example.org"
    assert rows[1]["description"] == "Cây đổ\nchắn đường"  # \r\n stored long ago


def test_viewers_get_no_personal_data(client, cases):
    rows = export(client, "xem")
    assert "contact_name" not in rows[0] and "contact_phone" not in rows[0]
    assert "contact_email" not in rows[0]
    assert "Nguyễn Văn An" not in str(rows) and "an@example.org" not in str(rows)


def test_export_uses_the_page_filters(client, cases):
    rows = export(client, "lan", "?area=Pasteur")
    assert [r["description"] for r in rows] == ["Cây đổ\nchắn đường"]


def test_department_staff_export_only_their_unit_without_contacts(client, cases):
    rows = export(client, "den")
    assert [r["description"] for r in rows] == ["Đèn đường hỏng trước số 12 Lê Lợi"]
    assert "contact_phone" not in rows[0] and "contact_email" not in rows[0]


def test_stats_page_renders_for_every_role(client, cases):
    login(client, "xem")
    page = client.get("/stats?from=2020-01-01&to=2099-12-31")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'id="chart-category"' in body and "vendor/chartjs/chart.umd.js" in body
    assert 'id="stats-data"' in body


def test_stats_page_needs_a_login(client):
    response = client.get("/stats")
    assert response.status_code == 302 and "/login" in response.location
