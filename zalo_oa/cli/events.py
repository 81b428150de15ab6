"""`zalo-oa events`: webhook events whose handler kept failing (parked), and running them again."""
import click

from . import context


@click.group()
def events():
    """Recorded webhook events that failed."""


@events.command("list")
@click.option("--limit", default=100, show_default=True, type=int)
def list_parked(limit):
    """The parked events, oldest first: id, received, event, citizen, attempts, error."""
    from ..intake import failed_events

    context.ready_app()
    rows = failed_events.parked(limit)
    if not rows:
        click.echo("no parked events")
        return
    for row in rows:
        error = (row.error or "").splitlines()[0] if row.error else ""
        click.echo(f"{row.id}\t{row.received_at:%Y-%m-%d %H:%M:%S}Z\t{row.event_name}\t"
                   f"{row.zalo_user_id or '-'}\t{row.attempts}\t{error[:200]}")


@events.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="every parked event")
def retry(ids, every):
    """Run parked events again (the ids given, or --all); the worker handles them next."""
    from ..intake import failed_events

    if not ids and not every:
        raise click.UsageError("name the event ids, or --all")
    context.ready_app()
    count = failed_events.requeue(None if every else ids)
    click.echo(f"{count} event(s) queued again")
