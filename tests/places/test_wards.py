"""Point in ward, pure: the STRtree index over the shipped outlines answers the right ward."""
import pytest

from zalo_oa.places.wards import BoundaryError, WardIndex, outline

from .helpers import LANDMARKS, ward_features


@pytest.fixture(scope="module")
def index():
    return WardIndex((f["properties"]["ma_xa"], f["geometry"]) for f in ward_features())


@pytest.mark.parametrize("name", sorted(LANDMARKS))
def test_a_landmark_lies_in_its_ward(index, name):
    latitude, longitude, code = LANDMARKS[name]
    assert index.lookup(latitude, longitude) == code


def test_a_point_outside_every_outline_has_no_ward(index):
    assert index.lookup(10.85, 106.80) is None  # Thủ Đức: no outline shipped for it
    assert index.lookup(0, 0) is None


def test_an_empty_index_answers_none():
    assert WardIndex([]).lookup(10.77, 106.7) is None


@pytest.mark.parametrize("geometry", [
    {"type": "Point", "coordinates": [106.7, 10.77]},
    {"type": "Polygon", "coordinates": []},
    {"type": "Polygon", "coordinates": [[[1067000, 107700], [1067100, 107700],
                                         [1067100, 107800], [1067000, 107700]]]},
    None,
])
def test_what_is_no_ward_outline_is_refused(geometry):
    with pytest.raises(BoundaryError):
        outline(geometry)


def test_a_self_crossing_outline_is_repaired_not_refused():
    bow_tie = {"type": "Polygon", "coordinates": [[[106.70, 10.77], [106.71, 10.78],
                                                   [106.71, 10.77], [106.70, 10.78],
                                                   [106.70, 10.77]]]}
    index = WardIndex([("1", bow_tie)])
    assert index.lookup(10.7725, 106.7005) == "1"
