"""Open311 GeoReport v2: the spec's format, partner requests and the HTTP views."""


def init_app(app):
    """Mount /open311/v2/."""
    from .views import bp

    app.register_blueprint(bp)
