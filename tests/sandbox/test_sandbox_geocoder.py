"""The sandbox's geocoder stand-in: Nominatim's jsonv2 shapes from a gazetteer that agrees
with the shipped ward outlines."""
import pytest
import requests

from tests.places.helpers import ward_features
from tests.sandbox_helpers import sandbox  # noqa: F401
from zalo_oa.places.wards import WardIndex
from zalo_oa.sandbox import gazetteer


def test_every_gazetteer_entry_lies_in_its_ward_outline():
    index = WardIndex((f["properties"]["ten_xa"], f["geometry"]) for f in ward_features())
    for place in gazetteer.gazetteer()["places"]:
        assert index.lookup(place["lat"], place["lon"]) == place["ward"], place


def test_search_and_reverse_answer_like_nominatim(sandbox):  # noqa: F811
    base = f"{sandbox.url}/sandbox/geocoder"
    found = requests.get(f"{base}/search", params={"q": "số 7 Nguyễn Huệ", "format": "jsonv2"},
                         timeout=5).json()
    assert found[0]["address"]["house_number"] == "7"
    assert found[0]["address"]["quarter"] == "Phường Sài Gòn"
    assert float(found[0]["lat"]) == pytest.approx(10.774)
    near = requests.get(f"{base}/reverse", params={"lat": "10.7725", "lon": "106.698"},
                        timeout=5).json()
    assert near["name"] == "Chợ Bến Thành"
    far = requests.get(f"{base}/reverse", params={"lat": "21.03", "lon": "105.85"}, timeout=5)
    assert far.json() == {"error": "Unable to geocode"}


@pytest.mark.parametrize("path, params", [("/search", {}), ("/reverse", {"lat": "x", "lon": "1"}),
                                          ("/reverse", {"lat": "nan", "lon": "1"})])
def test_bad_queries_get_a_400(sandbox, path, params):  # noqa: F811
    response = requests.get(f"{sandbox.url}/sandbox/geocoder{path}", params=params, timeout=5)
    assert response.status_code == 400 and "error" in response.json()
