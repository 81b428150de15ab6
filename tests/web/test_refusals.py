"""Refusals: a Refused becomes a message on the next page; any other exception stays a bug."""
import logging

import pytest
from flask import redirect

from tests.factories import login, make_staff, post
from zalo_oa.errors import Refused
from zalo_oa.web import access, forms


@pytest.fixture
def app(make_app):
    """The app with one more page, which raises what its URL names inside flashing_errors."""
    built = make_app()

    @access.require(access.READ)
    def raising(kind):
        with forms.flashing_errors():
            if kind == "refused":
                raise Refused("wrong_state", status="paused")
            int("1O")  # the kind of slip a refusal handler must not hide
        return redirect("/")

    built.add_url_rule("/raise/<kind>", "raising", raising)
    return built


@pytest.fixture
def operator(ctx, client):
    staff = make_staff()
    assert login(client).status_code == 302
    return staff


def test_a_refusal_is_shown_as_its_message_on_the_next_page(operator, client):
    response = client.get("/raise/refused")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Không thể làm việc này ở trạng thái hiện tại." in page


def test_a_service_refusal_reaches_the_page_in_the_staff_language(operator, client):
    operator.locale = "en"
    operator.save()
    response = post(client, "/broadcasts/compose", title="Cúp nước", body="x" * 2000)
    # The form comes back with what was typed, and why it was refused.
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Title and text exceed 2,000 characters." in page and "Cúp nước" in page


def test_a_value_error_in_a_view_is_a_bug_not_a_message(operator, client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/raise/value-error")
    assert response.status_code == 500
    assert any(r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)
    assert "invalid literal" not in client.get("/").get_data(as_text=True)


def test_labels_with_blanks_are_filled_from_the_refusal(ctx):
    from zalo_oa.web import i18n

    with ctx.test_request_context():
        assert i18n.flashed(["overdue_days", {"n": 2}]) == i18n.labels("vi")["overdue_days"] \
            .format(n=2)
        assert i18n.flashed("error_empty") == "Tin nhắn trống."
