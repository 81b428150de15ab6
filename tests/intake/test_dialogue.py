"""The guided report dialogue, pure: a table of inputs and the prompt each one leads to."""
import json
from pathlib import Path

import pytest

from zalo_oa.delivery.messages import render
from zalo_oa.intake import dialogue as cv
from zalo_oa.intake import prompts, steps, understanding

CATEGORIES = tuple(
    cv.CategoryInfo(c["slug"], c["name_vi"], c["name_en"], tuple(c["keywords"]))
    for c in json.loads((Path(__file__).parents[2] / "data" / "categories.json").read_text()))
CTX = cv.Context(CATEGORIES)

LONG_TEXT = "Cây xanh ngã đổ chắn ngang đường Nguyễn Huệ"


def draft_at(step, **filled):
    """A draft whose slots before `step` are answered."""
    draft = steps.new_draft()
    order = ["category", "description", "location", "photos", "contact", "confirm"]
    values = {"category": "trees", "description": LONG_TEXT,
              "location": {"latitude": 10.77, "longitude": 106.7, "address": None}}
    for slot in order[:order.index(step)] if step in order else order[:-1]:
        if slot in values:
            draft[slot] = values[slot]
        elif slot == "photos":
            draft["photos_done"] = True
        elif slot == "contact":
            draft["contact_done"] = True
    draft.update(filled)
    draft["step"] = step
    return draft


def templates(outcome):
    return [r.template for r in outcome.replies]


CASES = [
    # (draft, input, expected step after, expected reply templates, expected effect)
    (None, cv.Text("Đèn đường hỏng trước nhà số 5"), "category",
     ["report_started", "ask_category"], None),
    (None, cv.Text("hi"), None, ["menu"], None),
    (None, cv.Text("Phản ánh mới"), "category", ["ask_category"], None),
    (None, cv.Text("phan anh moi"), "category", ["ask_category"], None),
    (None, cv.Text("Tra cứu"), None, [], "list_cases"),
    (None, cv.Text("tra cuu"), None, [], "list_cases"),
    (None, cv.Text("my reports"), None, [], "list_cases"),
    (None, cv.Text("PA-2611-000123"), None, [], "show_case"),
    (None, cv.Text("cho tôi hỏi pa-2611-000123 đã xong chưa"), None, [], "show_case"),
    (None, cv.Text("Trợ giúp"), None, ["help"], None),
    (None, cv.Text("English"), None, [], "set_locale"),
    (None, cv.Photos(("u1",)), "category", ["photo_noted", "ask_category"], None),
    (None, cv.Location(10.7, 106.7), "category", ["location_received", "ask_category"], None),
    (None, cv.Other("sticker"), None, ["unexpected_idle"], None),
    (None, cv.Text("Hủy"), None, ["nothing_to_cancel"], None),
    (draft_at("category"), cv.Text("4"), "description", ["category_chosen", "ask_description"],
     None),
    (draft_at("category"), cv.Text("Cây xanh"), "description",
     ["category_chosen", "ask_description"], None),
    (draft_at("category"), cv.Text("cay xanh"), "description",
     ["category_chosen", "ask_description"], None),
    (draft_at("category"), cv.Text("99"), "category", ["category_unclear", "ask_category"], None),
    (draft_at("category", description=LONG_TEXT), cv.Text("Cây xanh"), "location",
     ["category_chosen", "ask_location"], None),
    (draft_at("description"), cv.Text("ngắn"), "description", ["description_too_short"], None),
    (draft_at("description"), cv.Text("x" * 2001), "description", ["description_too_long"],
     None),
    (draft_at("description"), cv.Text(LONG_TEXT), "location", ["ask_location"], None),
    (draft_at("location"), cv.Location(10.77, 106.7), "photos",
     ["location_received", "ask_photos"], None),
    (draft_at("location"), cv.Text("12 Lê Lợi, Phường Sài Gòn"), "photos", ["ask_photos"], None),
    (draft_at("location"), cv.Text("ở"), "location", ["location_unclear", "ask_location"], None),
    (draft_at("location"), cv.Photos(("u1",)), "location", ["photo_noted", "ask_location"], None),
    (draft_at("location"), cv.Other("sticker"), "location",
     ["unexpected_input", "ask_location"], None),
    (draft_at("location"), cv.Other("audio"), "location", ["unexpected_input", "ask_location"],
     None),
    (draft_at("photos"), cv.Photos(("u1", "u2")), "photos", ["photos_received"], None),
    (draft_at("photos"), cv.Photos(tuple(f"u{i}" for i in range(7))), "contact",
     ["photos_full", "ask_contact", "ask_contact_skip"], None),
    (draft_at("photos"), cv.Text("Bỏ qua"), "contact", ["ask_contact", "ask_contact_skip"], None),
    (draft_at("photos"), cv.Text("xong"), "contact", ["ask_contact", "ask_contact_skip"], None),
    (draft_at("photos"), cv.Text("gì đây"), "photos", ["photos_expected", "ask_photos"], None),
    (draft_at("contact"), cv.Contact("An", "84912345678"), "confirm",
     ["contact_received", "confirm"], None),
    (draft_at("contact"), cv.Text("0912 345 678"), "confirm", ["confirm"], None),
    (draft_at("contact"), cv.Text("bo qua"), "confirm", ["confirm"], None),
    (draft_at("contact"), cv.Text("không biết"), "contact",
     ["contact_expected", "ask_contact", "ask_contact_skip"], None),
    (draft_at("confirm"), cv.Text("Gửi"), None, [], "submit"),
    (draft_at("confirm"), cv.Text("gui"), None, [], "submit"),
    (draft_at("confirm"), cv.Text("Sửa"), "edit", ["ask_edit"], None),
    (draft_at("confirm"), cv.Text("hả"), "confirm", ["confirm_expected", "confirm"], None),
    (draft_at("confirm"), cv.Location(10.8, 106.6), "confirm", ["location_received", "confirm"],
     None),
    (draft_at("edit"), cv.Text("Vị trí"), "location", ["ask_location"], None),
    (draft_at("edit"), cv.Text("linh tinh"), "edit", ["edit_expected", "ask_edit"], None),
    (draft_at("location"), cv.Text("Quay lại"), "description", ["ask_description"], None),
    (draft_at("location"), cv.Text("quay lai"), "description", ["ask_description"], None),
    (draft_at("category"), cv.Text("back"), "category", ["back_at_start", "ask_category"], None),
    (draft_at("location"), cv.Text("Hủy"), None, ["cancelled"], None),
    (draft_at("location"), cv.Text("huy"), None, ["cancelled"], None),
    (draft_at("location"), cv.Text("CANCEL"), None, ["cancelled"], None),
    (draft_at("location"), cv.Text("help"), "location", ["help", "ask_location"], None),
    (draft_at("location"), cv.Text("menu"), "location", ["menu"], None),
    (draft_at("location"), cv.Text("Tiếp tục"), "location", ["ask_location"], None),
    (draft_at("location"), cv.Text("Phản ánh mới"), "location",
     ["draft_in_progress", "ask_location"], None),
    (draft_at("photos"), cv.Text("PA-2611-000123"), "photos", [], "show_case"),
    (None, cv.Text("khu vực Bến Thành"), None, [], "area"),
    (draft_at("location"), cv.Text("chủ đề 2"), "location", [], "topics"),
    (None, cv.Text("Dừng thông báo"), None, [], "announcements"),
    (None, cv.Text("stop announcements"), None, [], "announcements"),
    (draft_at("confirm"), cv.Text("Gửi không công khai"), None, [], "submit"),
]


@pytest.mark.parametrize("draft, given, step, replies, effect", CASES)
def test_input_leads_to_the_expected_prompt(draft, given, step, replies, effect):
    outcome = cv.step(draft, given, CTX)
    assert (outcome.draft or {}).get("step") == step
    assert templates(outcome) == replies
    assert [e[0] for e in outcome.effects] == ([effect] if effect else [])


def test_every_reply_renders_in_both_languages():
    for draft, given, *_ in CASES:
        for reply in cv.step(draft and json.loads(json.dumps(draft)), given, CTX).replies:
            for locale in ("vi", "en"):
                message = render(reply, locale, card_image_url="https://x/card.png")
                assert message.get("text") or message.get("attachment")


def test_free_text_suggests_categories_without_diacritics():
    for text, slug in (("den duong hong", "lighting"), ("nuoc ngap sau sau con mua", "drainage"),
                       ("nha toi mat nuoc tu sang", "water"),
                       ("karaoke on ao den 2 gio sang", "noise"),
                       ("xe buyt so 19 khong dung tram", "public_transport")):
        assert understanding.understand(text).guess.best == slug, text
    assert not understanding.understand("hom nay troi dep").evidence


def test_suggested_categories_come_first_on_the_buttons():
    outcome = cv.step(None, cv.Text("đèn đường hỏng cả tuần rồi"), CTX)
    buttons = outcome.replies[-1].buttons
    assert buttons[0].label == "Chiếu sáng công cộng"
    assert len(buttons) == 5


def test_photos_are_capped_at_five_and_the_rest_counted():
    draft = draft_at("photos", photos=["a", "b", "c"])
    outcome = cv.step(draft, cv.Photos(("d", "e", "f", "g")), CTX)
    assert outcome.draft["photos"] == ["a", "b", "c", "d", "e"]
    assert outcome.replies[0].params["ignored"] == 2


def test_a_full_report_in_any_order_reaches_submit_with_every_slot():
    draft = None
    for given in (cv.Photos(("p1",)), cv.Location(10.77, 106.7), cv.Text("Cây xanh"),
                  cv.Text(LONG_TEXT), cv.Text("Xong"), cv.Contact("An", "84912345678"),
                  cv.Text("Gửi")):
        outcome = cv.step(draft, given, CTX)
        draft = outcome.draft
    assert draft is None
    [(name, submitted)] = outcome.effects
    assert name == "submit"
    assert submitted["category"] == "trees"
    assert submitted["description"] == LONG_TEXT
    assert submitted["photos"] == ["p1"]
    assert submitted["location"]["latitude"] == 10.77
    assert submitted["contact"] == {"name": "An", "phone": "84912345678"}


def test_editing_a_field_returns_to_the_summary():
    draft = draft_at("confirm")
    for given in (cv.Text("Sửa"), cv.Text("Mô tả"), cv.Text("Cây đổ đè lên xe máy ở góc đường")):
        outcome = cv.step(draft, given, CTX)
        draft = outcome.draft
    assert draft["step"] == "confirm"
    assert draft["description"] == "Cây đổ đè lên xe máy ở góc đường"


def test_button_titles_are_understood_when_tapped():
    # Tapping an oa.query.show button sends its title back as the citizen's text.
    confirm = prompts.prompt(draft_at("confirm"), CTX)[0]
    for locale in ("vi", "en"):
        titles = [b["title"] for b in render(confirm, locale)["attachment"]["payload"]["buttons"]]
        effects = [cv.step(draft_at("confirm"), cv.Text(t), CTX) for t in titles]
        assert [o.effects[0][0] if o.effects else o.draft and o.draft["step"]
                for o in effects] == ["submit", "submit", "edit", None]
        assert effects[1].effects[0][1]["public"] is False


def test_reminder_and_expiry_replies():
    draft = draft_at("location")
    assert [r.template for r in prompts.remind(draft, CTX)] == ["draft_reminder", "ask_location"]
    assert [r.template for r in prompts.expire(draft, CTX)] == ["draft_expired"]


@pytest.mark.parametrize("text, code", [
    ("PA-2611-000123", "PA-2611-000123"),
    ("ma pa-2611-000123 nhe", "PA-2611-000123"),
    ("PA 2611 000123", "PA-2611-000123"),
    ("PA-26-1", None),
    ("SPA-2611-000123x", None),
])
def test_tracking_codes_are_found_anywhere_in_a_text(text, code):
    assert understanding.find_case_code(text) == code
