"""The sandbox answers only this machine: it signs events with the OA's secret and can act as
any citizen, so a request from elsewhere (or relayed by a proxy) is refused."""
import ipaddress
import logging

from flask import jsonify, request

from ..config import SANDBOX_PREFIX

log = logging.getLogger(__name__)

# Headers a reverse proxy adds: their presence means the real client is somewhere else.
FORWARDED_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def is_loopback(address):
    """True for 127.0.0.0/8 and ::1 (and IPv4-mapped loopback)."""
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def is_sandbox_path(path):
    return path == SANDBOX_PREFIX or path.startswith(SANDBOX_PREFIX + "/")


def guard():
    """Refuse sandbox requests that do not come straight from this machine (403)."""
    if not is_sandbox_path(request.path):
        return None
    relayed = [name for name in FORWARDED_HEADERS if name in request.headers]
    if is_loopback(request.remote_addr) and not relayed:
        return None
    log.warning("sandbox refused a request from %s%s", request.remote_addr,
                " relayed by a proxy" if relayed else "")
    return jsonify(error="the sandbox answers this machine only (loopback)"), 403


def init_app(app):
    app.before_request(guard)
