"""What citizens send: the webhook, recorded events, the dialogue and its runner."""


def init_app(app):
    """Put the webhook Zalo posts events to in front of the app (intake/webhook.py)."""
    from .webhook import install

    install(app)
