"""`zalo-oa followers sync` and `zalo-oa broadcast send`, for operators who script them."""
import datetime as dt
import time

import click

from ..errors import Refused
from . import context

POLL_SECONDS = 2


@click.group()
def followers():
    """The OA's followers."""


@followers.command("sync")
def followers_sync_command():
    """Import every follower of the OA from Zalo (getlist, 50 a page), with a progress bar."""
    from ..broadcasts import followers_sync
    from ..delivery.clients import make_client

    app = context.ready_app()
    with click.progressbar(length=1, label="followers") as bar:
        def progress(done, total):
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        seen = followers_sync.sync(make_client(app), progress)
    click.echo(f"{seen} followers imported")


@click.group()
def broadcast():
    """Announcements to followers."""


def _parse_at(value):
    if not value:
        return None
    from ..timeutil import to_utc_naive, zone

    at = dt.datetime.fromisoformat(value)
    return to_utc_naive(at if at.tzinfo else at.replace(tzinfo=zone()))


@broadcast.command("send")
@click.option("--title", required=True)
@click.option("--body", required=True)
@click.option("--area", "areas", multiple=True, help="ward code; repeat for several")
@click.option("--topic", "topics", multiple=True, help="topic slug; repeat for several")
@click.option("--emergency", is_flag=True, help="send at night too (ignores quiet hours)")
@click.option("--at", "at", default=None, help="ISO time to send at (city time if no zone)")
def broadcast_send(title, body, areas, topics, emergency, at):
    """Send (or schedule) an announcement and show its progress until it is done."""
    from ..broadcasts import service

    context.ready_app()
    spec = {"areas": list(areas), "topics": list(topics)} if areas or topics else {"all": True}
    try:
        item = service.save_draft({"title": title, "body": body, "audience": spec,
                                      "emergency": emergency})
        if at:
            service.schedule(item, _parse_at(at))
        else:
            service.send_now(item)
    except Refused as refusal:
        raise context.refused(refusal) from None
    click.echo(f"broadcast {item.id}: {item.status}; the worker sends it")
    _follow(item)


def _follow(item):
    """A progress bar over the broadcast's messages until it is done or cancelled."""
    from ..broadcasts import service
    from ..models import Broadcast

    with click.progressbar(length=1, label=f"broadcast {item.id}") as bar:
        while True:
            item = Broadcast.get_by_id(item.id)
            report = service.progress(item)
            bar.length = max(report["total"], 1)
            bar.update(report["total"] - report["left"] - bar.pos)
            if item.status in ("done", "cancelled"):
                break
            time.sleep(POLL_SECONDS)
    click.echo(f"{item.status}: {report['sent']} sent, {report['failed']} failed, "
               f"{report['skipped']} skipped")
