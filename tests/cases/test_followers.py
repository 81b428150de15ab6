"""Following a case ("me too"): who is offered which case, and what a follower gets."""
from tests.factories import make_case
from zalo_oa.cases import feedback, followers, lifecycle, notify
from zalo_oa.models import Case, Citizen

HERE = {"latitude": 10.7725, "longitude": 106.6980}


def draft(category="urban_order", **location):
    return {"category": category, "location": {**HERE, **location}}


def codes(citizen, wanted=None, metres=150):
    return [c["code"] for c in followers.candidates(citizen, wanted or draft(), metres, "vi")]


def test_only_public_open_cases_of_the_category_nearby_are_offered(ctx):
    me, _ = Citizen.get_or_create(zalo_user_id="me")
    near = make_case("urban_order", user_id="u1", **HERE)
    make_case("urban_order", user_id="u2", latitude=10.7745, longitude=106.6980)  # 220 m
    make_case("noise", user_id="u3", **HERE)
    make_case("urban_order", user_id="u4", is_public=False, **HERE)
    make_case("urban_order", user_id="me", **HERE)  # the citizen's own
    lifecycle.change_status(make_case("urban_order", user_id="u5", **HERE), "rejected",
                            reason="không thuộc thẩm quyền")
    assert codes(me) == [near.code]
    assert len(codes(me, metres=300)) == 2
    assert codes(me, draft(latitude=None)) == []
    followers.follow(near, me, "tôi cũng thấy", ["https://x/1.jpg"])
    assert codes(me) == []  # already followed


def test_following_twice_counts_once_and_followers_hear_the_case(ctx):
    case = make_case("urban_order", user_id="u1", **HERE)
    me, _ = Citizen.get_or_create(zalo_user_id="me")
    followers.follow(case, me, "tôi cũng thấy")
    assert followers.follow(case, me, "lần nữa") == []
    assert Case.get_by_id(case.id).follower_count == 1
    assert {c.zalo_user_id for c in notify.recipients(case)} == {"u1", "me"}
    assert followers.followed_case(me, case.code) == case


def test_a_follower_answers_is_it_fixed(ctx):
    case = make_case("urban_order", user_id="u1", **HERE)
    me, _ = Citizen.get_or_create(zalo_user_id="me")
    stranger, _ = Citizen.get_or_create(zalo_user_id="stranger")
    followers.follow(case, me)
    lifecycle.change_status(case, "in_progress")
    lifecycle.change_status(case, "resolved")
    assert [r.template for r in feedback.record(stranger, case.code, "fixed")] == [
        "case_not_found"]
    feedback.record(me, case.code, "fixed")
    assert Case.get_by_id(case.id).status == "closed"
