"""What citizens send: the webhook, recorded events, the dialogue and its runner."""


def init_app(app):
    """Mount the webhook Zalo posts events to."""
    from .webhook import bp

    app.register_blueprint(bp)
