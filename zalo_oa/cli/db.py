"""`zalo-oa db`: the database schema."""
import click

from .. import migrations, seed
from . import context


@click.group()
def db():
    """Database schema."""


@db.command("upgrade")
def db_upgrade():
    """Create or upgrade the schema and load missing reference data from data/."""
    context.app()
    old, new = migrations.upgrade()
    seed.load_reference_data()
    click.echo(f"schema at version {new}" + (f" (was {old})" if old != new else ""))
