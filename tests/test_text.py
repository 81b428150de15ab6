"""Matching what citizens type."""
import pytest

from zalo_oa.text import contains_phrase, fold, format_phone, mask_phone, normalize_phone, shorten


@pytest.mark.parametrize("raw, folded", [
    ("Đèn đường HỎNG!", "den duong hong"), ("  Hủy  ", "huy"), ("Quay lại.", "quay lai"),
    ("Tra cứu", "tra cuu"), ("ĐƯỜNG", "duong"),
])
def test_fold_drops_case_diacritics_and_punctuation(raw, folded):
    assert fold(raw) == folded


def test_phrases_match_whole_words_only():
    assert contains_phrase("den duong hong", "den duong")
    assert not contains_phrase("cay den", "de")


@pytest.mark.parametrize("raw, phone", [
    ("0912345678", "84912345678"), ("84912345678", "84912345678"),
    ("+84 912 345 678", "84912345678"), ("091.234.5678", "84912345678"), ("12345", None),
])
def test_phone_numbers_become_84_form(raw, phone):
    assert normalize_phone(raw) == phone


def test_masked_phone_hides_the_middle():
    assert mask_phone("84912345678") == "8491****678"


@pytest.mark.parametrize("stored, shown", [
    ("84912345678", "0912 345 678"), ("842838221234", "028 3822 1234"),
    ("0912", "0912"), ("", ""), (None, ""),
])
def test_stored_84_numbers_are_shown_the_vietnamese_way(stored, shown):
    assert format_phone(stored) == shown


def test_a_long_text_is_shortened_at_a_word_with_an_ellipsis():
    text = "Đèn đường trước nhà số 12 Lê Lợi bị hỏng, " * 20
    short = shorten(text, 200)
    assert len(short) <= 200 and short.endswith("…") and not short.endswith(" …")
    assert text.startswith(short[:-1]) and shorten("ngắn thôi") == "ngắn thôi"
