"""CSV downloads are opened in spreadsheets: a cell a citizen (or Zalo) wrote that starts like
a formula must reach the spreadsheet as text, not run."""
import csv
import io

import pytest

from tests.factories import login, make_case, make_staff
from zalo_oa.models import Broadcast, OutboxMessage
from zalo_oa.spreadsheet import cell

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"Xem\")", "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_becomes_text(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Đèn đường hỏng", "12 Lê Lợi", "", 10.77, -12.5, None, 3])
def test_other_values_are_left_alone(value):
    assert cell(value) == value


def rows(response):
    text = response.data.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_the_case_export_defuses_formulas_in_every_text_column(app, client):
    with app.app_context():
        make_case(description=FORMULAS[0], address="@SUM(1)")
        make_staff("lan", role="operator")
    login(client, "lan")
    header, row = rows(client.get("/stats/export.csv"))
    values = dict(zip(header, row, strict=True))
    assert values["description"] == "'" + FORMULAS[0]
    assert values["address"] == "'@SUM(1)"
    assert not any(v.startswith(("=", "+", "-", "@")) for v in row)


def test_the_broadcast_failures_csv_defuses_formulas(app, client):
    with app.app_context():
        make_staff("boss", role="admin")
        broadcast = Broadcast.create(title="t", body="b", status="sending")
        OutboxMessage.create(zalo_user_id="=1+2", kind="broadcast", payload={},
                             broadcast=broadcast, status="failed",
                             last_error="-124: =HYPERLINK(\"x\")")
    login(client, "boss")
    _, row = rows(client.get(f"/broadcasts/failures.csv?id={broadcast.id}"))
    assert row[0] == "'=1+2" and row[3] == "'-124: =HYPERLINK(\"x\")"
