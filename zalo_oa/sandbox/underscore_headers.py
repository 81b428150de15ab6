"""Let Zalo's underscore headers (`access_token`, `secret_key`, `num_retry`, `appsecret_proof`)
reach the app.

werkzeug's development server (and gunicorn by default) drops every header whose name has an
underscore, because `a_b` and `a-b` map to the same WSGI key. Zalo's API uses exactly such
names, so a sandbox served by werkzeug would never see the token. Only the names listed here
pass, which keeps the spoofing protection for every other header.
"""
from werkzeug.serving import WSGIRequestHandler

ZALO_HEADERS = ("access_token", "secret_key", "num_retry", "appsecret_proof")


def allow_in_werkzeug(names=ZALO_HEADERS):
    """Make werkzeug's request handler map these exact header names into the environ."""
    original = WSGIRequestHandler.make_environ
    if getattr(original, "zalo_headers", None) is not None:
        return

    def make_environ(self):
        environ = original(self)
        for key, value in self.headers.items():
            if key.lower() in names:
                environ["HTTP_" + key.upper()] = value.replace("\r\n", "")
        return environ

    make_environ.zalo_headers = tuple(names)
    WSGIRequestHandler.make_environ = make_environ
