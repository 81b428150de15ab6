"""The shipped ward outlines and a few points known to lie in each."""
import json
from pathlib import Path

WARDS_FILE = Path(__file__).parents[1] / "data" / "wards_central.geojson"
BEN_THANH, SAI_GON, TAN_DINH, CAU_ONG_LANH, BAN_CO, XUAN_HOA = (
    "26743", "26740", "26737", "26758", "27160", "27139")
# (latitude, longitude) of landmarks, and the ward each is in.
LANDMARKS = {
    "Chợ Bến Thành": (10.7725, 106.6980, BEN_THANH),
    "Nhà thờ Đức Bà": (10.7798, 106.6990, SAI_GON),
    "Chợ Tân Định": (10.7895, 106.6905, TAN_DINH),
    "Cô Giang": (10.7605, 106.6930, CAU_ONG_LANH),
    "Chợ Bàn Cờ": (10.7705, 106.6790, BAN_CO),
    "Võ Văn Tần": (10.7780, 106.6890, XUAN_HOA),
}


def wards_text():
    return WARDS_FILE.read_text(encoding="utf-8")


def ward_features():
    return json.loads(wards_text())["features"]
