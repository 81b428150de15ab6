"""OAuth v4 helpers without a network: PKCE, the consent URL, reading token answers."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from zalo_oa.zalo import oauth


class Answer:
    """A stand-in for a requests.Response with a status and a body."""

    def __init__(self, status_code, body):
        self.status_code, self._body = status_code, body

    def json(self):
        if isinstance(self._body, str):
            raise ValueError("not JSON")
        return self._body


def test_verifier_is_43_url_safe_characters_and_new_each_time():
    verifier = oauth.new_code_verifier()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", verifier)
    assert verifier != oauth.new_code_verifier()


def test_challenge_is_unpadded_base64url_of_sha256():
    # The example pair from RFC 7636, appendix B.
    assert (oauth.code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
            == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")


def test_permission_url_carries_app_redirect_challenge_and_state():
    url = oauth.permission_url("https://oauth.zaloapp.com/", "app1",
                               "https://city.example/zalo/oauth/callback?x=1", "chal", "st")
    parts = urlsplit(url)
    assert parts.netloc == "oauth.zaloapp.com" and parts.path == "/v4/oa/permission"
    assert parse_qs(parts.query) == {"app_id": ["app1"], "code_challenge": ["chal"],
                                     "redirect_uri": ["https://city.example/zalo/oauth/callback?x=1"],
                                     "state": ["st"]}


def test_answer_with_tokens_becomes_a_pair_with_integer_seconds():
    pair = oauth.parse_token_answer(Answer(200, {"access_token": "A", "refresh_token": "R",
                                                 "expires_in": "90000"}))
    assert (pair.access_token, pair.refresh_token, pair.expires_in) == ("A", "R", 90000)
    assert "A" not in repr(pair) and "R" not in repr(pair).replace("TokenPair", "")


@pytest.mark.parametrize("status, body", [
    (200, {"error": -14014, "error_name": "Invalid refresh token",
           "error_reason": "used", "error_description": "refresh token was used"}),
    (400, {"error": -14002, "error_name": "Invalid app id"}),
    (502, "<html>bad gateway</html>"),
    (200, {}),
])
def test_any_answer_without_access_token_is_refused(status, body):
    with pytest.raises(oauth.TokenRefused) as caught:
        oauth.parse_token_answer(Answer(status, body))
    assert f"HTTP {status}" in caught.value.reason
    assert caught.value.http_status == status


def test_refusal_reason_names_zalos_error():
    reason = oauth.refusal_reason({"error": -14014, "error_name": "Invalid refresh token"}, 200)
    assert "-14014" in reason and "Invalid refresh token" in reason


def test_unreachable_host_is_a_network_error_without_secrets():
    with pytest.raises(oauth.OAuthNetworkError) as caught:
        oauth.refresh("http://127.0.0.1:9", "app", "the-app-secret", "the-refresh-token",
                      timeout=1)
    assert "the-refresh-token" not in str(caught.value)
    assert "the-app-secret" not in str(caught.value)
