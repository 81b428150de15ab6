"""What every command needs first: the app built from the environment, its context pushed,
and (for commands that touch data) a schema that is up to date."""
import click

from .. import create_app, migrations
from ..config import SettingsError
from ..db import SchemaTooOld, ensure_connection


def app(**overrides):
    """Build the app from the environment (plus `overrides`) and enter its context."""
    try:
        built = create_app(overrides or None)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    built.app_context().push()
    ensure_connection()
    return built


def require_current_schema(sandbox=False):
    """Stop with the command to run when the database schema is older than this code."""
    try:
        migrations.check(sandbox=sandbox)
    except SchemaTooOld as exc:
        raise click.ClickException(str(exc)) from None


def ready_app(**overrides):
    """The app, refusing to go on with an outdated schema."""
    built = app(**overrides)
    require_current_schema(sandbox=built.config["SANDBOX"])
    return built
