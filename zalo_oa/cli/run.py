"""`zalo-oa demo`, `serve` and `worker`: the processes that run the service."""
import click

from .. import create_app, db, migrations, seed
from ..sandbox import seed as sandbox_seed
from ..worker import start as start_worker
from . import context


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo(host, port):
    """Run everything in one process on SQLite with the local Zalo sandbox."""
    from werkzeug.serving import make_server

    public = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    server = make_server(host, port, None, threaded=True)
    app = context.app(SANDBOX=True, PUBLIC_URL=public)
    server.app = app
    migrations.upgrade(sandbox=True)
    seed.load_reference_data()
    sandbox_seed.ensure_token()
    admin = seed.ensure_first_admin()
    context.remember_demo(app.config["DATABASE_URL"], public)
    running = start_worker(app, background=True)
    click.echo(f"Database:        {app.config['DATABASE_URL']}")
    click.echo(f"Staff dashboard: {public}/")
    if admin:
        click.echo(f"  first admin login: {admin[0]} / {admin[1]}  (shown once; you choose "
                   "a new password at the first sign-in)")
    else:
        click.echo("  forgot the admin password? .venv/bin/zalo-oa staff reset-password admin")
    click.echo(f"Citizen phone:   {public}/sandbox/phone")
    click.echo(f"Health:          {public}/healthz")
    click.echo("Press Ctrl+C to stop.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        running.shutdown(wait=False)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int,
              help="gunicorn workers [1 per core on SQLite, 2 per core on PostgreSQL]")
@click.option("--access-log", is_flag=True, help="log every request")
def serve(host, port, workers, access_log):
    """Run the web process (webhook, dashboard, APIs) under gunicorn."""
    from ..server import gunicorn_options, run_gunicorn

    app = context.ready_app()
    db.disconnect()  # each gunicorn worker connects after the fork; no socket crosses it
    run_gunicorn(create_app, gunicorn_options(host, port, workers, access_log,
                                              underscore_headers=app.config["SANDBOX"],
                                              database_url=app.config["DATABASE_URL"]))


@click.command()
def worker():
    """Run the scheduler: handle events, send messages, follow-ups."""
    app = context.ready_app()
    db.release()  # the jobs and senders take connections as they need them
    click.echo("worker started; Ctrl+C to stop")
    start_worker(app, background=False)
