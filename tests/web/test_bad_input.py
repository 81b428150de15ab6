"""Bad input gets a 4xx, never a 500, on SQLite and on PostgreSQL: NUL characters anywhere,
numbers out of range, odd digits, in every route a browser or a partner can reach."""
import peewee
import pytest

from tests.factories import PASSWORD, login, make_case, make_staff, post, token
from zalo_oa.models import Broadcast, CannedResponse, Category, Staff

HOSTILE_VALUES = ["\x00", "a\x00b", "1e23", "100000000000000000000000", "-1", "²", "١٢",
                  "99999999999999999999.99999999999999999999", "~.1e23", "20260101.1e99"]
# Bytes that are no UTF-8 (an encoded surrogate, an overlong NUL), sent percent-encoded as is.
RAW_VALUES = ["%ED%A0%80", "%FF%FE", "%C0%80"]
QUERY_NAMES = ["after", "before", "category", "department", "id", "q", "page", "page_size",
               "start_date", "end_date", "status", "sort", "due", "area", "service_code",
               "service_request_id", "next", "mine", "priority"]
SKIPPED = ("static", "sandbox")


@pytest.fixture
def world(app):
    with app.app_context():
        case = make_case()
        make_staff("boss", role="admin")
        canned = CannedResponse.create(title="t", body_vi="b")
        broadcast = Broadcast.create(title="t", body="b")
        yield {"code": case.code, "staff_id": Staff.get().id, "category_id": Category.get().id,
               "response_id": canned.id, "locale": "vi", "name": "welcome", "fmt": "json",
               "token": "t", "broadcast_id": broadcast.id}


def get_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.endpoint.startswith(SKIPPED):
            yield rule


def build(rule, values, hostile=None):
    """The rule's path with `world` values, or `hostile` in every text argument."""
    args = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        if converter in ("IntegerConverter", "AnyConverter") or hostile is None:
            args[name] = values.get(name, "1")
        else:
            args[name] = hostile
    return rule.build(args, append_unknown=False)[1]


def fetch(client, path, **kwargs):
    """The status of a GET, read to the end: a streamed body that breaks counts as a 500."""
    response = client.get(path, **kwargs)
    try:
        response.get_data()
    except Exception:  # noqa: BLE001 - any failure while streaming is what this looks for
        return 599
    finally:
        response.close()
    return response.status_code


def test_no_get_route_answers_500_to_hostile_query_values(app, client, world):
    login(client, "boss")
    failures = []
    for rule in get_rules(app):
        path = build(rule, world)
        queries = [dict.fromkeys(QUERY_NAMES, value) for value in HOSTILE_VALUES]
        queries += ["&".join(f"{name}={raw}" for name in QUERY_NAMES) for raw in RAW_VALUES]
        for query in queries:
            status = fetch(client, path, query_string=query)
            if status >= 500:
                failures.append((path, query, status))
    assert failures == []


def test_no_get_route_answers_500_to_hostile_path_values(app, client, world):
    login(client, "boss")
    failures = []
    for rule in get_rules(app):
        for value in HOSTILE_VALUES:
            status = fetch(client, build(rule, world, value))
            if status >= 500:
                failures.append((rule.rule, repr(value), status))
    assert failures == []


@pytest.mark.parametrize("path", ["/p/%00", "/open311/v2/requests/%00.json",
                                  "/open311/v2/requests/%00.xml", "/open311/v2/tokens/%00.json",
                                  "/open311/v2/requests.json?page=1e23",
                                  "/open311/v2/requests.json?page=100000000000000000000000",
                                  "/open311/v2/requests.json?service_request_id=%00"])
def test_the_audits_urls_get_a_4xx(client, world, path):
    assert 400 <= client.get(path).status_code < 500


def test_a_nul_in_the_login_name_is_refused_not_crashed_on(client, world):
    client.get("/login")
    response = client.post("/login", data={"username": "boss\x00", "password": PASSWORD,
                                           "csrf_token": token(client)})
    assert response.status_code == 400


def test_a_nul_in_the_export_filters_is_refused_before_the_stream_starts(client, world):
    login(client, "boss")
    response = client.get("/stats/export.csv?q=%00")
    assert response.status_code == 400


def test_a_nul_in_an_open311_post_is_refused(client, world):
    response = client.post("/open311/v2/requests.json", data={
        "api_key": "x", "service_code": "lighting\x00", "description": "a\x00b"})
    assert response.status_code == 400


def test_a_nul_in_a_staff_form_is_refused(client, world):
    login(client, "boss")
    response = post(client, f"/cases/{world['code']}/note", body="ghi chú\x00")
    assert response.status_code == 400


@pytest.mark.parametrize("error", [peewee.DataError("value out of range"),
                                   OverflowError("int too large to convert to SQLite INTEGER")])
def test_a_value_the_database_cannot_take_is_a_400_and_logged_with_its_traceback(
        make_app, error, caplog):
    app = make_app()

    def view():
        raise error

    app.add_url_rule("/raises", "raises", view)
    response = app.test_client().get("/raises")
    assert response.status_code == 400
    assert "did not fit the database" in caplog.text and "Traceback" in caplog.text
