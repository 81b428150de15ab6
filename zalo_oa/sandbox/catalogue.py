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


def template_params(catalogue, template_id):
    """The parameter names of the template with this id, or None if the id is unknown."""
    for entry in catalogue.values():
        if template_id and template_id in (entry.get(key) for key in ID_KEYS):
            return list(entry.get("params") or {})
    return None


def params_for(config, template_id):
    """The parameter names of a template in this app's catalogue, or None if unknown."""
    return template_params(load(catalogue_path(config)), template_id)


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
