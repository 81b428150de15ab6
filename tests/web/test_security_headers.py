"""Every response carries the browser security headers; the policy allows this site's own
scripts and styles only, and no page needs more (checked in chromium)."""
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser import log_in, page, screenshot_on_failure
from tests.factories import make_case, make_staff
from zalo_oa.models import Broadcast
from zalo_oa.security_headers import policy

__all__ = ["page"]  # the fixture, imported so pytest finds it


@pytest.mark.parametrize("path", ["/login", "/healthz", "/open311/v2/services.json",
                                  "/sandbox/phone", "/p/missing",
                                  "/static/dashboard/dashboard.css"])
def test_every_response_has_the_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_https_deployments_get_hsts_and_http_map_tiles_are_allowed_by_origin():
    config = {"PUBLIC_URL": "https://oa.city.gov.vn",
              "MAP_TILE_URL": "http://{s}.tiles.city.gov.vn/{z}/{x}/{y}.png"}
    assert "img-src 'self' data: https: http://*.tiles.city.gov.vn;" in policy(config)


def test_no_template_has_inline_script_or_style():
    root = Path(__file__).resolve().parents[2] / "zalo_oa" / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", text), \
            template
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", text), template


PAGES = ["/", "/cases/{code}", "/stats", "/broadcasts/compose", "/broadcasts/review?id={bc}",
         "/admin/templates/vi/welcome", "/admin/staff", "/p/{code}", "/sandbox/phone",
         "/sandbox/oauth/v4/oa/permission?app_id=sandbox-app&redirect_uri={callback}"
         "&code_challenge=c&state=s"]
# Collects what the browser refused under the policy, on every page.
WATCH = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
         "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


@pytest.mark.browser
def test_no_page_breaks_the_policy_in_a_browser(live_server_factory, page, tmp_path):
    server = live_server_factory(with_scheduler=False)
    with server.app.app_context():
        code = make_case().code
        make_staff("boss", role="admin")
        bc = Broadcast.create(title="Cúp nước", body="8-12h", image_url="https://zdn.vn/a.jpg").id
    page.add_init_script(WATCH)
    violations = []
    with screenshot_on_failure(page, tmp_path):
        log_in(page, server, "boss")
        for path in PAGES:
            callback = quote(server.url + "/zalo/oauth/callback", safe="")  # as registered
            response = page.goto(server.url + path.format(code=code, bc=bc, callback=callback))
            assert response.status == 200, path
            page.wait_for_load_state("networkidle")
            violations += [(path, v) for v in page.evaluate("window.__csp")]
    assert violations == []
