"""The geocoder client against the sandbox's stand-in over real HTTP: typed addresses become
coordinates, points become addresses, answers are cached, and a slow geocoder is given up on
quickly and then left alone."""
import json
import time

import pytest
import requests

from tests.sandbox_helpers import sandbox  # noqa: F401  (a fixture, found by name)
from zalo_oa.places import boundaries, resolve
from zalo_oa.places.geocoder import Geocoder, parse_item, short_address

from .helpers import BEN_THANH, SAI_GON, TAN_DINH, wards_text


@pytest.fixture
def geocoder(sandbox):  # noqa: F811
    return Geocoder(f"{sandbox.url}/sandbox/geocoder", timeout=1.0)


def fault(server, **body):
    response = requests.post(f"{server.url}/sandbox/faults", json=body, timeout=5)
    assert response.status_code == 201, response.text


def test_a_typed_address_gets_coordinates(geocoder):
    place = geocoder.search("Đèn hỏng trước số 12 Lê Lợi, phường Sài Gòn")
    assert (round(place.latitude, 4), round(place.longitude, 4)) == (10.7748, 106.7010)
    assert place.address == "12 Lê Lợi, Phường Sài Gòn"
    assert "Phường Sài Gòn" in place.names


def test_a_landmark_is_found_without_diacritics(geocoder):
    place = geocoder.search("cho ben thanh")
    assert place.address == "Chợ Bến Thành, Lê Lợi, Phường Bến Thành"


def test_an_unknown_address_is_none(geocoder):
    assert geocoder.search("123 Đường Không Có, Hà Nội") is None


def test_a_point_gets_the_nearest_address_or_none(geocoder):
    place = geocoder.reverse(10.77985, 106.69905)
    assert place.address.startswith("Nhà thờ Đức Bà, 01 Công xã Paris")
    assert geocoder.reverse(10.9, 106.9) is None


def test_answers_are_cached(geocoder, sandbox):  # noqa: F811
    assert geocoder.search("45 Nguyễn Huệ") is not None
    fault(sandbox, path="/search", http_status=500)
    assert geocoder.search("45 nguyen hue") is not None  # same words, folded: from the cache


def test_a_slow_geocoder_is_given_up_on_and_left_alone(geocoder, sandbox):  # noqa: F811
    fault(sandbox, path="/search", delay_ms=3000, count=1)
    started = time.monotonic()
    assert geocoder.search("Chợ Tân Định") is None
    assert time.monotonic() - started < 2.0
    # Paused: no second slow call even though the fault is used up.
    started = time.monotonic()
    assert geocoder.reverse(10.7725, 106.6980) is None
    assert time.monotonic() - started < 0.1


def test_a_failing_geocoder_answers_none(geocoder, sandbox):  # noqa: F811
    fault(sandbox, path="/reverse", http_status=503, count=1)
    assert geocoder.reverse(10.7725, 106.6980) is None


def test_jsonv2_items_are_read_defensively():
    assert parse_item({"lat": "x", "lon": "1"}) is None
    assert parse_item({"error": "Unable to geocode"}) is None
    assert parse_item({"lat": "95", "lon": "1"}) is None
    assert short_address({"display_name": "5, Lê Lợi, Phường Bến Thành, TP.HCM, 70000, VN"}) \
        == "5, Lê Lợi, Phường Bến Thành"


def test_a_shared_point_gets_ward_and_address_from_the_geocoder_alone(sandbox):  # noqa: F811
    with sandbox.app.app_context():
        found = resolve.resolve({"latitude": 10.7895, "longitude": 106.6905, "address": None},
                                sandbox.app.config)
    assert found["ward_code"] == TAN_DINH
    assert found["address"] == "Chợ Tân Định, 48 Mã Lộ, Phường Tân Định"


def test_boundaries_decide_the_ward_when_imported(sandbox):  # noqa: F811
    point = {"latitude": 10.7775, "longitude": 106.6975, "address": None}
    with sandbox.app.app_context():
        config = sandbox.app.config
        # The gazetteer's nearest entry is the Independence Palace, in Bến Thành ...
        assert resolve.resolve(point, config)["ward_code"] == BEN_THANH
        # ... but the point lies just inside Sài Gòn's outline: once outlines are imported
        # they decide; the geocoder still names the wards they leave out.
        boundaries.import_geojson(json.dumps(_only(SAI_GON)), 79)
        assert resolve.resolve(point, config)["ward_code"] == SAI_GON
        market = {"latitude": 10.7725, "longitude": 106.6980, "address": None}
        assert resolve.resolve(market, config)["ward_code"] == BEN_THANH


def test_a_typed_address_gets_coordinates_and_ward(sandbox):  # noqa: F811
    with sandbox.app.app_context():
        found = resolve.resolve({"latitude": None, "longitude": None,
                                 "address": "trước số 5 Bùi Viện"}, sandbox.app.config)
    assert found["ward_code"] == BEN_THANH
    assert (found["latitude"], found["longitude"]) == (10.767, 106.693)
    assert found["address"] == "trước số 5 Bùi Viện"  # what the citizen wrote is kept


def test_without_a_geocoder_a_typed_ward_name_still_counts(sandbox):  # noqa: F811
    with sandbox.app.app_context():
        config = {**sandbox.app.config, "GEOCODER_URL": ""}
        found = resolve.resolve({"latitude": None, "longitude": None,
                                 "address": "hẻm 9, phường Bến Thành"}, config)
    assert found == {"latitude": None, "longitude": None,
                     "address": "hẻm 9, phường Bến Thành", "ward_code": BEN_THANH}


def _only(code):
    data = json.loads(wards_text())
    data["features"] = [f for f in data["features"] if f["properties"]["ma_xa"] == code]
    return data
