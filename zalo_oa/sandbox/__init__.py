"""The local Zalo sandbox: stand-ins for Zalo's hosts, simulated citizens and the phone page."""
from . import citizens, faults_views, hosts, media, openapi, phone
from .underscore_headers import allow_in_werkzeug


def init_app(app):
    """Mount the sandbox under /sandbox (only called when app.config["SANDBOX"])."""
    allow_in_werkzeug()
    for blueprint in (openapi.bp, hosts.host_blueprint("oauth"), hosts.host_blueprint("zns"),
                      citizens.bp, media.bp, faults_views.bp, phone.bp):
        app.register_blueprint(blueprint)
