"""zalo_oa: the service behind a city's Zalo Official Account for citizen reports."""
import logging
import secrets

from flask import Flask

from . import config as config_module


def create_app(test_config=None):
    """Build the Flask app from the environment (and `test_config` overrides)."""
    config_module.load_dotenv_file()
    settings = config_module.from_environment(test_config)
    app = Flask(__name__)
    app.config.update(settings)
    app.config["SECRET_KEY"] = settings["SECRET_KEY"] or _stored_secret_key()
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    configure_logging(settings["LOG_LEVEL"])
    config_module.fence_sandbox(settings)

    from . import bad_input, db, health, intake, metrics, open311, security_headers, timeutil, web

    timeutil.configure(settings["TIMEZONE"], settings["HOLIDAYS"], settings["EXTRA_DAYS_OFF"])
    db.init_app(app)
    bad_input.init_app(app)
    security_headers.init_app(app)
    for package in (intake, health, metrics, open311, web):
        package.init_app(app)
    if app.config["SANDBOX"]:
        from . import sandbox

        sandbox.init_app(app)
    return app


def _stored_secret_key():
    """A session key kept in the data folder so logins survive restarts when none is set."""
    path = config_module.DATA_DIR / ".secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def configure_logging(level):
    """One plain log format for every process; the scheduler's per-run chatter is kept quiet."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # A pass that outlasts its interval is skipped by design; APScheduler warns about each.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
