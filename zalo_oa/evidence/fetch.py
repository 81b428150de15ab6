"""Fetching a citizen's file from Zalo's CDN: only from allowed hosts, https only (plain http
only for the sandbox on loopback), redirects checked hop by hop, the size capped while it
streams."""
import fnmatch
import ipaddress
from urllib.parse import urljoin, urlparse

import requests

from ..config import sandbox_base

MAX_REDIRECTS = 3
CHUNK = 64 * 1024
TIMEOUT = (5, 20)  # connect, read


class FetchError(Exception):
    """A fetch that failed: `final` when trying again cannot help (wrong host, type, size)."""

    def __init__(self, reason, final=False):
        super().__init__(reason)
        self.reason, self.final = reason, final


def _loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed(url, config):
    """True when `url` may be fetched (and shown): https on an allowed host (MEDIA_HOSTS
    patterns such as *.zdn.vn), or, with the sandbox on, the sandbox's own host on loopback;
    never a URL with spaces, control characters or a user name in it. Pure."""
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlparse(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if not host or parts.username is not None:
        return False
    if config.get("SANDBOX"):
        sandbox = urlparse(sandbox_base(config))
        if parts.netloc == sandbox.netloc and _loopback(host) and parts.scheme in ("http",
                                                                                 "https"):
            return True
    if parts.scheme != "https":
        return False
    patterns = [p.strip().lower() for p in (config.get("MEDIA_HOSTS") or "").split(",")]
    return any(p and fnmatch.fnmatchcase(host, p) for p in patterns)


def download(url, config, max_bytes, session=None):
    """The file's bytes; FetchError when it is refused, too large or unreachable."""
    session = session or requests.Session()
    for _ in range(MAX_REDIRECTS + 1):
        if not allowed(url, config):
            raise FetchError(f"host not allowed: {urlparse(url).hostname}", final=True)
        try:
            response = session.get(url, stream=True, timeout=TIMEOUT, allow_redirects=False)
        except requests.RequestException as exc:
            raise FetchError(f"unreachable: {type(exc).__name__}") from None
        with response:
            if response.is_redirect:
                url = urljoin(url, response.headers.get("Location", ""))
                continue
            if response.status_code in (404, 410):
                raise FetchError(f"HTTP {response.status_code}: gone from the CDN")
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code}")
            return _read(response, max_bytes)
    raise FetchError("too many redirects", final=True)


def _read(response, max_bytes):
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"too large: {declared} bytes", final=True)
    content = bytearray()
    try:
        for chunk in response.iter_content(CHUNK):
            content += chunk
            if len(content) > max_bytes:
                raise FetchError(f"too large: over {max_bytes} bytes", final=True)
    except requests.RequestException as exc:
        raise FetchError(f"interrupted: {type(exc).__name__}") from None
    return bytes(content)
