"""Small factories and helpers shared by the tests: staff, logins, cases, sample payloads."""
import json
import re
from pathlib import Path

from zalo_oa import seed
from zalo_oa.cases import lifecycle
from zalo_oa.models import Case, Citizen, Department, utcnow

PAYLOADS = Path(__file__).parent / "payloads"


# The samples name a real-looking app and OA; the test app is the sandbox's own.
SAMPLE_IDS = {"3608123456789": "sandbox-app", "3886000111222": "sandbox-oa"}


def load_payload(name):
    """A sample Zalo event from tests/payloads/ as a dict, addressed to the test app's OA."""
    text = (PAYLOADS / name).read_text(encoding="utf-8")
    for sample, ours in SAMPLE_IDS.items():
        text = text.replace(f'"{sample}"', f'"{ours}"')
    return json.loads(text)


PASSWORD = "correct horse battery"


def make_staff(username="lan", role="operator", department=None, password=PASSWORD):
    """A staff account; `department` is a Department slug."""
    dept = Department.get(Department.slug == department) if department else None
    return seed.create_staff(username, password, role=role, department=dept)


def login(client, username="lan", password=PASSWORD):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})


def http_login(base_url, username="lan", password=PASSWORD):
    """A requests session logged in over real HTTP, and the CSRF token of its session."""
    import requests

    session = requests.Session()
    page = session.get(f"{base_url}/login", timeout=10).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    landed = session.post(f"{base_url}/login", timeout=10, data={
        "username": username, "password": password, "csrf_token": found}).text
    return session, re.search(r'name="csrf_token" value="([^"]+)"', landed).group(1)


def token(client):
    """The CSRF token of the client's session."""
    with client.session_transaction() as session:
        return session["csrf"]


def post(client, path, **data):
    """A form post with the session's CSRF token."""
    return client.post(path, data={"csrf_token": token(client), **data})


def make_case(category="lighting", description="Đèn đường hỏng trước số 12 Lê Lợi",
              user_id="u1", **fields):
    """A case opened the way the bot opens one (code, deadline, timeline)."""
    citizen, _ = Citizen.get_or_create(zalo_user_id=user_id,
                                       defaults={"last_interaction_at": utcnow()})
    draft = {"category": category, "description": description,
             "location": {"latitude": fields.pop("latitude", 10.7769),
                          "longitude": fields.pop("longitude", 106.7009),
                          "address": fields.pop("address", "12 Lê Lợi, Bến Thành")},
             "contact": {"name": "Nguyễn Văn An", "phone": "84912345678"}, "photos": []}
    case = lifecycle.open_case(citizen, draft)
    if fields:
        Case.update(**fields).where(Case.id == case.id).execute()
        case = Case.get_by_id(case.id)
    return case
