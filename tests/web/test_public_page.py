"""The public case page: status, timeline and what staff let the public see, never the
reporter's details."""
from tests.factories import make_case, make_staff
from zalo_oa.cases import lifecycle, moderation
from zalo_oa.models import CasePhoto, MediaFile


def stored_photo(case, public, n=1):
    media = MediaFile.create(source_url=f"https://photo.zdn.vn/{case.id}-{n}.jpg",
                             source_key=f"k{case.id}-{n}", status="stored",
                             stored_key="x.jpg", thumbnail_key="x.thumb.jpg",
                             content_type="image/jpeg")
    return CasePhoto.create(case=case, url=media.source_url, media=media, public=public)


def test_anyone_sees_status_timeline_and_what_staff_approved(client, ctx):
    case = make_case(area_code="26743")
    hidden = stored_photo(case, public=False)
    shown = stored_photo(case, public=False, n=2)
    moderation.set_photo_public(shown, make_staff("lan"), True)
    lifecycle.change_status(case, "received")
    page = client.get(f"/p/{case.code}").get_data(as_text=True)
    assert case.code in page and "Đã tiếp nhận" in page and 'id="public-timeline"' in page
    # Not approved: the category and the ward, not the citizen's words or address.
    assert "Đèn đường hỏng trước số 12 Lê Lợi" not in page and "12 Lê Lợi" not in page
    assert "Chiếu sáng công cộng · Phường Bến Thành" in page
    assert f"/reports/photos/{shown.id}/thumb" in page
    assert f"/reports/photos/{hidden.id}" not in page and "photo.zdn.vn" not in page
    moderation.set_description_public(case, make_staff("hoa"), True)
    page = client.get(f"/p/{case.code}").get_data(as_text=True)
    assert "Đèn đường hỏng trước số 12 Lê Lợi" in page


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
