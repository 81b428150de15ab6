"""What every command needs first: the app built from the environment, its context pushed,
and (for commands that touch data) a schema that is up to date."""
import click

from .. import create_app, migrations
from ..db import SchemaTooOld, ensure_connection

# What an operator reads for a refusal; a code not listed here is shown as "refused: <code>".
REFUSALS = {
    "public_url_required": "PUBLIC_URL (ZALO_OA_PUBLIC_URL) must be set to receive the callback",
}


def app(**overrides):
    """Build the app from the environment (plus `overrides`) and enter its context."""
    built = create_app(overrides or None)
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


def refused(refusal):
    """A Refused as the error click prints (and exits 1 with)."""
    return click.ClickException(REFUSALS.get(refusal.code) or f"refused: {refusal}")
