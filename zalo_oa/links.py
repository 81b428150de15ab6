"""URLs from outside (citizens' photos, partners' links) before anyone's browser follows them.

A citizen's media URL is only taken from Zalo's CDN (evidence.fetch.allowed, MEDIA_HOSTS), so
staff browsers never fetch an address an attacker chose. Pages render a URL as a link only
when it is http(s) or a path here: never `javascript:` or `data:`.
"""
from urllib.parse import urlsplit


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
