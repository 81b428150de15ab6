"""After login and a language switch only a path on this site is followed: never another
host, however the `next` value is disguised."""
import re
from urllib.parse import unquote

import pytest

from tests.factories import PASSWORD, make_staff, token

DISGUISED = ["/%09/evil.example/phish", "/%0a/evil.example", "/%0d%0a/evil.example",
             "//evil.example", "/\\evil.example", "/%5Cevil.example", "https://evil.example",
             "/%20/evil.example", "%09//evil.example", "/%7f/evil.example"]


def browser_location(location):
    """Where a browser goes: it drops tabs and newlines and reads a backslash as a slash."""
    return re.sub(r"[\t\r\n]", "", location).replace("\\", "/")


@pytest.fixture
def staff(ctx):
    return make_staff("lan")


@pytest.mark.parametrize("target", DISGUISED)
def test_login_never_sends_the_browser_to_another_host(client, staff, target):
    client.get("/login")
    response = client.post(f"/login?next={target}", data={
        "username": "lan", "password": PASSWORD, "csrf_token": token(client)})
    assert response.status_code == 302
    assert browser_location(response.location) == "/"


@pytest.mark.parametrize("target", [unquote(t) for t in DISGUISED])
def test_the_language_switch_never_sends_the_browser_to_another_host(client, staff, target):
    client.get("/login")
    response = client.post("/locale", data={"locale": "en", "next": target,
                                            "csrf_token": token(client)})
    assert response.status_code == 302
    assert browser_location(response.location) == "/"


def test_a_local_path_with_its_query_is_kept(client, staff):
    client.get("/login")
    response = client.post("/login?next=/cases/PA-2611-000001%3Ftab%3Dchat", data={
        "username": "lan", "password": PASSWORD, "csrf_token": token(client)})
    assert response.location == "/cases/PA-2611-000001?tab=chat"
