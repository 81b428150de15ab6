"""`zalo-oa db`: the database schema, by numbered migration steps."""
import sys

import click

from .. import migrations, seed
from . import context


@click.group()
def db():
    """Database schema."""


@db.command("upgrade")
def db_upgrade():
    """Create or upgrade the schema (every row kept) and load missing reference data."""
    app = context.app()
    old, new = migrations.upgrade(sandbox=app.config["SANDBOX"])
    seed.load_reference_data()
    if old == new:
        click.echo(f"schema at step {new}: up to date")
    else:
        click.echo(f"schema upgraded from step {old} to step {new}")


@db.command("status")
def db_status():
    """The schema's current step, the newest step, and the steps still to apply."""
    app = context.app()
    parts = [("schema", migrations.status())]
    if app.config["SANDBOX"]:
        parts.append(("sandbox schema", migrations.status(sandbox=True)))
    pending = False
    for label, state in parts:
        click.echo(f"{label}: current {state.current}, head {state.head}, pending "
                   + (", ".join(state.pending) if state.pending else "none"))
        pending = pending or bool(state.pending)
    if pending:
        click.echo("run `zalo-oa db upgrade` to apply the pending steps")
        sys.exit(1)  # so a deploy script can gate on it
