"""Full-text search of cases on the real engine (SQLite FTS5 or PostgreSQL GIN): diacritics,
đ and case ignored, every word required, the last one a prefix, newest first, kept current."""
import datetime as dt

import pytest

from zalo_oa.cases import queries, search
from zalo_oa.cases.queries import Filters
from zalo_oa.models import Case, Category, Department, Staff

from ..factories import login, make_case, make_staff

NOW = dt.datetime(2026, 11, 2, 3, 0)


@pytest.fixture
def db(app):
    with app.app_context():
        yield


def operator():
    return Staff(id=7, username="s", role="operator")


def add(description, address=None, **fields):
    lighting = Category.get(Category.slug == "lighting")
    fields = {"category": lighting, "department": lighting.department_id, **fields}
    case = Case.create(description=description, address=address, **fields)
    case.code = f"PA-2611-{case.id:06d}"
    case.save()
    return case


def found(q, **filters):
    rows, _ = queries.page(Filters(q=q, **filters), operator(), NOW)
    return [c.id for c in rows]


# --- the query words (pure) ------------------------------------------------------------------

def test_query_words_are_folded_and_stripped_of_syntax():
    assert search.words("Đèn-ĐƯỜNG \"hỏng\" OR *") == ["den", "duong", "hong", "or"]
    assert search.words("  !!  ") == []
    assert search.tsquery(["den", "duo"]) == "den & duo:*"
    assert search.fts5_query(["den", "duo"]) == '"den" "duo"*'


# --- on the database -------------------------------------------------------------------------

def test_a_query_without_diacritics_finds_accented_text_in_any_case(db):
    lamp = add("Đèn đường bị hỏng trước nhà")
    shouting = add("ĐÈN ĐƯỜNG KHÔNG SÁNG")
    add("Cống bị nghẹt gây ngập")
    assert found("den duong") == [shouting.id, lamp.id]
    assert found("ĐÈN ĐƯỜNG") == [shouting.id, lamp.id]
    assert found("Đèn Đường") == [shouting.id, lamp.id]
    assert found("cong nghet") == [found("cống")[0]]


def test_d_with_stroke_is_folded_on_both_sides(db):
    street = add("Ổ gà lớn", address="Đường Điện Biên Phủ")
    assert found("dien bien") == [street.id]
    assert found("điện biên phủ") == [street.id]
    assert found("DIEN") == [street.id]


def test_every_word_is_required_and_the_last_is_a_prefix(db):
    lamp = add("Đèn đường bị hỏng")
    add("Đèn trang trí nhấp nháy")
    assert found("den duo") == [lamp.id]
    assert found("den duong nhap") == []
    assert found("hon") == [lamp.id]
    # Only the last word is a prefix: "duo" alone in the middle must be a whole word.
    assert found("duo den") == []


def test_newest_first_with_keyset_pages_and_other_filters(db):
    cases = [add(f"Ngập nước số {n}") for n in range(5)]
    add("Ngập nước", priority="urgent")
    first, cursor = queries.page(Filters(q="ngap nuoc", priority="normal"), operator(), NOW, 3)
    rest, last = queries.page(Filters(q="ngap nuoc", priority="normal", after=cursor),
                              operator(), NOW, 3)
    assert [c.id for c in first + rest] == [c.id for c in reversed(cases)] and last is None
    counts = queries.counts(Filters(q="ngap"), operator(), NOW)
    assert counts.by_status == {"new": 6} and not counts.capped and counts.total == 6


def test_a_case_edited_later_is_found_by_its_new_words_not_its_old(db):
    case = add("Cây đổ chắn đường", address="Phố Huế")
    case.description = "Vỉa hè bị lấn chiếm"
    case.save()
    Case.update(address="Hàng Bài").where(Case.id == case.id).execute()
    assert found("cay do") == [] and found("pho hue") == []
    assert found("via he lan chiem") == [case.id]
    assert found("hang bai") == [case.id]


def test_a_deleted_case_leaves_the_index(db):
    case = add("Rác thải ùn ứ")
    Case.delete().where(Case.id == case.id).execute()
    gone = add("Rác thải ùn ứ lần hai")
    assert found("rac thai") == [gone.id]


def test_codes_and_punctuation_still_work(db):
    case = add("Đèn hỏng")
    assert found(case.code.lower()) == [case.id]
    assert found("%%") == [] and found("'; DROP TABLE") == []
    assert found('"den') == [case.id]


def test_department_staff_see_only_their_department_in_results(db):
    lighting = Category.get(Category.slug == "lighting")
    other = Department.select().where(Department.id != lighting.department_id).first()
    mine = add("Đèn đường hỏng")
    add("Đèn đường hỏng", department=other.id)
    clerk = Staff(id=8, username="d", role="department", department=lighting.department_id)
    rows, _ = queries.page(Filters(q="den duong"), clerk, NOW)
    assert [c.id for c in rows] == [mine.id]


def test_the_inbox_page_searches_through_http(db, client):
    hit = add("Nắp cống bị mất", address="Ngõ 12 Đội Cấn")
    miss = add("Đèn đường hỏng")
    make_staff()
    assert login(client).status_code == 302
    page = client.get("/?q=nap cong doi can").get_data(as_text=True)
    assert hit.code in page and miss.code not in page


def test_open311_requests_take_q_words_and_never_search_contact_data(db, client):
    make_case(description="Nắp cống bị mất", address="Ngõ 12 Đội Cấn")
    lamp = make_case(description="Đèn đường hỏng", address="Hàng Bài", user_id="u2")
    hidden = make_case(description="Đèn đường tắt", user_id="u3")
    Case.update(is_public=False).where(Case.id == hidden.id).execute()

    def ids(query):
        response = client.get(f"/open311/v2/requests.json?{query}")
        assert response.status_code == 200
        return [r["service_request_id"] for r in response.get_json()]

    assert ids("q=den duong") == [lamp.code]
    assert ids("q=HANG BA&status=open") == [lamp.code]
    assert ids("q=nguyen van an") == []  # the reporter's name is contact data, not searched
    assert len(ids("q=!!")) == 2  # no words: no filter


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_pages_are_the_same_whether_the_recent_window_holds_them_or_not(db, monkeypatch, sort):
    """PostgreSQL first looks among the newest (oldest) RECENT_IDS ids; a window with too few
    matches falls back to the whole table, so every page is the one the plain query gives."""
    monkeypatch.setattr(queries, "RECENT_IDS", 4)
    matching = []
    for n in range(14):
        case = add(f"Cống nghẹt số {n}" if n % 3 != 1 else f"Cây đổ số {n}")
        if n % 3 != 1:
            matching.append(case.id)
    expected = sorted(matching, reverse=sort == "newest")
    seen, cursor = [], None
    while True:
        rows, cursor = queries.page(Filters(q="cong nghet", sort=sort, after=cursor),
                                    operator(), NOW, 2)
        seen += [c.id for c in rows]
        if cursor is None:
            break
    assert seen == expected
    assert found("cay do", sort=sort) == sorted({c.id for c in Case.select()} - set(matching),
                                               reverse=sort == "newest")


def test_a_common_word_is_counted_up_to_the_cap(db, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    for n in range(4):
        add(f"Ngập nước số {n}", status="new" if n else "resolved")
    add("Cây đổ", status="new")
    capped = queries.counts(Filters(q="ngap nuoc"), operator(), NOW)
    assert capped.capped and capped.total == 3 and capped.by_status == {}
    # The tabs count under the other filters, not the status one: still past the cap.
    assert queries.counts(Filters(q="ngap nuoc", status="resolved"), operator(), NOW).capped
    narrow = queries.counts(Filters(q="ngap nuoc so 0"), operator(), NOW)
    assert not narrow.capped and narrow.by_status == {"resolved": 1}
    # Without words the tabs count everything, however many.
    assert queries.counts(Filters(), operator(), NOW).by_status == {"new": 4, "resolved": 1}


def test_the_inbox_says_more_than_the_cap_and_leaves_out_status_figures(app, client, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    with app.app_context():
        for n in range(3):
            add(f"Ngập nước số {n}")
        make_staff(role="operator")
    login(client)
    page = client.get("/?q=ngap").get_data(as_text=True)
    assert "Tất cả <b>2+</b>" in page and 'id="many-matches"' in page
    assert "Hơn 2 phản ánh khớp" in page and "Mới <b>" not in page
    page = client.get("/?q=ngap+nuoc+so+1").get_data(as_text=True)
    assert "Tất cả <b>1</b>" in page and "Mới <b>1</b>" in page and "many-matches" not in page
