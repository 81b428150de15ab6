"""The city hall's Vietnamese: one term per concept, "Đã ghi nhận" before staff accept, a
summary whose instructions always fit, phones as people write them, the reason a phone is
asked and how it is protected, settings rather than hard-coded hours, no English in
Vietnamese pages."""
import json
import re
from pathlib import Path

from zalo_oa.delivery.messages import MAX_TEXT, TEMPLATE_DIR, render
from zalo_oa.intake import dialogue, prompts, steps

VI = TEMPLATE_DIR / "vi"
DASHBOARD_VI = TEMPLATE_DIR.parent / "dashboard" / "i18n" / "vi.json"
CATEGORIES = (dialogue.CategoryInfo("lighting", "Chiếu sáng công cộng", "Street lighting",
                                    ("đèn",)),)


def vietnamese_texts():
    """Every Vietnamese text citizens or staff read: message templates, labels, staff pages."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in VI.glob("*.txt")}
    texts["labels.json"] = " ".join(json.loads((VI / "labels.json").read_text()).values())
    texts["vi.json"] = " ".join(json.loads(DASHBOARD_VI.read_text(encoding="utf-8")).values())
    return texts


def test_one_term_per_concept_and_the_modern_spelling():
    for name, text in vietnamese_texts().items():
        assert not re.search(r"\bLoại( sự cố| vấn đề)?:|loại sự cố|Loại vấn đề", text), name
        assert not re.search(r"[Hh]uỷ|[Tt]uỳ", text), name  # "Hủy", "tùy"
    assert json.loads(DASHBOARD_VI.read_text())["category"] == "Lĩnh vực"
    assert json.loads(DASHBOARD_VI.read_text())["department"] == "Đơn vị xử lý"
    assert json.loads(DASHBOARD_VI.read_text())["code"] == "Mã phản ánh"


def test_no_english_leaks_into_vietnamese_pages():
    staff = json.loads(DASHBOARD_VI.read_text(encoding="utf-8"))
    for key, text in staff.items():
        assert not re.search(r"\b(image|location|broadcast|user id|Zalo user)\b", text, re.I), key


def test_the_confirmation_says_recorded_since_staff_have_not_accepted_it_yet():
    text = (VI / "case_created.txt").read_text(encoding="utf-8")
    assert text.startswith("✅ Đã ghi nhận") and "Đã tiếp nhận" not in text


def test_hours_that_a_setting_decides_are_never_written_in():
    for name, text in vietnamese_texts().items():
        assert not re.search(r"\b24 giờ\b", text), name
    ctx = dialogue.Context(CATEGORIES, draft_expire_hours=12)
    [reply] = prompts.expire({}, ctx)
    assert "12 giờ" in render(reply, "vi")["text"]
    assert "12 hours" in render(reply, "en")["text"]


def test_a_long_description_is_shortened_so_the_button_instructions_stay_whole():
    draft = {**steps.new_draft(), "category": "lighting", "description": "Đèn hỏng. " * 199,
             "location": {"address": "12 Lê Lợi", "latitude": None, "longitude": None},
             "photos_done": True, "contact_done": True,
             "contact": {"name": "An", "phone": "84912345678"}, "step": "confirm"}
    [summary] = prompts.prompt(draft, dialogue.Context(CATEGORIES))
    text = render(summary, "vi")["text"]
    assert len(text) < 700 < MAX_TEXT and text.endswith('hoặc "Hủy".')
    assert "0912 345 678" in text and "84912345678" not in text
    assert summary.params["description"].endswith("…")


def test_the_contact_card_says_why_the_phone_is_asked_and_how_it_is_protected():
    [card, _skip] = prompts.prompt({**steps.new_draft(), "step": "contact"},
                                    dialogue.Context(CATEGORIES))
    for locale, decree in (("vi", "Nghị định 13/2023/NĐ-CP"), ("en", "Decree 13/2023/ND-CP")):
        element = render(card, locale, card_image_url="https://x/card.png")["attachment"][
            "payload"]["elements"][0]
        assert decree in element["subtitle"] and len(element["subtitle"]) <= 500
        assert len(element["title"]) <= 100
    subtitle = render(card, "vi", card_image_url="x")["attachment"]["payload"]["elements"][0]
    assert "liên hệ" in subtitle["subtitle"] and "không hiện trên trang công khai" in \
        subtitle["subtitle"]


def test_every_vietnamese_template_has_an_english_one():
    english = {p.name for p in (TEMPLATE_DIR / "en").glob("*.txt")}
    assert {p.name for p in VI.glob("*.txt")} == english
    assert Path(VI / "labels.json").exists()
