"""What a message costs, in VND, from the editable price table (data/prices.json, or the file
ZALO_OA_PRICES_FILE names): a price per cost class, and which class each Zalo quota type is."""
import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT = {"currency": "VND", "prices": {}, "quota_types": {
    "reply": "free", "reward_quota": "free", "sub_quota": "billed", "purchase_quota": "billed"}}
_cache = {}


def load(path):
    """The price table at `path`, re-read when the file changes; the defaults when missing."""
    path = Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        log.warning("no price table at %s: every message counts 0 VND", path)
        return DEFAULT
    cached = _cache.get(path)
    if cached is None or cached[0] != stamp:
        table = {**DEFAULT, **json.loads(path.read_text(encoding="utf-8"))}
        cached = _cache[path] = (stamp, table)
    return cached[1]


def price(table, cost_class):
    """VND per message of `cost_class` (0 when the table does not price it)."""
    return int(table["prices"].get(cost_class, 0))


def quota_classes(table):
    """{quota_type: cost class}, as Zalo's cs answers name their quota."""
    return table["quota_types"]
