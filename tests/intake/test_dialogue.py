"""The guided report dialogue, pure: a table of inputs and the prompt each one leads to."""
import json
from pathlib import Path

import pytest

from zalo_oa.delivery.messages import render
from zalo_oa.intake import dialogue as cv
from zalo_oa.intake import prompts, steps, understanding

CATEGORIES = tuple(
    cv.CategoryInfo(c["slug"], c["name_vi"], c["name_en"], tuple(c["keywords"]),
                    tuple(c.get("questions", ())))
    for c in json.loads((Path(__file__).parents[2] / "data" / "categories.json").read_text()))
CTX = cv.Context(CATEGORIES)

LONG_TEXT = "Cây xanh ngã đổ chắn ngang đường Nguyễn Huệ"
BEN_THANH = "26743"


def draft_at(step, **filled):
    """A draft whose slots before `step` are answered."""
    draft = steps.new_draft()
    order = ["category", "description", "location", "ward", "photos", "contact", "confirm"]
    values = {"category": "trees", "description": LONG_TEXT,
              "location": {"latitude": 10.77, "longitude": 106.7, "address": None,
                           "ward_code": BEN_THANH}}
    for slot in order[:order.index(step)] if step in order else order[:-1]:
        if slot in values:
            draft[slot] = values[slot]
        elif slot == "photos":
            draft["photos_done"] = True
        elif slot == "contact":
            draft["contact_done"] = True
    draft["questions_done"] = step != "questions"
    draft.update(filled)
    draft["step"] = step
    return draft


def templates(outcome):
    return [r.template for r in outcome.replies]


CASES = [
    # (draft, input, expected step after, expected reply templates, expected effect)
    # The first message's words give the category and the place: the next question is asked.
    (None, cv.Text("Đèn đường hỏng trước nhà số 5"), "photos",
     ["report_understood", "ask_photos"], None),
    (None, cv.Text("Tôi có việc cần phản ánh với phường"), "category", ["ask_category"], None),
    (None, cv.Text("asdf qwer zxcv tyui"), None, ["not_understood"], None),
    (None, cv.Text("khu vực Hoàn Kiếm"), None, ["area_unknown"], None),
    # Emergencies first: numbers to call, then a report only if the citizen wants one.
    (None, cv.Text("Nhà kế bên đang cháy to, lửa bén qua nhà số 11 hẻm 9 Trần Hưng Đạo"),
     "emergency", ["emergency"], None),
    ({**draft_at("category", urgent=True, emergency=["fire"], description="Cháy nhà số 11",
                 location={"latitude": None, "longitude": None, "address": "số 11 hẻm 9"}),
      "step": "emergency"},
     cv.Text("Ghi nhận phản ánh"), "category", ["report_started", "ask_category"], None),
    (draft_at("photos"), cv.Text("hai thằng cầm mã tấu đang chém nhau trước cửa"),
     "emergency", ["emergency"], None),
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
    (None, cv.Location(10.7, 106.7), "category", [], "locate"),
    (None, cv.Other("sticker"), None, ["unexpected_idle"], None),
    (None, cv.Text("Hủy"), None, ["nothing_to_cancel"], None),
    (draft_at("category"), cv.Text("4"), "description", ["category_chosen", "ask_description"],
     None),
    (draft_at("category"), cv.Text("Cây xanh"), "description",
     ["category_chosen", "ask_description"], None),
    (draft_at("category"), cv.Text("cay xanh"), "description",
     ["category_chosen", "ask_description"], None),
    (draft_at("category"), cv.Text("99"), "category", ["category_unclear", "ask_category"], None),
    (draft_at("category", misses=1), cv.Text("gửi"), "category", ["stuck"], None),
    (draft_at("category"), cv.Text("Bỏ qua"), "description", ["category_chosen", "ask_description"],
     None),
    (draft_at("category"), cv.Text("ổ gà"), "description", ["category_chosen", "ask_description"],
     None),
    # A description typed where the category was asked is the description, and read.
    (draft_at("category"), cv.Text(LONG_TEXT), "photos", ["report_understood", "ask_photos"],
     None),
    (draft_at("category", description=LONG_TEXT), cv.Text("Cây xanh"), "location",
     ["category_chosen", "ask_location"], None),
    (draft_at("description"), cv.Text("ngắn"), "description", ["description_too_short"], None),
    (draft_at("description"), cv.Text("x" * 2001), "description", ["description_too_long"],
     None),
    (draft_at("description"), cv.Text(LONG_TEXT), "photos",
     ["location_understood", "ask_photos"], None),
    (draft_at("description"), cv.Text("Cây xanh ngã đổ chắn ngang lối đi"), "location",
     ["ask_location"], None),
    (draft_at("location"), cv.Location(10.77, 106.7), "location", [], "locate"),
    (draft_at("location"), cv.Text("12 Lê Lợi, Phường Sài Gòn"), "location", [], "locate"),
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
    (draft_at("photos", misses=1), cv.Text("gì đây"), "photos", ["stuck"], None),
    (draft_at("photos"), cv.Media("audio", ("a1",)), "photos", ["media_received"], None),
    (draft_at("location"), cv.Media("video", ("v1",)), "location",
     ["media_received", "ask_location"], None),
    (None, cv.Media("video", ("v1",)), "category", ["media_received", "ask_category"], None),
    (draft_at("photos"), cv.Text("Đổi loại"), "category", ["ask_category"], None),
    (draft_at("photos"), cv.Text("doi vi tri"), "location", ["ask_location"], None),
    (draft_at("contact"), cv.Contact("An", "84912345678"), "confirm",
     ["contact_received", "confirm"], None),
    (draft_at("contact", questions_done=False), cv.Text("bo qua"), "questions",
     ["ask_question"], None),
    # The category's extra question: a choice by name or number, free text refused, skipped.
    (draft_at("questions"), cv.Text("Chắn một phần"), "confirm", ["confirm"], None),
    (draft_at("questions"), cv.Text("1"), "confirm", ["confirm"], None),
    (draft_at("questions"), cv.Text("Bỏ qua"), "confirm", ["confirm"], None),
    (draft_at("questions"), cv.Text("Gửi"), "confirm", ["confirm"], None),
    (draft_at("questions"), cv.Text("linh tinh"), "questions",
     ["question_expected", "ask_question"], None),
    (draft_at("contact"), cv.Text("0912 345 678"), "confirm", ["confirm"], None),
    (draft_at("contact"), cv.Text("bo qua"), "confirm", ["confirm"], None),
    (draft_at("contact"), cv.Text("không biết"), "contact",
     ["contact_expected", "ask_contact", "ask_contact_skip"], None),
    (draft_at("confirm"), cv.Text("Gửi"), None, [], "submit"),
    (draft_at("confirm"), cv.Text("gui"), None, [], "submit"),
    (draft_at("confirm"), cv.Text("Sửa"), "edit", ["ask_edit"], None),
    (draft_at("confirm"), cv.Text("hả"), "confirm", ["confirm_expected", "confirm"], None),
    (draft_at("confirm"), cv.Location(10.8, 106.6), "confirm", [], "locate"),
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
    draft = draft_at("category", suggested=["lighting", "electricity"])
    buttons = prompts.prompt(draft, CTX)[-1].buttons
    assert [b.label for b in buttons[:2]] == ["Chiếu sáng công cộng", "Điện lực"]
    assert len(buttons) == 5


def test_a_clear_first_message_is_taken_with_a_change_button():
    outcome = cv.step(None, cv.Text("đèn đường hỏng cả tuần rồi"), CTX)
    assert outcome.draft["category"] == "lighting"
    assert outcome.draft["description"] == "đèn đường hỏng cả tuần rồi"
    assert outcome.draft["when"] == "cả tuần rồi"
    understood = outcome.replies[0]
    assert understood.params["category"] == "Chiếu sáng công cộng"
    assert [b.label for b in understood.buttons] == ["change_category"]


def test_an_unclear_first_message_offers_the_likeliest_categories_first():
    outcome = cv.step(None, cv.Text("quán nhậu ồn ào lấn chiếm vỉa hè"), CTX)
    assert outcome.draft["step"] == "category"
    assert set(outcome.draft["suggested"][:2]) == {"urban_order", "noise"}


def test_an_address_in_the_first_message_fills_the_location_with_its_ward():
    outcome = cv.step(None, cv.Text("Ổ gà lớn trước số 45 đường Nguyễn Thị Minh Khai, "
                                    "phường Bến Thành, xe máy té mấy vụ rồi"), CTX)
    location = outcome.draft["location"]
    assert location == {"latitude": None, "longitude": None, "ward_code": "26743",
                        "address": "trước số 45 đường Nguyễn Thị Minh Khai, phường Bến Thành"}
    assert outcome.draft["step"] == "photos"
    assert [b.label for b in outcome.replies[0].buttons] == ["change_category",
                                                             "change_location"]


def test_an_emergency_answers_with_phone_buttons_then_records_an_urgent_report():
    outcome = cv.step(None, cv.Text("có người ngất xỉu nằm bất động trước số 5 Lê Lợi"), CTX)
    [reply] = outcome.replies
    calls = [b for b in reply.buttons if b.kind == "phone"]
    assert [(b.label, b.value) for b in calls] == [("call_115", "115")]
    assert [b.label for b in reply.buttons if b.kind != "phone"] == ["record", "cancel"]
    draft = outcome.draft
    assert draft["urgent"] and draft["emergency"] == ["medical"]
    for text in ("Ghi nhận phản ánh", "Khác", "Bỏ qua", "Bỏ qua", "Gửi"):
        outcome = cv.step(draft, cv.Text(text), CTX)
        draft = outcome.draft
    [(name, submitted)] = outcome.effects
    assert name == "submit" and submitted["urgent"] and submitted["category"] == "other"
    assert submitted["location"]["address"] == "trước số 5 Lê Lợi"


def test_a_stolen_fire_extinguisher_and_a_burnt_out_lamp_are_routine():
    for text in ("Bình chữa cháy ở nhà chờ xe buýt bị mất", "đèn đường cháy bóng 3 hôm nay",
                 "Ổ gà trước cổng bệnh viện Nhân dân 115"):
        assert cv.step(None, cv.Text(text), CTX).draft["step"] != "emergency", text


def test_extra_answers_are_kept_and_change_with_the_category():
    draft = draft_at("questions")
    draft = cv.step(draft, cv.Text("Chắn một phần"), CTX).draft
    assert draft["attributes"] == {"blocking": "partly"}
    draft = cv.step(draft, cv.Text("Đổi loại"), CTX).draft
    assert draft["attributes"] == {} and draft["step"] == "category"


def test_photos_are_capped_at_five_and_the_rest_counted():
    draft = draft_at("photos", photos=["a", "b", "c"])
    outcome = cv.step(draft, cv.Photos(("d", "e", "f", "g")), CTX)
    assert outcome.draft["photos"] == ["a", "b", "c", "d", "e"]
    assert outcome.replies[0].params["ignored"] == 2


def test_a_full_report_in_any_order_reaches_submit_with_every_slot():
    draft = None
    for given in (cv.Photos(("p1",)), cv.Location(10.77, 106.7), cv.Text("Cây xanh"),
                  cv.Text(LONG_TEXT), cv.Text("Xong"), cv.Contact("An", "84912345678"),
                  cv.Text("Có, chắn hết"), cv.Text("Gửi")):
        outcome = run(draft, given)
        draft = outcome.draft
    assert draft is None
    [(name, submitted)] = outcome.effects
    assert name == "submit"
    assert submitted["category"] == "trees"
    assert submitted["description"] == LONG_TEXT
    assert submitted["photos"] == ["p1"]
    assert submitted["location"]["latitude"] == 10.77
    assert submitted["contact"] == {"name": "An", "phone": "84912345678"}
    assert submitted["attributes"] == {"blocking": "yes"}


def run(draft, given, ward=BEN_THANH):
    """One step, with the effect `locate` answered as the chat would: the ward found."""
    outcome = cv.step(draft, given, CTX)
    if [e[0] for e in outcome.effects] == ["locate"]:
        located = {**outcome.draft["location"], "ward_code": ward}
        outcome = cv.located(outcome.draft, located, CTX)
    return outcome


def test_a_located_place_is_told_back_and_the_dialogue_moves_on():
    outcome = run(draft_at("location"), cv.Text("12 Lê Lợi"))
    assert templates(outcome) == ["location_received", "ask_photos"]
    assert outcome.replies[0].params == {"address": "12 Lê Lợi", "ward": "Phường Bến Thành",
                                         "mapped": False}
    assert outcome.draft["location"]["ward_code"] == BEN_THANH
    assert "Phường Bến Thành" in render(outcome.replies[0], "vi")["text"]


def test_without_a_ward_the_citizen_is_asked_and_may_skip():
    asked = run(draft_at("location"), cv.Location(10.77, 106.7), ward=None)
    assert templates(asked) == ["location_received", "ask_ward"] and asked.draft["step"] == "ward"
    draft = asked.draft
    chosen = cv.step(json_copy(draft), cv.Text("ben thanh"), CTX)
    assert templates(chosen) == ["ward_chosen", "ask_photos"]
    assert chosen.draft["location"]["ward_code"] == BEN_THANH
    several = cv.step(json_copy(draft), cv.Text("Thạnh An"), CTX)  # a phường and a xã
    assert templates(several) == ["ward_choose"] and several.draft["step"] == "ward"
    assert [b.label for b in several.replies[0].buttons][-1] == "skip"
    assert templates(cv.step(json_copy(draft), cv.Text("Hoàn Kiếm"), CTX)) == [
        "ward_unknown", "ask_ward"]
    skipped = cv.step(json_copy(draft), cv.Text("Bỏ qua"), CTX)
    assert skipped.draft["step"] == "photos" and skipped.draft["ward_skipped"]


def test_back_from_photos_skips_a_ward_that_was_found():
    assert cv.step(draft_at("photos"), cv.Text("Quay lại"), CTX).draft["step"] == "location"


SAME = [{"code": "PA-2611-000007", "category": "Cây xanh", "address": "Lê Lợi", "metres": 40,
         "status": "Đang xử lý", "created_date": "01/11/2026", "followers": 2},
        {"code": "PA-2611-000009", "category": "Cây xanh", "address": "", "metres": 120,
         "status": "Mới tiếp nhận", "created_date": "02/11/2026", "followers": 0}]


def offered(cases=SAME):
    return cv.offer_same_case(draft_at("confirm", photos=["p1"]), json_copy(cases), CTX)


def test_open_cases_nearby_are_offered_before_a_new_one():
    outcome = offered()
    assert outcome.draft["step"] == "same_case" and templates(outcome) == ["same_case_offer"]
    labels = [b.label for b in outcome.replies[0].buttons]
    assert labels == ["PA-2611-000007", "PA-2611-000009", "new_case"]
    assert [b.label for b in offered(SAME[:1]).replies[0].buttons] == ["follow_case", "new_case"]
    for locale in ("vi", "en"):
        text = render(outcome.replies[0], locale)["text"]
        assert "PA-2611-000009" in text and "40 m" in text and "+2" in text


@pytest.mark.parametrize("typed, effect, code", [
    ("Theo dõi phản ánh này", "follow_case", "PA-2611-000007"),
    ("theo doi", "follow_case", "PA-2611-000007"),
    ("PA-2611-000009", "follow_case", "PA-2611-000009"),
    ("Không, gửi phản ánh mới", "submit", None),
    ("không", "submit", None),
])
def test_the_citizen_follows_one_or_sends_a_new_report(typed, effect, code):
    outcome = cv.step(offered().draft, cv.Text(typed), CTX)
    assert outcome.draft is None
    [(name, *arguments)] = outcome.effects
    assert name == effect
    submitted = arguments[-1]
    assert "same_cases" not in submitted and submitted["photos"] == ["p1"]
    if code:
        assert arguments[0] == code
    else:
        assert submitted["same_checked"] is True


def test_another_code_or_a_command_at_the_offer_is_not_a_choice():
    assert cv.step(offered().draft, cv.Text("PA-2611-000123"), CTX).effects == [
        ("show_case", "PA-2611-000123")]
    assert templates(cv.step(offered().draft, cv.Text("Hủy"), CTX)) == ["cancelled"]
    assert templates(cv.step(offered().draft, cv.Text("hmm"), CTX)) == [
        "same_case_expected", "same_case_offer"]


def json_copy(value):
    return json.loads(json.dumps(value))


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
