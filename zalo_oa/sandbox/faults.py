"""Faults: make the next calls to a Zalo path fail or slow down; counts live in the database."""
import time

from flask import jsonify

from .models import SandboxFault

FAULT_KEYS = ("error", "http_status", "delay_ms")


def parse_fault(body):
    """Validate a POST /sandbox/faults body into SandboxFault fields; ValueError if wrong."""
    if not isinstance(body, dict) or not str(body.get("path") or "").startswith("/"):
        raise ValueError("path is required and must start with '/', e.g. /v3.0/oa/message/cs")
    fields = {"path": body["path"]}
    for key in (*FAULT_KEYS, "count"):
        value = body.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise ValueError(f"{key} must be an integer")
        fields[key] = value
    if all(fields[key] is None for key in FAULT_KEYS):
        raise ValueError("give one of error, http_status or delay_ms")
    if fields["http_status"] is not None and not 400 <= fields["http_status"] <= 599:
        raise ValueError("http_status must be between 400 and 599")
    if fields["count"] is not None and fields["count"] < 1:
        raise ValueError("count must be at least 1 (leave it out for 'until cleared')")
    fields["remaining"] = fields.pop("count")
    return fields


def describe(fault):
    """A fault as the faults endpoints show it."""
    return {"id": fault.id, "path": fault.path, "error": fault.error,
            "http_status": fault.http_status, "delay_ms": fault.delay_ms,
            "remaining": fault.remaining}


def _consume(fault):
    """Take one use of `fault`; False if another process took its last one first."""
    if fault.remaining is None:
        return True
    taken = (SandboxFault.update(remaining=SandboxFault.remaining - 1)
             .where((SandboxFault.id == fault.id) & (SandboxFault.remaining > 0)).execute())
    return taken == 1


def take(path):
    """Consume the faults due for this call; return (delay_ms, failing fault or None)."""
    delay_ms, failure = 0, None
    for fault in SandboxFault.active_for(path):
        if failure is not None and fault.fails:
            continue
        if not _consume(fault):
            continue
        delay_ms = max(delay_ms, fault.delay_ms or 0)
        if fault.fails:
            failure = fault
    return delay_ms, failure


def apply(path):
    """Sleep and/or build the failing answer for a call to `path`; None to answer normally."""
    delay_ms, failure = take(path)
    if delay_ms:
        time.sleep(delay_ms / 1000)
    if failure is None:
        return None
    if failure.http_status is not None:
        body = jsonify({"message": f"sandbox fault: HTTP {failure.http_status}"})
        return body, failure.http_status
    return jsonify({"error": failure.error, "message": "sandbox fault"})
