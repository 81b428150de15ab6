"""Matching what citizens type."""
import pytest

from zalo_oa.text import (
    clean_lines,
    contains_phrase,
    display_phone,
    fold,
    mask_email,
    mask_phone,
    normalize_phone,
    shorten,
    tel_href,
)


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


@pytest.mark.parametrize("stored, shown, masked", [
    ("84912345678", "0912 345 678", "0912 *** 678"),
    ("842838221234", "028 3822 1234", "028 **** 1234"),
    ("0912345678", "0912 345 678", "0912 *** 678"),  # a local form still shows one way
    ("+44 20 7946 0958", "+44 20 7946 0958", "+44 *********958"),  # not Vietnamese: as given
])
def test_phones_show_the_way_vietnamese_readers_write_them(stored, shown, masked):
    assert display_phone(stored) == shown
    assert display_phone(stored, masked=True) == masked


@pytest.mark.parametrize("stored, link", [
    ("84912345678", "tel:+84912345678"), ("0912345678", "tel:+84912345678"),
    ("+44 20 7946 0958", ""), (None, ""),
])
def test_tel_links_always_carry_the_84_prefix(stored, link):
    assert tel_href(stored) == link


def test_masked_email_keeps_the_first_letter_and_the_domain():
    assert mask_email("an.nguyen@example.org") == "a***@example.org"
    assert mask_email("") == ""


def test_windows_and_old_mac_line_endings_become_newlines():
    assert clean_lines("một\r\nhai\rba\n") == "một\nhai\nba\n"
    assert clean_lines(None) == ""


def test_a_long_text_is_shortened_at_a_word_with_an_ellipsis():
    text = "Đèn đường trước nhà số 12 Lê Lợi bị hỏng, " * 20
    short = shorten(text, 200)
    assert len(short) <= 200 and short.endswith("…") and not short.endswith(" …")
    assert text.startswith(short[:-1]) and shorten("ngắn thôi") == "ngắn thôi"
