"""Routing by category and ward: every ward is a unit, city-wide rules with per-ward rules
above them, and department staff of a ward see their ward's cases."""
import pytest

from tests.factories import login, make_case, make_staff, post
from tests.places.helpers import BEN_THANH, SAI_GON, wards_text
from zalo_oa.cases import lifecycle, routing
from zalo_oa.models import AuditLog, Category, Citizen, Department, RoutingRule
from zalo_oa.places import boundaries


def case_at(category, ward_code):
    """A case whose place the chat found in ward `ward_code`."""
    citizen, _ = Citizen.get_or_create(zalo_user_id="u-routing")
    draft = {"category": category, "description": "Lấn chiếm vỉa hè bán hàng cả ngày",
             "location": {"latitude": 10.7725, "longitude": 106.698, "address": "Lê Lợi",
                          "ward_code": ward_code}, "photos": []}
    return lifecycle.open_case(citizen, draft)


def test_every_ward_of_the_city_is_a_unit(ctx):
    units = Department.select().where(Department.area_code.is_null(False))
    assert units.count() == 168
    ben_thanh = routing.ward_unit(BEN_THANH)
    assert ben_thanh.name_vi == "UBND phường Bến Thành"
    assert ben_thanh.name_en == "Ben Thanh Ward People's Committee"
    assert routing.ward_unit("26732").name_vi == "UBND đặc khu Côn Đảo"


def test_ward_matters_go_to_the_wards_own_committee(ctx):
    for slug in ("urban_order", "environment", "noise", "admin_procedures"):
        assert case_at(slug, BEN_THANH).department.name_vi == "UBND phường Bến Thành", slug
    assert case_at("urban_order", SAI_GON).department.name_vi == "UBND phường Sài Gòn"


def test_city_units_handle_their_category_everywhere(ctx):
    assert case_at("lighting", BEN_THANH).department.slug == "lighting"
    assert case_at("security", SAI_GON).department.slug == "ward_police"
    assert case_at("roads", SAI_GON).department.slug == "infrastructure"


def test_a_ward_case_with_no_known_ward_goes_to_the_generic_unit(ctx):
    case = make_case(category="noise", address="gần nhà tôi", latitude=None, longitude=None)
    assert case.department.slug == "ward"
    assert case.area_code is None


def test_the_ward_comes_from_the_outlines_or_the_typed_address(ctx):
    assert make_case(category="noise", address="hẻm 5, phường Tân Định", latitude=None,
                     longitude=None).department.name_vi == "UBND phường Tân Định"
    boundaries.import_geojson(wards_text(), 79)
    case = make_case(category="noise", address="", latitude=10.7798, longitude=106.6990)
    assert (case.area_code, case.department.name_vi) == (SAI_GON, "UBND phường Sài Gòn")


def test_a_wards_own_rule_comes_before_the_city_rule(ctx):
    lighting = Department.get(Department.slug == "lighting")
    noise = Category.get(Category.slug == "noise")
    routing.set_rule(noise, BEN_THANH, lighting)
    assert case_at("noise", BEN_THANH).department.slug == "lighting"
    assert case_at("noise", SAI_GON).department.name_vi == "UBND phường Sài Gòn"
    routing.set_rule(noise, BEN_THANH, None)
    assert case_at("noise", BEN_THANH).department.name_vi == "UBND phường Bến Thành"
    routing.set_rule(noise, None, None)  # no city rule: the category's unit (generic ward)
    assert case_at("noise", BEN_THANH).department.slug == "ward"


@pytest.fixture
def admin(client, ctx):
    make_staff("boss", role="admin")
    login(client, "boss")
    return client


def test_admins_edit_the_rules_on_a_page(admin):
    page = admin.get("/admin/routing").get_data(as_text=True)
    assert "UBND phường, xã nơi xảy ra" in page and 'id="city-urban_order"' in page
    trees = Category.get(Category.slug == "trees")
    ward_unit = routing.ward_unit(BEN_THANH)
    response = post(admin, "/admin/routing/wards", category=str(trees.id),
                    area_code=BEN_THANH, target=str(ward_unit.id))
    assert response.status_code == 302
    rule = RoutingRule.get(RoutingRule.area_code == BEN_THANH)
    assert (rule.category_id, rule.department_id) == (trees.id, ward_unit.id)
    assert "Phường Bến Thành" in admin.get("/admin/routing").get_data(as_text=True)
    post(admin, "/admin/routing/city", category=str(trees.id), target="ward")
    assert RoutingRule.get((RoutingRule.category == trees)
                           & RoutingRule.area_code.is_null()).to_ward
    post(admin, f"/admin/routing/wards/{rule.id}/delete")
    assert not RoutingRule.select().where(RoutingRule.area_code == BEN_THANH).exists()
    assert [a.action for a in AuditLog.select().order_by(AuditLog.id)][1:] == [
        "routing_ward", "routing_city", "routing_ward_deleted"]


def test_a_bad_choice_is_refused_with_a_message(admin):
    trees = Category.get(Category.slug == "trees")
    post(admin, "/admin/routing/wards", category=str(trees.id), area_code="99999",
         target="ward")
    post(admin, "/admin/routing/city", category=str(trees.id), target="12345")
    assert not RoutingRule.select().where(RoutingRule.category == trees).exists()


def test_ward_staff_see_their_wards_cases_only(client, ctx):
    ours, theirs = case_at("urban_order", BEN_THANH), case_at("urban_order", SAI_GON)
    member = make_staff("bt", role="department")
    member.department = routing.ward_unit(BEN_THANH)
    member.save()
    login(client, "bt")
    inbox = client.get("/").get_data(as_text=True)
    assert ours.code in inbox and theirs.code not in inbox
    assert client.get(f"/cases/{ours.code}").status_code == 200
    assert client.get(f"/cases/{theirs.code}").status_code == 404
