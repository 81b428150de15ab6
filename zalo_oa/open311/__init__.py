"""Open311 GeoReport v2: the spec's format, partner requests and the HTTP views."""


def init_app(app):
    """Mount /open311/v2/; unknown paths and methods there answer in the spec's error body."""
    from .views import bp, outside_routes

    app.register_blueprint(bp)
    for code in (404, 405):
        app.register_error_handler(code, outside_routes)
