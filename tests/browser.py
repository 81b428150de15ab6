"""Headless Debian chromium for browser tests, driven by Playwright's sync API: one browser per
test module, a fresh context per test; axe-core checks, fit-the-width checks and screenshots."""
import contextlib
import json
import os
import struct
import zlib
from pathlib import Path

import pytest

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[1]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what the city's pages are held to.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 360, "height": 740}
WIDEST_PHONE = {"width": 414, "height": 896}
# Map tiles come from the internet; tests answer them with a blank tile instead.
TILE_HOSTS = "https://tile.openstreetmap.org/**"


def _unavailable(reason):
    """Skip, or fail when ZALO_OA_REQUIRE_BROWSER=1 says the browser must be there."""
    if os.environ.get("ZALO_OA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser required (ZALO_OA_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """Headless chromium, launched once for the test module."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser):
    """A fresh page (own cookies) in the module's browser, phone-sized."""
    context = browser.new_context(viewport={"width": 420, "height": 820})
    context.route(TILE_HOSTS, _blank_tile)
    try:
        yield context.new_page()
    finally:
        context.close()


def _blank_tile(route):
    route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)


def _grey_png():
    """A 1x1 light grey PNG: what a map tile looks like in tests."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xe8\xec\xf0")) + chunk(b"IEND", b""))


BLANK_TILE = _grey_png()


@contextlib.contextmanager
def screenshot_on_failure(page, tmp_path):
    """Save the page as failure.png under tmp_path when the block fails."""
    try:
        yield
    except BaseException:
        path = tmp_path / "failure.png"
        with contextlib.suppress(Exception):
            page.screenshot(path=str(path), full_page=True)
            print(f"screenshot saved to {path}")
        raise


def log_in(page, server, username):
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{server.url}/")


def artefacts_dir():
    """Where screenshots go: ZALO_OA_TEST_ARTEFACTS, else test-artefacts/ in the checkout."""
    path = Path(os.environ.get("ZALO_OA_TEST_ARTEFACTS") or ROOT / "test-artefacts")
    (path / "screens").mkdir(parents=True, exist_ok=True)
    return path / "screens"


def axe_violations(page):
    """The WCAG 2.0/2.1 A and AA violations axe-core finds on the page, as short lines."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluate: no inline <script>, no CSP
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                           " resultTypes: ['violations']})", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + json.dumps([n["target"] for n in v["nodes"][:5]], ensure_ascii=False)
            for v in result["violations"]]


def overflow(page):
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def check_page(page, name, widths=(DESKTOP, PHONE)):
    """At each width: the page fits without sideways scrolling, axe finds nothing, and a
    full-page screenshot is saved as <artefacts>/screens/<name>-<width>.png. Returns the
    problems found, as lines (empty when the page passes)."""
    problems = []
    for size in widths:
        page.set_viewport_size(size)
        page.wait_for_timeout(50)  # let layout and media queries settle
        wider = overflow(page)
        if wider > 0:
            problems.append(f"{name} @{size['width']}: {wider}px wider than the window "
                            f"({widest_elements(page)})")
        problems += [f"{name} @{size['width']}: {line}" for line in axe_violations(page)]
        page.screenshot(path=str(artefacts_dir() / f"{name}-{size['width']}.png"),
                        full_page=True)
    return problems


def widest_elements(page):
    """The elements that stick out on the right, for a readable failure."""
    return page.evaluate("""() => {
      const width = window.innerWidth, out = [];
      const clipped = (el) => {
        for (let p = el.parentElement; p; p = p.parentElement) {
          if (getComputedStyle(p).overflowX !== 'visible') return true;
        }
        return false;
      };
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > width + 1 && out.length < 5 && !clipped(el))
          out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                   + (el.className && typeof el.className === 'string'
                      ? '.' + el.className.split(' ').join('.') : '') + ' ' + Math.round(r.right));
      }
      return out.join(', ');
    }""")
