"""The statistics page in headless chromium: charts drawn by the vendored library with words
for labels, the map of open cases on OpenStreetMap tiles with their attribution, no errors."""
import pytest

from tests.browser import log_in, screenshot_on_failure
from tests.factories import make_case, make_staff

pytestmark = pytest.mark.browser


def test_stats_page_draws_its_charts_and_map_without_console_errors(live_server_factory, page,
                                                                   tmp_path):
    server = live_server_factory(with_scheduler=False)
    with server.app.app_context():
        make_case(rating=4)
        make_case("trees", description="Cây đổ")
        make_staff("lan", role="operator")
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    tiles = []
    page.on("request", lambda r: tiles.append(r.url) if "tile.openstreetmap.org" in r.url
            else None)
    with screenshot_on_failure(page, tmp_path):
        log_in(page, server, "lan")
        page.goto(f"{server.url}/stats")
        page.wait_for_selector("#chart-category[data-drawn='1']")
        for chart in ("area", "open", "ontime", "satisfaction", "costs"):
            assert page.get_attribute(f"#chart-{chart}", "data-drawn") == "1"
        assert page.evaluate("typeof window.Chart") == "function"
        assert page.get_attribute("#stats-map", "data-points") == "2"
        # The map layer: OpenStreetMap's standard tiles by default, with their attribution.
        page.wait_for_selector("#stats-map .leaflet-tile-pane img")
        assert tiles and all(t.startswith("https://tile.openstreetmap.org/") for t in tiles)
        assert "© OpenStreetMap contributors" in page.inner_text(
            "#stats-map .leaflet-control-attribution")
        # Every file the page names must load; the console's "Failed to load resource" is
        # chromium's own /favicon.ico request, which the page does not name.
        assert missing == []
        assert [e for e in errors if not e.startswith("Failed to load resource")] == []
