"""`zalo-oa partner-key`: Open311 API keys for partner apps."""
import click

from ..errors import Refused
from ..open311 import partners
from . import context


@click.group("partner-key")
def partner_key():
    """Open311 API keys for partner apps."""


@partner_key.command("create")
@click.argument("name")
def partner_key_create(name):
    """Issue a key for partner NAME and print it (shown once)."""
    context.ready_app()
    try:
        click.echo(partners.issue_key(name).key)
    except Refused as refusal:
        raise context.refused(refusal) from None
