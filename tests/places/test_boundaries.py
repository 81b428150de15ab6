"""Importing ward outlines: matched to vietnam-provinces codes by code or name, stored, and
used for lookups at once; the command as an operator runs it."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from zalo_oa.models import WardBoundary
from zalo_oa.places import boundaries

from .helpers import BEN_THANH, LANDMARKS, SAI_GON, WARDS_FILE, ward_features, wards_text

ZALO_OA = shutil.which("zalo-oa") or os.path.join(os.path.dirname(sys.executable), "zalo-oa")


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def feature(properties, geometry):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def test_the_shipped_outlines_import_and_answer_lookups(ctx):
    report = boundaries.import_geojson(wards_text(), 79, source="wards_central.geojson")
    assert len(report.stored) == 6 and report.skipped == [] and report.missing == 168 - 6
    for latitude, longitude, code in LANDMARKS.values():
        assert boundaries.ward_at(latitude, longitude) == code
    assert WardBoundary.get(WardBoundary.area_code == BEN_THANH).name == "Phường Bến Thành"


def test_features_match_by_name_without_code_and_unknown_ones_are_reported(ctx):
    geometry = ward_features()[0]["geometry"]
    text = collection(feature({"TEN": "PHƯỜNG BẾN THÀNH"}, geometry),
                      feature({"name": "Phường Hoàn Kiếm"}, geometry),
                      feature({"ma": "26743"}, geometry),
                      feature({"name": "Phường Sài Gòn"}, {"type": "Point",
                                                          "coordinates": [106.7, 10.78]}))
    report = boundaries.import_geojson(text, 79)
    assert report.stored == [(BEN_THANH, "Phường Bến Thành")]
    reasons = dict(report.skipped)
    assert "no ward" in reasons["#2 Phường Hoàn Kiếm"]
    assert "twice" in reasons["#3 26743"]
    assert "Polygon" in reasons["#4 Phường Sài Gòn"]


def test_a_new_import_replaces_a_ward_outline_and_replace_drops_the_rest(ctx):
    boundaries.import_geojson(wards_text(), 79)
    sai_gon = next(f for f in ward_features() if f["properties"]["ma_xa"] == SAI_GON)
    moved = feature({"ma_xa": BEN_THANH}, sai_gon["geometry"])
    boundaries.import_geojson(collection(moved), 79)
    stored = WardBoundary.get(WardBoundary.area_code == BEN_THANH)
    assert json.loads(stored.geometry) == sai_gon["geometry"]
    market = LANDMARKS["Chợ Bến Thành"]
    assert boundaries.ward_at(*market[:2]) is None  # outside Bến Thành's new outline
    boundaries.import_geojson(collection(moved), 79, replace=True)
    assert WardBoundary.select().count() == 1
    cathedral = LANDMARKS["Nhà thờ Đức Bà"]
    assert boundaries.ward_at(*cathedral[:2]) == BEN_THANH  # the only outline left


def test_what_is_not_a_feature_collection_is_refused(ctx):
    for text in ("not json", json.dumps({"type": "Feature"})):
        with pytest.raises(boundaries.ImportRefused):
            boundaries.import_geojson(text, 79)


def test_areas_import_command(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZALO_")}
    env.update(ZALO_OA_DATABASE_URL=f"sqlite:///{tmp_path / 'areas.db'}",
               ZALO_OA_SECRET="areas-test")

    def run(*args):
        return subprocess.run([ZALO_OA, *args], env=env, capture_output=True, text=True,
                              timeout=60, check=False)

    assert run("db", "upgrade").returncode == 0
    bad = tmp_path / "bad.geojson"
    bad.write_text("{}")
    refused = run("areas", "import", str(bad))
    assert refused.returncode == 1 and "FeatureCollection" in refused.stderr
    done = run("areas", "import", str(WARDS_FILE))
    assert done.returncode == 0, done.stderr
    assert "stored 6 ward outlines; 0 features skipped; 162 of 168 wards have none" in done.stdout
    status = run("areas", "status")
    assert "6 of 168 wards have an outline" in status.stdout
    assert "Phường Tân Định" in status.stdout
