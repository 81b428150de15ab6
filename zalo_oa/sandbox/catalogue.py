"""The message templates the sandbox treats as approved, read from data/zalo_templates.json.

Shape: {"<message kind>": {"zbs_template_id", "zns_template_id", "params": {"<template
param>": "<our param name>"}}}. Every id there is approved and UID-capable, unless it ends in
`-phone-only` (then only ZNS by phone may use it).
"""
import json
from pathlib import Path

from ..config import REFERENCE_DIR
from .envelope import ApiError

FILE_NAME = "zalo_templates.json"
PHONE_ONLY_SUFFIX = "-phone-only"
ID_KEYS = ("zbs_template_id", "zns_template_id")
# The kind whose template is a "truyền thông" (announcement) template: followers only.
ANNOUNCEMENT_KIND = "broadcast"

_cache = {}


def catalogue_path(config):
    """The TEMPLATES_FILE setting (the delivery engine reads it too), else data/."""
    return Path(config.get("TEMPLATES_FILE") or REFERENCE_DIR / FILE_NAME)


def load(path):
    """The catalogue at `path` ({} when missing), re-read only when the file changes."""
    path = Path(path)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return {}
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        cached = (mtime, json.loads(path.read_text(encoding="utf-8")))
        _cache[path] = cached
    return cached[1]


def _entry(catalogue, template_id):
    for kind, entry in catalogue.items():
        if template_id and template_id in (entry.get(key) for key in ID_KEYS):
            return kind, entry
    return None, None


def template_params(catalogue, template_id):
    """The parameter names of the template with this id, or None if the id is unknown."""
    _kind, entry = _entry(catalogue, template_id)
    return None if entry is None else list(entry.get("params") or {})


def params_for(config, template_id):
    """The parameter names of a template in this app's catalogue, or None if unknown."""
    return template_params(load(catalogue_path(config)), template_id)


def limits_for(config, template_id):
    """{parameter: maximum length or None} of a template (Zalo's per-parameter types)."""
    _kind, entry = _entry(load(catalogue_path(config)), template_id)
    params = (entry or {}).get("params") or {}
    return {name: spec.get("max") if isinstance(spec, dict) else None
            for name, spec in params.items()}


def is_announcement(config, template_id):
    """True for the "truyền thông" template (sent only to the OA's followers)."""
    kind, _entry_found = _entry(load(catalogue_path(config)), template_id)
    return kind == ANNOUNCEMENT_KIND


def uid_capable(template_id):
    """True unless the template may only be sent by phone (ZNS)."""
    return not template_id.endswith(PHONE_ONLY_SUFFIX)


def check_data(params, template_data, empty_code, invalid_code):
    """Raise ApiError unless `template_data` is an object giving every parameter."""
    if not isinstance(template_data, dict) or (params and not template_data):
        raise ApiError(empty_code, "template_data is empty")
    missing = [name for name in params if name not in template_data]
    if missing:
        raise ApiError(invalid_code, f"template_data is invalid: missing {', '.join(missing)}")
