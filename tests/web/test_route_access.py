"""Every dashboard route declares who may use it, and the rule holds over HTTP.

The machine endpoints (the webhook, the sandbox) are exempt from logins and CSRF: they are
authenticated otherwise, and must keep working.
"""
import pytest
import requests

from tests.factories import login, make_case, make_staff, token
from zalo_oa.evidence.store import make_store
from zalo_oa.models import (
    CannedResponse,
    CasePhoto,
    Category,
    MediaFile,
    RoutingRule,
    Staff,
)
from zalo_oa.web import access

# Endpoints outside the dashboard, with why they need no staff login.
MACHINE = {"health.healthz": "monitoring",
           "metrics.scrape": "monitoring: the health token or an admin session, else 403",
           "static": "public files",
           "zalo_oauth.callback": "Zalo's OAuth redirect; its one-time `state` is the proof",
           **dict.fromkeys(("open311.discovery", "open311.services", "open311.service_definition",
                            "open311.requests_list", "open311.request_one",
                            "open311.token_lookup", "open311.media"),
                           "Open311 open data: public cases only, no personal data"),
           "open311.create": "Open311 partners: authenticated by their API key",
           "open311.request_updates": "Open311 partners' updates feed: their API key",
           "public.case_page": "the citizen's shareable case page: no personal data",
           **dict.fromkeys(("public.reports", "public.reports_data",
                            "evidence_views.public_copy", "evidence_views.public_thumbnail"),
                           "the public map and the photos staff made public: no personal data")}
MACHINE_PREFIXES = ("sandbox",)  # sandbox blueprints: only mounted with ZALO_OA_SANDBOX=1
PUBLIC = {"auth.login", "auth.switch_locale", "uploads.after_photo", "uploads.report_photo"}
# Every signed-in role, viewers too, may change these: their own account.
OWN_ACCOUNT = {"auth.logout", "account.password"}


def is_machine(endpoint):
    return endpoint in MACHINE or endpoint.split(".")[0].startswith(MACHINE_PREFIXES)


def dashboard_rules(app):
    return [r for r in app.url_map.iter_rules() if not is_machine(r.endpoint)]


@pytest.fixture
def world(app):
    """One of each thing a route can name, and a viewer and an operator."""
    with app.app_context():
        case = make_case()
        make_staff("xem", role="viewer")
        operator = make_staff("lan", role="operator")
        canned = CannedResponse.create(title="t", body_vi="b")
        rule = RoutingRule.create(category=Category.get(), area_code="26743", to_ward=True)
        make_store(app.config).put("t/x.jpg", b"\xff\xd8\xff", "image/jpeg")
        media = MediaFile.create(source_url="https://photo.zdn.vn/x.jpg", source_key="x",
                                 status="stored", stored_key="t/x.jpg",
                                 thumbnail_key="t/x.jpg", content_type="image/jpeg")
        photo = CasePhoto.create(case=case, url=media.source_url, media=media)
        yield {"code": case.code, "staff_id": operator.id, "category_id": Category.get().id,
               "response_id": canned.id, "locale": "vi", "name": "welcome",
               "name_file": "missing.png", "rule_id": rule.id, "photo_id": photo.id}


def url_for_rule(rule, world):
    values = {arg: world["name_file"] if rule.endpoint in PUBLIC and arg == "name"
              else world[arg] for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def calls(app, world):
    """(rule, method, path) for every dashboard route and method."""
    for rule in dashboard_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, url_for_rule(rule, world)


def test_every_dashboard_route_declares_its_access_rule(app):
    for rule in dashboard_rules(app):
        view = app.view_functions[rule.endpoint]
        declared = getattr(view, "access", None)
        assert declared is not None, f"{rule.endpoint} has no access rule"
        assert (declared == access.PUBLIC) == (rule.endpoint in PUBLIC), rule.endpoint


def test_anonymous_visitors_are_sent_to_the_login_page(app, client, world):
    client.get("/login")
    for rule, method, path in calls(app, world):
        if rule.endpoint in PUBLIC:
            continue
        response = client.open(path, method=method, data={"csrf_token": token(client)})
        assert response.status_code == 302, (method, path)
        assert "/login" in response.location, (method, path)


def test_viewers_read_but_never_change(app, client, world):
    login(client, "xem")
    for rule, method, path in calls(app, world):
        if rule.endpoint in PUBLIC or rule.endpoint in OWN_ACCOUNT:
            continue
        roles = app.view_functions[rule.endpoint].access
        response = client.open(path, method=method, data={"csrf_token": token(client)})
        if method == "GET" and "viewer" in roles:
            assert response.status_code == 200, (method, path)
        else:
            assert "viewer" not in roles, f"{method} {path} lets viewers change things"
            assert response.status_code == 403, (method, path)


def test_operators_cannot_open_admin_pages(app, client, world):
    login(client, "lan")
    for rule, method, path in calls(app, world):
        roles = app.view_functions[rule.endpoint].access
        if roles == access.ADMIN:
            response = client.open(path, method=method, data={"csrf_token": token(client)})
            assert response.status_code == 403, (method, path)


def test_every_state_change_needs_the_csrf_token(app, client, world):
    with app.app_context():
        Staff.update(role="admin").where(Staff.username == "lan").execute()
    login(client, "lan")
    for _rule, method, path in calls(app, world):
        if method != "GET":
            assert client.open(path, method=method).status_code == 400, (method, path)


def test_machine_endpoints_work_without_login_or_csrf(live_server_factory):
    server = live_server_factory(with_scheduler=False)
    response = requests.post(f"{server.url}/sandbox/citizens/u-route/events",
                             json={"event_name": "user_send_text", "text": "xin chào"},
                             timeout=10)
    assert response.status_code == 200
    assert response.json()["webhook_status"] == 200
    assert requests.post(f"{server.url}/webhook/zalo", data=b"{}", timeout=10).status_code == 200
