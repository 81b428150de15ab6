"""Wards and topics by name: "Bến Thành" is ward 26743; a name that matches nothing is refused
with the names it may have meant, in the form, the size endpoint and the CLI."""

import pytest

from tests.factories import login, make_staff, post
from tests.processes import run_command
from zalo_oa.broadcasts import choices
from zalo_oa.models import Broadcast, Category, Citizen, utcnow

HCMC = 79


def test_wards_are_found_by_name_with_or_without_diacritics_or_by_code():
    assert choices.resolve_areas(["Bến Thành", "phuong sai gon", "26743"], HCMC) == \
        ["26743", "26740"]
    assert choices.resolve_areas(["Bến Thành; Sài Gòn"], HCMC) == ["26743", "26740"]
    assert choices.resolve_areas(["26743 26740"], HCMC) == ["26743", "26740"]
    assert choices.resolve_areas([""], HCMC) == []


def test_an_unknown_ward_is_refused_with_close_names():
    with pytest.raises(choices.UnknownChoices) as refused:
        choices.resolve_areas(["Bến Thành", "Bến Thàng", "Quận 1", "99999"], HCMC)
    unknown = {u.given: u.suggestions for u in refused.value.unknown}
    assert set(unknown) == {"Bến Thàng", "Quận 1", "99999"}
    assert "Phường Bến Thành" in unknown["Bến Thàng"]
    assert '"Bến Thàng": Phường Bến Thành' in refused.value.describe()


def test_topics_are_found_by_category_name_slug_or_emergency(ctx):
    listed = list(Category.listed())
    assert choices.resolve_topics(["Cây xanh", "lighting", "khẩn cấp"], listed) == \
        ["trees", "lighting", "emergency"]
    with pytest.raises(choices.UnknownChoices) as refused:
        choices.resolve_topics(["Cay xanhh"], listed)
    assert refused.value.unknown[0].suggestions == ("Cây xanh",)


@pytest.fixture
def operator(ctx, client):
    make_staff("lan")
    login(client)
    Citizen.insert_many([{"zalo_user_id": f"b{i}", "is_follower": True, "area_code": "26743",
                          "last_interaction_at": utcnow()} for i in range(3)]).execute()


def test_the_audience_size_follows_ward_names_and_names_unknown_ones(operator, client):
    answer = client.get("/broadcasts/audience-size?areas=Bến Thành").json
    assert answer == {"size": 3, "targeted": True, "unknown": []}
    answer = client.get("/broadcasts/audience-size?areas=Bến Thàng").json
    assert answer["size"] is None and answer["unknown"][0]["given"] == "Bến Thàng"
    assert "Phường Bến Thành" in answer["unknown"][0]["suggestions"]


def test_the_form_saves_wards_by_name_and_refuses_unknown_ones_keeping_the_text(operator,
                                                                                 client):
    refused = post(client, "/broadcasts/compose", title="Cúp nước", body="Sáng mai cúp nước",
                   areas="Bến Thàng")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Phường Bến Thành" in page
    assert "Sáng mai cúp nước" in page and not Broadcast.select().exists()
    saved = post(client, "/broadcasts/compose", title="Cúp nước", body="Sáng mai cúp nước",
                 areas="Phường Bến Thành")
    assert saved.status_code == 302
    assert Broadcast.get().audience["areas"] == ["26743"]
    review = client.get(saved.location).get_data(as_text=True)
    assert "Phường Bến Thành" in review and ">3<" in review


def test_the_cli_refuses_an_unknown_ward_and_returns_once_scheduled(live_server_factory):
    server = live_server_factory(with_scheduler=False)
    refused = run_command(server, "broadcast", "send", "--title", "Cúp nước", "--body", "Sáng mai",
                          "--area", "Bến Thàng")
    assert refused.returncode == 1
    assert 'unknown ward "Bến Thàng": Phường Bến Thành' in refused.stderr
    scheduled = run_command(server, "broadcast", "send", "--title", "Cúp nước",
                            "--body", "Sáng mai", "--area", "Bến Thành",
                            "--topic", "Thoát nước, ngập nước", "--at", "2030-01-02T08:00")
    # With no worker running, a command that waited for the sending would never return.
    assert scheduled.returncode == 0, scheduled.stderr
    assert "scheduled for 08:00 02/01/2030" in scheduled.stdout
    with server.app.app_context():
        item = Broadcast.get()
        assert item.status == "scheduled"
        assert item.audience["areas"] == ["26743"] and item.audience["topics"] == ["drainage"]
