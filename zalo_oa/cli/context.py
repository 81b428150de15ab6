"""What every command needs first: the app built from the environment, its context pushed,
and (for commands that touch data) a schema that is up to date.

Inside a demo checkout (the database `zalo-oa demo` made, no Zalo settings of one's own) the
commands use the demo's sandbox, as the demo does, instead of calling Zalo's servers with the
sandbox's token."""
import json
import os

import click

from .. import config, create_app, migrations
from ..config import SettingsError
from ..db import SchemaTooOld, ensure_connection

# What an operator reads for a refusal; a code not listed here is shown as "refused: <code>".
REFUSALS = {
    "public_url_required": "PUBLIC_URL (ZALO_OA_PUBLIC_URL) must be set to receive the callback",
}

DEMO_FILE = ".demo.json"  # in DATA_DIR: where the running demo is, written by `zalo-oa demo`


def demo_file():
    return config.DATA_DIR / DEMO_FILE


def remember_demo(database_url, public_url):
    """Note where the demo serves its sandbox, for commands run beside it."""
    path = demo_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"database_url": database_url, "public_url": public_url}))


def demo_overrides(overrides):
    """SANDBOX and PUBLIC_URL of the demo when this command runs in a demo checkout (its
    database, nothing about Zalo or the sandbox set), else {}."""
    if overrides or any(os.environ.get(key) for key in ("ZALO_OA_SANDBOX", "ZALO_APP_ID")):
        return {}
    try:
        demo = json.loads(demo_file().read_text())
    except (OSError, ValueError):
        return {}
    if config.from_environment()["DATABASE_URL"] != demo.get("database_url"):
        return {}
    click.echo(f"demo checkout: using the demo's Zalo sandbox at {demo['public_url']} "
               "(set ZALO_OA_SANDBOX=0 to talk to Zalo)", err=True)
    return {"SANDBOX": True, "PUBLIC_URL": demo["public_url"]}


def app(**overrides):
    """Build the app from the environment (plus `overrides`) and enter its context."""
    config.load_dotenv_file()
    try:
        built = create_app({**demo_overrides(overrides), **overrides} or None)
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


def refused(refusal):
    """A Refused as the error click prints (and exits 1 with)."""
    return click.ClickException(REFUSALS.get(refusal.code) or f"refused: {refusal}")
