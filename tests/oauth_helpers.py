"""Helpers for the OAuth and token tests: the consent flow over HTTP, counted refresh calls."""
import re
from html import unescape

import pytest
import requests

from zalo_oa.db import ensure_connection
from zalo_oa.web import oauth as web_oauth
from zalo_oa.zalo import oauth, tokens

TIMEOUT = 10


def with_callback(server):
    """Mount /zalo/oauth/callback on a live server's app until create_app does it."""
    if "zalo_oauth" not in server.app.blueprints:
        web_oauth.init_app(server.app)
    return server


def oauth_url(server, path=""):
    return f"{server.url}/sandbox/oauth{path}"


def allow(permission_url):
    """Open the consent page and press Allow; return the redirect's Location."""
    page = requests.get(permission_url, timeout=TIMEOUT)
    assert page.status_code == 200 and "Allow" in page.text, page.text
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))
    answer = requests.post(permission_url.split("?")[0],
                           data={k: unescape(v) for k, v in fields.items()},
                           allow_redirects=False, timeout=TIMEOUT)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def consent(server):
    """Run the whole consent: start, allow, follow the callback; return the callback answer."""
    with server.app.app_context():
        ensure_connection()
        url = tokens.start_authorization(server.app.config)
    return requests.get(allow(url), timeout=TIMEOUT)


def token_form(server, **form):
    """POST the sandbox's token endpoint as the service would; return the response."""
    config = server.app.config
    headers = {"secret_key": form.pop("secret_key", config["ZALO_APP_SECRET"])}
    return requests.post(oauth_url(server, "/v4/oa/access_token"), timeout=TIMEOUT,
                         headers=headers, data={"app_id": config["ZALO_APP_ID"], **form})


def add_fault(server, **fault):
    response = requests.post(f"{server.url}/sandbox/faults", json=fault, timeout=TIMEOUT)
    assert response.status_code == 201, response.text


@pytest.fixture
def refresh_calls(monkeypatch):
    """Every call the service makes to Zalo's refresh endpoint, counted (then made)."""
    calls = []
    real = oauth.refresh

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(oauth, "refresh", counted)
    return calls
