"""`zalo-oa token`: the OA's API tokens."""
import click

from ..errors import Refused
from . import context


@click.group()
def token():
    """The OA's API tokens."""


@token.command("set")
@click.option("--access-token", prompt=True, hide_input=True)
@click.option("--refresh-token", default="", prompt=True, hide_input=True)
@click.option("--expires-in", default=90000, show_default=True, type=int,
              help="seconds the access token is valid")
def token_set(access_token, refresh_token, expires_in):
    """Store tokens obtained elsewhere (e.g. Zalo's API explorer)."""
    from ..zalo import tokens

    context.ready_app()
    # Stored like a consent's pair, so an active refresh alert is resolved and sending resumes.
    tokens.save_pair(access_token, refresh_token or None, expires_in)
    click.echo("token stored")


@token.command("connect")
def token_connect():
    """Print the Zalo consent URL; its callback stores the OA's tokens."""
    from ..zalo import tokens

    app = context.ready_app()
    try:
        url = tokens.start_authorization(app.config)
    except Refused as refusal:
        raise context.refused(refusal) from None
    click.echo(url)
    click.echo(f"Open this link within 10 minutes, signed in to Zalo as an admin of the OA, and "
               f"press Allow. Zalo then returns to {tokens.callback_url(app.config)}, which must "
               "be reachable (zalo-oa serve or demo running) and saved as the app's OA "
               "callback URL.")


@token.command("refresh")
def token_refresh():
    """Refresh the access token now (even while sending is paused)."""
    from ..zalo import tokens

    app = context.ready_app()
    if tokens.refresh_now(app.config, force=True):
        click.echo(f"token refreshed; expires at {tokens.status()['expires_at']}")
        return
    alerts = tokens.alerts()
    reason = alerts[0]["message"] if alerts else "refresh failed"
    raise click.ClickException(f"{reason}; sending stays paused until "
                               "`zalo-oa token connect` or `zalo-oa token set`")


@token.command("status")
def token_status():
    """Whether a token is stored, when it expires, and active alerts."""
    from ..zalo import tokens

    context.ready_app()
    state = tokens.status()
    if not state["stored"]:
        click.echo("no token stored: run `zalo-oa token connect`")
    else:
        click.echo(f"token stored; expires at {state['expires_at'] or 'unknown'}; "
                   f"refresh token {'present' if state['has_refresh_token'] else 'missing'}")
    click.echo("sending: " + ("PAUSED" if state["sending_paused"] else "active"))
    for alert in state["alerts"]:
        click.echo(f"alert {alert['kind']} since {alert['created_at']}: {alert['message']}")
