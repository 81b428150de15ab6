"""`zalo-oa staff`: staff accounts."""
import click

from .. import seed
from . import context


@click.group()
def staff():
    """Staff accounts."""


@staff.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "operator", "department", "viewer"]),
              default="operator", show_default=True)
@click.option("--name", default=None)
@click.password_option()
def staff_create(username, role, name, password):
    """Create a staff account (the password is asked for, never shown)."""
    from ..models import Staff

    context.ready_app()
    if Staff.select().where(Staff.username == username).exists():
        raise click.ClickException(f"staff account {username!r} exists")
    seed.create_staff(username, password, role=role, name=name)
    click.echo(f"created {role} {username}")
