"""The public map of reports (/reports): open and lately fixed public cases, filters, and
nothing personal; the browser draws one marker per located case."""
import datetime as dt

import pytest

from tests.browser import page, screenshot_on_failure  # noqa: F401
from tests.factories import make_case, make_staff
from zalo_oa.cases import lifecycle, moderation
from zalo_oa.models import Case, utcnow

SECRET = "Nhà ông Trần Văn Bảy số 0987654321 bị mất trộm"


def world():
    """Cases of every kind the map must tell apart; returns them by name."""
    staff = make_staff("lan")
    cases = {
        "approved": make_case("roads", description="Ổ gà lớn giữa đường Lê Lợi",
                              user_id="a", area_code="26740"),
        "unapproved": make_case("security", description=SECRET, user_id="b",
                                area_code="26743", latitude=10.7725, longitude=106.698),
        "private": make_case("roads", description="Riêng tư", user_id="c", is_public=False),
        "fixed_lately": make_case("lighting", user_id="d", area_code="26743"),
        "fixed_long_ago": make_case("lighting", user_id="e"),
        "no_place": make_case("noise", user_id="f", latitude=None, longitude=None,
                              address="gần chợ"),
    }
    moderation.set_description_public(cases["approved"], staff, True)
    for name in ("fixed_lately", "fixed_long_ago"):
        lifecycle.change_status(cases[name], "in_progress", staff=staff)
        lifecycle.change_status(cases[name], "resolved", staff=staff)
    Case.update(resolved_at=utcnow() - dt.timedelta(days=90)).where(
        Case.id == cases["fixed_long_ago"].id).execute()
    return cases


def test_the_map_lists_public_open_and_lately_fixed_cases(client, ctx):
    cases = world()
    data = client.get("/reports.json").get_json()
    listed = {c["code"] for c in data["cases"]}
    assert listed == {cases[n].code for n in ("approved", "unapproved", "fixed_lately",
                                              "no_place")}
    by_code = {c["code"]: c for c in data["cases"]}
    assert by_code[cases["approved"].code]["description"] == "Ổ gà lớn giữa đường Lê Lợi"
    assert by_code[cases["unapproved"].code]["description"] == ""
    assert by_code[cases["unapproved"].code]["ward"] == "Phường Bến Thành"
    text = client.get("/reports").get_data(as_text=True)
    assert "Trần Văn Bảy" not in text and "0987654321" not in text and "Nguyễn Văn An" not in text
    assert cases["private"].code not in text and "84912345678" not in text


@pytest.mark.parametrize("query, expected", [
    ("category=lighting", {"fixed_lately"}),
    ("ward=26743", {"unapproved", "fixed_lately"}),
    ("status=fixed", {"fixed_lately"}),
    ("status=open&category=roads", {"approved"}),
    ("ward=nonsense&status=whatever", {"approved", "unapproved", "fixed_lately", "no_place"}),
])
def test_filters(client, ctx, query, expected):
    cases = world()
    listed = {c["code"] for c in client.get(f"/reports.json?{query}").get_json()["cases"]}
    assert listed == {cases[n].code for n in expected}


@pytest.mark.browser
def test_the_public_map_shows_public_cases_only_without_personal_data(live_server_factory,
                                                                      page, tmp_path):  # noqa: F811
    server = live_server_factory(with_scheduler=False,
                                 MAP_TILE_URL="/static/img/contact_card.png?{z}/{x}/{y}",
                                 MAP_ATTRIBUTION="test tiles")
    with server.app.app_context():
        cases = world()
    with screenshot_on_failure(page, tmp_path):
        page.goto(f"{server.url}/reports")
        page.wait_for_selector("#reports-map[data-points]")
        assert page.get_attribute("#reports-map", "data-points") == "3"  # no_place has no pin
        assert page.locator(".leaflet-interactive").count() == 3
        items = page.locator("#reports-list li.report")
        assert items.count() == 4
        body = page.inner_text("body")
        for secret in ("Trần Văn Bảy", "0987654321", "Nguyễn Văn An", "912345678",
                       cases["private"].code, cases["fixed_long_ago"].code, "Riêng tư"):
            assert secret not in body
        assert "Ổ gà lớn giữa đường Lê Lợi" in body
        assert "test tiles" in page.inner_text(".leaflet-control-attribution")
        page.locator(".leaflet-interactive").last.dispatch_event("click")
        page.wait_for_selector(".leaflet-popup-content a")
        # The popup pans the map into view as it opens: follow its link without waiting for
        # the animation to settle.
        page.locator(".leaflet-popup-content a").dispatch_event("click")
        page.wait_for_selector("#public-case")
        assert "/p/PA-" in page.url
