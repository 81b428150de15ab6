"""The public case page: status, timeline and photos for anyone, never the reporter's details."""
from tests.factories import make_case
from zalo_oa.cases import lifecycle
from zalo_oa.models import CasePhoto


def test_anyone_sees_status_timeline_and_photos(client, ctx):
    case = make_case()
    CasePhoto.create(case=case, url="https://example.org/den.jpg")
    lifecycle.change_status(case, "received")
    response = client.get(f"/p/{case.code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert case.code in page and "Đèn đường hỏng trước số 12 Lê Lợi" in page
    assert "https://example.org/den.jpg" in page
    assert "Đã tiếp nhận" in page and 'id="public-timeline"' in page


def test_the_page_carries_no_personal_data(client, ctx):
    case = make_case()
    lifecycle.reply(case, None, "Chào anh Nguyễn Văn An, chúng tôi đã nhận.")
    page = client.get(f"/p/{case.code}").get_data(as_text=True)
    assert "Nguyễn Văn An" not in page and "912345678" not in page


def test_non_public_and_unknown_cases_are_not_found(client, ctx):
    hidden = make_case(is_public=False)
    assert client.get(f"/p/{hidden.code}").status_code == 404
    assert client.get("/p/PA-0000-000000").status_code == 404


def test_a_private_or_unknown_case_gets_a_styled_page_in_the_readers_language(client, ctx):
    hidden = make_case(is_public=False)
    page = client.get(f"/p/{hidden.code}", headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert page.status_code == 404 and "Không tìm thấy trang" in text
    assert "dashboard.css" in text and "Not Found" not in text
    client.post("/locale", data={"locale": "en", "csrf_token": _token(client)})
    english = client.get(f"/p/{hidden.code}", headers={"Accept": "text/html"})
    assert "Page not found" in english.get_data(as_text=True)
    # Programs keep their own answers.
    assert client.get("/open311/v2/nothing.json").status_code == 404
    assert "Không tìm thấy" not in client.get("/open311/v2/nothing.json").get_data(as_text=True)


def _token(client):
    client.get("/login")
    with client.session_transaction() as session:
        return session["csrf"]
