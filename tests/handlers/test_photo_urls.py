"""Photo URLs from image events: https on Zalo's CDN only, and no page ever renders another
scheme as a link."""
import pytest

from tests.factories import load_payload, login, make_case, make_staff
from tests.signing import deliver
from zalo_oa import handlers
from zalo_oa.evidence.fetch import allowed
from zalo_oa.links import safe_link
from zalo_oa.models import CasePhoto, Citizen, Conversation

CONFIG = {"MEDIA_HOSTS": "*.zdn.vn,*.zadn.vn", "SANDBOX": False}
GOOD = "https://photo-stal-1.zdn.vn/a.jpg"
BAD = ["javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", "data:image/png;base64,AA",
       "http://photo-stal-1.zdn.vn/a.jpg", "https://evil.example/track.gif",
       "https://zdn.vn.evil.example/a.jpg", "https://evilzdn.vn/a.jpg",
       "https://user@evil.example@zdn.vn/a.jpg", "https://photo.zdn.vn\t/a.jpg", "//zdn.vn/a.jpg",
       "file:///etc/passwd", "", None, 42]


@pytest.mark.parametrize("url", [GOOD, "https://s120.zadn.vn/p.jpg"])
def test_https_on_zalos_cdn_is_taken(url):
    assert allowed(url, CONFIG)


@pytest.mark.parametrize("url", BAD)
def test_everything_else_is_not(url):
    assert not allowed(url, CONFIG)


def test_with_the_sandbox_its_own_photos_are_taken():
    sandbox = {**CONFIG, "SANDBOX": True, "PUBLIC_URL": "http://127.0.0.1:5000"}
    assert allowed("http://127.0.0.1:5000/sandbox/media/x.png", sandbox)
    assert not allowed("http://127.0.0.1:5001/x.png", sandbox)


@pytest.mark.parametrize(("url", "link"), [
    (GOOD, GOOD), ("http://127.0.0.1:5000/media/after/x.jpg", "http://127.0.0.1:5000/media/after/x.jpg"),
    ("/media/after/x.jpg", "/media/after/x.jpg"), ("javascript:alert(1)", None),
    (" javascript:alert(1)", None), ("data:text/html,x", None), ("//evil.example/x", None),
    ("vbscript:x", None), (None, None), ("", None)])
def test_only_http_links_and_local_paths_are_rendered(url, link):
    assert safe_link(url) == link


def test_an_image_event_keeps_only_the_allowed_photos(app, client):
    payload = load_payload("user_send_image_multi.json")
    payload["message"]["attachments"] = [{"type": "image", "payload": {"url": url}}
                                         for url in (GOOD, *BAD[:5])]
    with app.app_context():
        assert deliver(client, app, payload).status_code == 200
        handlers.process_pending()
        draft = Conversation.get(Conversation.citizen == Citizen.get()).draft
    assert draft["photos"] == [GOOD]


def test_an_image_event_with_only_bad_urls_adds_no_photo(app, client):
    payload = load_payload("user_send_image_multi.json")
    payload["message"]["attachments"] = [{"type": "image", "payload": {"url": BAD[0]}}]
    with app.app_context():
        deliver(client, app, payload)
        handlers.process_pending()
        state = Conversation.get_or_none()
        assert not ((state and state.draft) or {}).get("photos")


def test_a_stored_javascript_url_is_never_a_link_on_the_case_pages(app, client):
    with app.app_context():
        case = make_case()
        CasePhoto.create(case=case, url="javascript:alert(document.cookie)",
                         thumbnail="javascript:alert(2)")
        CasePhoto.create(case=case, url=GOOD)
        make_staff("lan")
    public = client.get(f"/p/{case.code}").get_data(as_text=True)
    login(client, "lan")
    staff = client.get(f"/cases/{case.code}").get_data(as_text=True)
    for page in (public, staff):
        assert "javascript:" not in page
    assert f'href="{GOOD}"' in staff
    # The public page shows only our own copies of photos staff made public, never a CDN link.
    assert GOOD not in public
