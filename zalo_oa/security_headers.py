"""Browser security headers on every response: scripts and styles from this site only (the
pages use vendored files, no inline code), no framing, no MIME sniffing, no referrer leaving.

Images, voice and video may come from https hosts (citizens' files on Zalo's CDN until our copy
is made, map tiles), this site, and data: URLs (Leaflet's markers); everything else is this
site only.
"""
from urllib.parse import urlsplit


def _origin(url):
    """scheme://host[:port] of `url` ("{s}." tile subdomains as a wildcard), or None."""
    try:
        parts = urlsplit((url or "").replace("{s}.", "a."))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    netloc = parts.netloc
    if "{s}." in (url or ""):
        netloc = "*." + netloc.split(".", 1)[1]
    return f"{parts.scheme}://{netloc}"


def policy(config):
    """The Content-Security-Policy value for these settings."""
    images = ["'self'", "data:", "https:"]
    images += [o for o in (_origin(config.get("MAP_TILE_URL")),
                           _origin(config.get("PUBLIC_URL"))) if o and not o.startswith("https")]
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'",
        f"img-src {' '.join(images)}", f"media-src {' '.join(images)}", "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"])


def headers(config):
    """Every header set on every response."""
    found = {"Content-Security-Policy": policy(config), "X-Frame-Options": "DENY",
             "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
             "Cross-Origin-Opener-Policy": "same-origin"}
    if (config.get("PUBLIC_URL") or "").startswith("https://"):
        found["Strict-Transport-Security"] = "max-age=31536000"
    return found


def init_app(app):
    fixed = headers(app.config)

    @app.after_request
    def add_security_headers(response):
        for name, value in fixed.items():
            response.headers.setdefault(name, value)
        return response
