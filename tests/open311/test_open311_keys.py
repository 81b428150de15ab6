"""Partner API keys: admins issue and revoke them; a revoked key stops working at once."""
import pytest

from tests.factories import login, make_staff, post
from zalo_oa.errors import Refused
from zalo_oa.models import Case, PartnerKey
from zalo_oa.open311 import partners


def test_admin_issues_a_key_that_then_opens_cases(client, ctx):
    make_staff("root", role="admin")
    login(client, "root")
    assert post(client, "/admin/partner-keys", name="Cổng dịch vụ công").status_code == 302
    key = PartnerKey.get()
    assert key.name == "Cổng dịch vụ công"
    assert key.key in client.get("/admin/partner-keys").get_data(as_text=True)
    created = client.post("/open311/v2/requests.json", data={
        "api_key": key.key, "service_code": "lighting", "lat": "10.7", "long": "106.7"})
    assert created.status_code == 201


def test_admin_revokes_a_key_and_it_is_refused(client, ctx):
    make_staff("root", role="admin")
    login(client, "root")
    post(client, "/admin/partner-keys", name="FixMyStreet")
    key = PartnerKey.get()
    assert post(client, "/admin/partner-keys/revoke", key_id=str(key.id)).status_code == 302
    assert PartnerKey.get_by_id(key.id).revoked_at is not None
    refused = client.post(f"/open311/v2/requests.xml?api_key={key.key}",
                          data={"service_code": "lighting", "lat": "10.7", "long": "106.7"})
    assert refused.status_code == 403


def test_operators_cannot_manage_keys(client, ctx):
    make_staff("lan", role="operator")
    login(client, "lan")
    assert client.get("/admin/partner-keys").status_code == 403


def test_a_partner_name_fits_the_cases_that_carry_it(client, ctx):
    with pytest.raises(Refused):
        partners.issue_key("x" * (partners.MAX_PARTNER_NAME + 1))
    key = partners.issue_key("y" * partners.MAX_PARTNER_NAME)
    created = client.post("/open311/v2/requests.json", data={
        "api_key": key.key, "service_code": "lighting", "lat": "10.7", "long": "106.7"})
    assert created.status_code == 201
    assert Case.get().partner == key.name
