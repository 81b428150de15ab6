"""Open311 GeoReport v2: the spec's format, partner requests and the HTTP views."""


def init_app(app):
    """Mount /open311/v2/; unknown paths and methods there answer in the spec's error body."""
    from .views import bp, outside_routes

    app.register_blueprint(bp)
    # The app's one 404/405 handler (web/errors.py) hands paths under this prefix to us.
    app.extensions.setdefault("error_bodies", []).append((bp.url_prefix, outside_routes))
