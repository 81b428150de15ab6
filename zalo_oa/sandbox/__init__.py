"""The local Zalo sandbox: stand-ins for Zalo's hosts (and a geocoder), simulated citizens and
the phone page."""
from . import (
    citizens,
    control,
    faults_views,
    fence,
    followers,
    geocoder,
    media,
    oauth,
    openapi,
    phone,
    zns,
)
from .underscore_headers import allow_in_werkzeug


def init_app(app):
    """Mount the sandbox under /sandbox (only called when app.config["SANDBOX"])."""
    allow_in_werkzeug()
    fence.init_app(app)
    followers.add_routes(openapi.bp)
    for blueprint in (openapi.bp, oauth.bp, zns.bp, citizens.bp, media.bp, faults_views.bp,
                      control.bp, phone.bp, geocoder.bp):
        app.register_blueprint(blueprint)
