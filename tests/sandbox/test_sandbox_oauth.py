"""The OAuth v4 stand-in and the consent flow over real HTTP: PKCE, single-use codes and
states, rotation of refresh tokens."""
import datetime as dt
from urllib.parse import parse_qs, urlsplit

import requests

from tests.oauth_helpers import TIMEOUT, allow, consent, oauth_url, token_form, with_callback
from tests.sandbox_helpers import sandbox
from zalo_oa.models import Alert, OAToken, OAuthRequest, utcnow
from zalo_oa.sandbox.tokens import is_valid, issue_token
from zalo_oa.zalo import oauth, tokens

__all__ = ["sandbox"]


def test_consent_stores_a_working_token_and_resolves_the_alert(sandbox):
    with_callback(sandbox)
    with sandbox.app.app_context():
        seeded = OAToken.get().access_token
        Alert.create(kind=tokens.ALERT_KIND, message="refresh failed")
    answer = consent(sandbox)
    assert answer.status_code == 200 and "Đã kết nối" in answer.text
    assert "The OA's access token is stored" in answer.text
    with sandbox.app.app_context():
        row = OAToken.get()
        assert row.access_token != seeded and is_valid(row.access_token)
        assert row.refresh_token and row.expires_at > utcnow() + dt.timedelta(hours=24)
        assert not tokens.sending_paused() and tokens.alerts() == []
        assert OAuthRequest.get().used_at is not None


def test_consent_redirect_carries_code_oa_id_and_state(sandbox):
    with sandbox.app.app_context():
        url = tokens.start_authorization(sandbox.app.config)
    sent = parse_qs(urlsplit(url).query)
    assert len(sent["code_challenge"][0]) == 43
    location = urlsplit(allow(url))
    assert location.path == tokens.CALLBACK_PATH
    query = parse_qs(location.query)
    assert query["state"] == sent["state"] and query["oa_id"] == ["sandbox-oa"]
    assert query["code"][0]


def test_callback_refuses_a_used_unknown_or_old_state(sandbox):
    with_callback(sandbox)
    with sandbox.app.app_context():
        url = tokens.start_authorization(sandbox.app.config)
    callback = allow(url)
    assert requests.get(callback, timeout=TIMEOUT).status_code == 200
    again = requests.get(callback, timeout=TIMEOUT)
    assert again.status_code == 409 and "zalo-oa token connect" in again.text
    unknown = requests.get(callback.replace("state=", "state=x"), timeout=TIMEOUT)
    assert unknown.status_code == 400
    with sandbox.app.app_context():
        old = tokens.start_authorization(sandbox.app.config)
        OAuthRequest.update(created_at=utcnow() - dt.timedelta(minutes=11)).where(
            OAuthRequest.used_at.is_null()).execute()
    assert requests.get(allow(old), timeout=TIMEOUT).status_code == 410


def test_callback_for_another_oa_is_refused(sandbox):
    with_callback(sandbox)
    with sandbox.app.app_context():
        url = tokens.start_authorization(sandbox.app.config)
    callback = allow(url).replace("oa_id=sandbox-oa", "oa_id=other-oa")
    assert requests.get(callback, timeout=TIMEOUT).status_code == 400


def test_a_redirect_uri_other_than_the_registered_callback_gets_14003(sandbox):
    registered = sandbox.url + tokens.CALLBACK_PATH
    for other in (registered + "?x=1", "http://127.0.0.1/cb", registered.replace("http", "https")):
        url = oauth.permission_url(oauth_url(sandbox), "sandbox-app", other, "c", "s")
        answer = requests.get(url, timeout=TIMEOUT)
        assert answer.status_code == 400 and "-14003" in answer.text
    # The service builds exactly the registered callback, so its consent goes through...
    with sandbox.app.app_context():
        assert allow(tokens.start_authorization(sandbox.app.config)).startswith(registered)
    # ...and an admin who registered another callback sees Zalo's -14003 at once.
    requests.post(f"{sandbox.url}/sandbox/config", timeout=TIMEOUT,
                  json={"oauth_callback": "https://oa.city.example/zalo/oauth/callback"})
    with sandbox.app.app_context():
        refused = requests.get(tokens.start_authorization(sandbox.app.config), timeout=TIMEOUT)
    assert refused.status_code == 400 and "-14003" in refused.text


def test_consent_page_refuses_an_unknown_app(sandbox):
    url = oauth.permission_url(oauth_url(sandbox), "other-app", "http://x/cb", "c", "s")
    answer = requests.get(url, timeout=TIMEOUT)
    assert answer.status_code == 400 and "-14002" in answer.text


def _code_for(sandbox, verifier):
    url = oauth.permission_url(oauth_url(sandbox), "sandbox-app",
                               sandbox.url + tokens.CALLBACK_PATH,
                               oauth.code_challenge(verifier), "s")
    return parse_qs(urlsplit(allow(url)).query)["code"][0]


def test_code_needs_the_matching_verifier_and_works_once(sandbox):
    verifier = oauth.new_code_verifier()
    code = _code_for(sandbox, verifier)
    good = token_form(sandbox, grant_type="authorization_code", code=code,
                      code_verifier=verifier)
    body = good.json()
    assert good.status_code == 200 and body["expires_in"] == "90000"
    assert isinstance(body["access_token"], str) and isinstance(body["refresh_token"], str)
    reused = token_form(sandbox, grant_type="authorization_code", code=code,
                        code_verifier=verifier).json()
    assert reused["error"] == -14005 and "access_token" not in reused
    other = _code_for(sandbox, verifier)
    wrong = token_form(sandbox, grant_type="authorization_code", code=other,
                       code_verifier=oauth.new_code_verifier()).json()
    assert wrong["error"] == -14006 and "access_token" not in wrong


def test_token_endpoint_needs_the_app_secret(sandbox):
    with sandbox.app.app_context():
        refresh_token = issue_token()["refresh_token"]
    answer = token_form(sandbox, grant_type="refresh_token", refresh_token=refresh_token,
                        secret_key="wrong")
    assert answer.status_code == 400 and answer.json()["error_name"] == "Invalid secret key"
    assert "access_token" not in answer.json()


def test_refresh_rotates_and_a_reused_refresh_token_is_refused_with_http_200(sandbox):
    with sandbox.app.app_context():
        first = issue_token()
    second = token_form(sandbox, grant_type="refresh_token",
                        refresh_token=first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    reused = token_form(sandbox, grant_type="refresh_token",
                        refresh_token=first["refresh_token"])
    assert reused.status_code == 200
    assert reused.json()["error"] == -14014
    assert reused.json()["error_name"] == "Invalid refresh token"
    with sandbox.app.app_context():
        # The old access token lives on until its own expiry.
        assert is_valid(first["access_token"]) and is_valid(second["access_token"])


def test_tokens_can_be_expired_for_tests(sandbox):
    with sandbox.app.app_context():
        one, two = issue_token()["access_token"], issue_token()["access_token"]
    expire = f"{sandbox.url}/sandbox/tokens/expire"
    assert requests.post(expire, json={"access_token": one}, timeout=TIMEOUT).json() == {
        "expired": 1}
    with sandbox.app.app_context():
        assert not is_valid(one) and is_valid(two)
    requests.post(expire, json={}, timeout=TIMEOUT)
    with sandbox.app.app_context():
        assert not is_valid(two)
