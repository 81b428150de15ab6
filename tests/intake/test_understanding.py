"""Reading citizens' messages, pure (intake/understanding/): words with and without diacritics,
shorthand, phrases that hide their words, places, times, emergencies and categories.
Accuracy on realistic messages is measured by bench/intake.py, not asserted here."""
import pytest

from zalo_oa.intake.understanding import place, understand, ward_in, when
from zalo_oa.intake.understanding.words import expand, is_accented, letters_share, split


def best(text):
    return understand(text).guess.best


@pytest.mark.parametrize("text, slug", [
    # with diacritics, "tối" is dark and "tới" is not; "cống" is a drain, "công" is not
    ("Đường hẻm tối om, không có đèn", "lighting"),
    ("Cống trước nhà bị nghẹt rác", "drainage"),
    # without diacritics, and in chat shorthand
    ("cup nc 2 ngay r ko co nuoc xai", "water"),
    ("den duong hu roi toi thui", "lighting"),
    ("ổ gà to đùng trc nhà, hqua có ng té", "roads"),
    # English, plurals
    ("Huge potholes on the road near the school", "roads"),
    ("The streetlights are out on our street", "lighting"),
    # an address's "đường" and a street called Điện Biên Phủ say nothing of the problem
    ("Quán nhậu lấn chiếm vỉa hè đường Điện Biên Phủ", "urban_order"),
    ("Karaoke ồn ào tới 2h sáng ở hẻm 12 đường Cống Quỳnh", "noise"),
    # keyword traps
    ("Công viên Lê Thị Riêng có rác quá trời, chai nhựa khắp bãi cỏ", "environment"),
    ("Cây xăng trên đường Cộng Hòa bơm xăng thiếu cho khách", "other"),
    ("Bình chữa cháy ở nhà chờ xe buýt bị mất", "public_transport"),
])
def test_categories_of_real_messages(text, slug):
    assert best(text) == slug


def test_the_ranking_is_probabilities_best_first_with_no_ties_by_list_order():
    ranked = understand("Cây đè dây điện trước nhà").guess.ranked
    scores = [score for _, score in ranked]
    assert scores == sorted(scores, reverse=True)
    assert abs(sum(scores) - 1) < 1e-6 and len(ranked) == 14
    assert {slug for slug, _ in ranked[:2]} == {"trees", "electricity"}


def test_diacritics_decide_when_the_message_has_them():
    words = split("Tôi đi tới chợ")
    assert is_accented(words)
    assert not understand("Tôi đi tới chợ mua đồ").evidence  # "tới" is not "tối" (dark)
    assert not is_accented(split("toi di toi cho"))


def test_shorthand_and_plurals_are_written_out():
    assert [w.form for w in expand(split("cúp nc hqua r, ko có"))] == \
        ["cúp", "nước", "hôm", "qua", "rồi", "không", "có"]
    assert [w.form for w in expand(split("potholes branches buses"))] == \
        ["pothole", "branch", "bus"]


def test_keys_mashed_are_told_from_words():
    assert letters_share(split("asdfgh qwerty zxcvb")) == 0
    assert letters_share(split("duong nay bi ngap nang")) == 1
    assert letters_share(split("the bus driver was rude")) == 1


@pytest.mark.parametrize("text, address, ward", [
    ("Ổ gà lớn trước số 45 đường Nguyễn Thị Minh Khai, phường Bến Thành, xe máy té",
     "trước số 45 đường Nguyễn Thị Minh Khai, phường Bến Thành", "26743"),
    ("cup nc 2 ngay r, hem 12 Le Van Sy phuong Nhieu Loc k co nuoc xai",
     "hem 12 Le Van Sy phuong Nhieu Loc", "27142"),
    ("Nhà kế bên đang cháy to, lửa bén qua nhà số 11 hẻm 9 Trần Hưng Đạo",
     "nhà số 11 hẻm 9 Trần Hưng Đạo", None),
    ("Trụ điện nghiêng ở 230 Cống Quỳnh, P. Cầu Ông Lãnh, Q.1",
     "230 Cống Quỳnh, P. Cầu Ông Lãnh, Q.1", "26758"),
    ("den duong hem 45/12 ly thuong kiet P.Dien Hong khong sang",
     "hem 45/12 ly thuong kiet P.Dien Hong", "27169"),
    ("rác ngập ở chợ bến thành", "chợ bến thành", None),
    ("Kẹt xe ngã tư Hàng Xanh từ sáng", "ngã tư Hàng Xanh", None),
    ("Cây đổ trước cổng bệnh viện Chợ Rẫy", "trước cổng bệnh viện Chợ Rẫy", None),
    ("Đèn đường nhà tôi hư rồi", None, None),
])
def test_the_address_and_ward_are_found_in_the_text(text, address, ward):
    found = place.extract(text)
    assert (found.address, found.ward_code) == (address, ward)


def test_a_ward_is_named_with_or_without_its_prefix_or_diacritics():
    for text in ("Bến Thành", "p ben thanh", "Phường Bến Thành", "P.Bến Thành"):
        assert ward_in(text) == ("26743", "Phường Bến Thành"), text
    assert ward_in("Hoàn Kiếm") == (None, None)


@pytest.mark.parametrize("text, phrase", [
    ("Đèn đường hỏng từ hôm qua", "từ hôm qua"),
    ("Karaoke từ 7h tối đến 12h đêm", "từ 7h tối đến 12h đêm"),
    ("cup nc 2 ngay r", "2 ngay r"),
    ("no water since yesterday", "since yesterday"),
    ("Ổ gà ở quận 7 tuần trước", "tuần trước"),
    ("nhà số 11 hẻm 9", None),
])
def test_a_time_is_kept_as_typed(text, phrase):
    assert when.extract(text) == phrase


@pytest.mark.parametrize("text, kinds, numbers", [
    ("Nhà kế bên đang cháy to, lửa bén qua nhà số 11 hẻm 9 Trần Hưng Đạo", ("fire",),
     ("114",)),
    ("hai nhom thanh nien cam ma tau duoi chem nhau truoc quan nhau", ("crime",), ("113",)),
    ("A man collapsed on the sidewalk and is not breathing", ("medical",), ("115",)),
    ("Có em bé bị kẹt trong nước ngập chảy xiết, cứu với", ("water",), ("114", "112")),
    ("Căn nhà cũ vừa sập, còn 2 người kẹt bên trong", ("collapse",), ("114", "112")),
    ("Xe tải tông xe máy đang bốc cháy, người nằm bất động", ("fire", "medical"),
     ("114", "115")),
])
def test_emergencies_by_kind_with_the_numbers_to_call(text, kinds, numbers):
    found = understand(text).emergency
    assert (found.kinds, found.numbers) == (kinds, numbers)


@pytest.mark.parametrize("text", [
    "Bình chữa cháy ở nhà chờ xe buýt bị mất",            # no fire
    "đèn đường cháy bóng 3 hôm nay",                     # a burnt-out lamp
    "Ổ gà trước cổng bệnh viện Nhân dân 115",            # a hospital in an address
    "Hôm qua có vụ cháy nhà ở hẻm 5, giờ còn mùi khét",   # over
    "Dây điện chằng chịt, có nguy cơ cháy nổ",           # a risk, not a fire
    "Đường ngập sâu, xe bị kẹt chết máy",                 # a stalled motorbike
    "Ô tô đậu kín hẻm, xe cứu thương không vào được",     # no one hurt
    "Quán nướng xả khói mù mịt mỗi tối",                  # smoke from cooking
    "Tai nạn xảy ra liên tục ở ngã tư này vì thiếu đèn",  # a dangerous crossing
    "không ai bị thương nhưng cột đèn gãy",               # said no one was hurt
])
def test_routine_reports_are_not_emergencies(text):
    assert understand(text).emergency is None
