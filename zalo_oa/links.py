"""URLs from outside (citizens' photos, partners' links) before anyone's browser follows them.

A citizen's image event names a URL; only https on Zalo's CDN (ZALO_OA_PHOTO_HOSTS) is taken,
so staff browsers never fetch an address an attacker chose. Pages render a URL as a link only
when it is http(s) or a path here: never `javascript:` or `data:`.
"""
from urllib.parse import urlsplit


def host_list(setting):
    """ZALO_OA_PHOTO_HOSTS ("zdn.vn,zadn.vn") as lower-case host names."""
    return tuple(h.strip().lower().lstrip(".") for h in (setting or "").split(",") if h.strip())


def _host_allowed(host, hosts):
    return any(host == allowed or host.endswith("." + allowed) for allowed in hosts)


def photo_url_allowed(url, hosts, own_base=None):
    """True for an https URL on one of `hosts` (or a subdomain), or one under `own_base`
    (the sandbox serves its citizens' photos from this service)."""
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    if own_base and url.startswith(own_base.rstrip("/") + "/"):
        return True
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    return parts.scheme == "https" and not parts.username and _host_allowed(host, hosts)


def safe_link(url):
    """`url` when a browser may follow it (http, https, or a path on this site), else None."""
    if not isinstance(url, str) or not url or any(ord(ch) < 33 for ch in url):
        return None
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None
