"""`zalo-oa staff`: staff accounts."""
import click

from .. import seed
from . import context


@click.group()
def staff():
    """Staff accounts."""


def _policy(username):
    """A click callback refusing passwords the policy refuses, with the reason in one line."""
    from ..web import i18n, passwords

    def check(ctx, param, value):
        code = passwords.problem(value, username(ctx))
        if code is not None:
            raise click.BadParameter(i18n.labels("en")[f"error_{code}"])
        return value

    return check


@staff.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "operator", "department", "viewer"]),
              default="operator", show_default=True)
@click.option("--name", default=None)
@click.password_option(callback=_policy(lambda ctx: ctx.params.get("username")))
def staff_create(username, role, name, password):
    """Create a staff account (the password is asked for, never shown)."""
    from ..models import Staff

    context.ready_app()
    if Staff.select().where(Staff.username == username).exists():
        raise click.ClickException(f"staff account {username!r} exists")
    seed.create_staff(username, password, role=role, name=name)
    click.echo(f"created {role} {username}")


@staff.command("reset-password")
@click.argument("username")
@click.password_option(prompt="New password",
                       callback=_policy(lambda ctx: ctx.params.get("username")))
def staff_reset_password(username, password):
    """Set a new password for an account (asked for, never shown); it also unlocks the account
    and signs it out everywhere."""
    from .. import audit
    from ..models import Staff
    from ..web.auth import hash_password

    context.ready_app()
    member = Staff.get_or_none(Staff.username == username)
    if member is None:
        raise click.ClickException(f"no staff account {username!r}")
    member.password_hash = hash_password(password)
    member.failed_logins, member.locked_until, member.must_change_password = 0, None, False
    member.save()
    audit.record(None, "staff_reset_password", username)
    click.echo(f"new password set for {username}")
