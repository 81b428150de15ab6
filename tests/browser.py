"""Headless Debian chromium for browser tests, driven by Playwright's sync API."""
import contextlib
import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _unavailable(reason):
    """Skip, or fail when ZALO_OA_REQUIRE_BROWSER=1 says the browser must be there."""
    if os.environ.get("ZALO_OA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser required (ZALO_OA_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture
def page():
    """A fresh page in headless chromium, phone-sized."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        context = browser.new_context(viewport={"width": 420, "height": 820})
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


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
