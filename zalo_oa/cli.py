"""The `zalo-oa` command: demo, serve, worker, and operators' subcommands."""
import sys

import click

from . import create_app, migrations, seed
from .db import SchemaTooOld, ensure_connection


def _app(**overrides):
    app = create_app(overrides or None)
    app.app_context().push()
    ensure_connection()
    return app


def _require_current_schema():
    try:
        migrations.check()
    except SchemaTooOld as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def main():
    """Citizen reports over a city's Zalo Official Account."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo(host, port):
    """Run everything in one process on SQLite with the local Zalo sandbox."""
    from werkzeug.serving import make_server

    from . import scheduler

    public = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    server = make_server(host, port, None, threaded=True)
    app = _app(SANDBOX=True, PUBLIC_URL=public)
    server.app = app
    migrations.upgrade()
    seed.load_reference_data()
    seed.ensure_sandbox_token(app)
    admin = seed.ensure_first_admin()
    running = scheduler.start(app, background=True)
    click.echo(f"Database:        {app.config['DATABASE_URL']}")
    click.echo(f"Staff dashboard: {public}/")
    if admin:
        click.echo(f"  first admin login: {admin[0]} / {admin[1]}  (shown once; change it)")
    click.echo(f"Citizen phone:   {public}/sandbox/phone")
    click.echo(f"Health:          {public}/healthz")
    click.echo("Press Ctrl+C to stop.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        running.shutdown(wait=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int,
              help="gunicorn workers [1 per core on SQLite, 2 per core on PostgreSQL]")
@click.option("--access-log", is_flag=True, help="log every request")
def serve(host, port, workers, access_log):
    """Run the web process (webhook, dashboard, APIs) under gunicorn."""
    from .server import gunicorn_options, run_gunicorn

    app = _app()
    _require_current_schema()
    run_gunicorn(create_app, gunicorn_options(host, port, workers, access_log,
                                              underscore_headers=app.config["SANDBOX"],
                                              database_url=app.config["DATABASE_URL"]))


@main.command()
def worker():
    """Run the scheduler: handle events, send messages, follow-ups."""
    from . import scheduler

    app = _app()
    _require_current_schema()
    click.echo("worker started; Ctrl+C to stop")
    scheduler.start(app, background=False)


@main.group()
def db():
    """Database schema."""


@db.command("upgrade")
def db_upgrade():
    """Create or upgrade the schema and load missing reference data from data/."""
    _app()
    old, new = migrations.upgrade()
    seed.load_reference_data()
    click.echo(f"schema at version {new}" + (f" (was {old})" if old != new else ""))


@main.group()
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
    from .models import Staff

    _app()
    _require_current_schema()
    if Staff.select().where(Staff.username == username).exists():
        raise click.ClickException(f"staff account {username!r} exists")
    seed.create_staff(username, password, role=role, name=name)
    click.echo(f"created {role} {username}")


@main.group()
def token():
    """The OA's API tokens."""


@token.command("set")
@click.option("--access-token", prompt=True, hide_input=True)
@click.option("--refresh-token", default="", prompt=True, hide_input=True)
@click.option("--expires-in", default=90000, show_default=True, type=int,
              help="seconds the access token is valid")
def token_set(access_token, refresh_token, expires_in):
    """Store tokens obtained elsewhere (e.g. Zalo's API explorer)."""
    from .zalo import tokens

    _app()
    _require_current_schema()
    # Stored like a consent's pair, so an active refresh alert is resolved and sending resumes.
    tokens.save_pair(access_token, refresh_token or None, expires_in)
    click.echo("token stored")


@token.command("connect")
def token_connect():
    """Print the Zalo consent URL; its callback stores the OA's tokens."""
    from .zalo import tokens

    app = _app()
    _require_current_schema()
    try:
        url = tokens.start_authorization(app.config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(url)
    click.echo(f"Open this link within 10 minutes, signed in to Zalo as an admin of the OA, and "
               f"press Allow. Zalo then returns to {tokens.callback_url(app.config)}, which must "
               "be reachable (zalo-oa serve or demo running) and saved as the app's OA "
               "callback URL.")


@token.command("refresh")
def token_refresh():
    """Refresh the access token now (even while sending is paused)."""
    from .zalo import tokens

    app = _app()
    _require_current_schema()
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
    from .zalo import tokens

    _app()
    _require_current_schema()
    state = tokens.status()
    if not state["stored"]:
        click.echo("no token stored: run `zalo-oa token connect`")
    else:
        click.echo(f"token stored; expires at {state['expires_at'] or 'unknown'}; "
                   f"refresh token {'present' if state['has_refresh_token'] else 'missing'}")
    click.echo("sending: " + ("PAUSED" if state["sending_paused"] else "active"))
    for alert in state["alerts"]:
        click.echo(f"alert {alert['kind']} since {alert['created_at']}: {alert['message']}")


@main.group("partner-key")
def partner_key():
    """Open311 API keys for partner apps."""


@partner_key.command("create")
@click.argument("name")
def partner_key_create(name):
    """Issue a key for partner NAME and print it (shown once)."""
    from .web.partner_keys import create_key_command

    _app()
    _require_current_schema()
    click.echo(create_key_command(name))


def _add_operator_groups():
    from . import broadcast_cli

    main.add_command(broadcast_cli.followers)
    main.add_command(broadcast_cli.broadcast)


_add_operator_groups()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
