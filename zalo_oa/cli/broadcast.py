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
    import requests

    from ..broadcasts import followers_sync
    from ..delivery.clients import make_client
    from ..zalo.errors import ZaloError

    app = context.ready_app()
    try:
        with click.progressbar(length=1, label="followers") as bar:
            def progress(done, total):
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            seen = followers_sync.sync(make_client(app), progress)
    except (ZaloError, requests.RequestException) as exc:
        raise click.ClickException(
            f"Zalo at {app.config['ZALO_API_BASE']} refused or could not be reached ({exc}). "
            "For the demo's sandbox set ZALO_OA_SANDBOX=1 and ZALO_OA_PUBLIC_URL=<the demo's "
            "URL>; for your OA set ZALO_APP_ID and store a token with `zalo-oa token connect`."
        ) from None
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


def _audience(app, areas, topics):
    """The audience of the named wards and topics (everyone subscribed when none is named);
    unknown names are refused with the closest names."""
    from ..broadcasts import choices
    from ..models import Category

    if not areas and not topics:
        return {"all": True}
    try:
        return {"areas": choices.resolve_areas(areas, app.config["PROVINCE_CODE"]),
                "topics": choices.resolve_topics(topics, Category.listed())}
    except choices.UnknownChoices as exc:
        kind = "ward" if exc.kind == "areas" else "topic"
        raise click.ClickException(f"unknown {kind} {exc.describe()} (nothing was sent)") \
            from None


@broadcast.command("send")
@click.option("--title", required=True)
@click.option("--body", required=True)
@click.option("--area", "areas", multiple=True,
              help='ward name or code, e.g. "Bến Thành"; repeat for several')
@click.option("--topic", "topics", multiple=True,
              help="topic: a category's name or slug, or emergency; repeat for several")
@click.option("--emergency", is_flag=True, help="send at night too (ignores quiet hours)")
@click.option("--at", "at", default=None, help="ISO time to send at (city time if no zone)")
@click.option("--follow/--no-follow", default=None,
              help="show progress until done [default: yes when sending now, no with --at]")
def broadcast_send(title, body, areas, topics, emergency, at, follow):
    """Send (or schedule) an announcement; sending now shows its progress until it is done."""
    from ..broadcasts import service

    app = context.ready_app()
    spec = _audience(app, areas, topics)
    try:
        item = service.save_draft({"title": title, "body": body, "audience": spec,
                                   "emergency": emergency})
        if at:
            service.schedule(item, _parse_at(at))
        else:
            service.send_now(item)
    except Refused as refusal:
        raise context.refused(refusal) from None
    if at:
        from ..timeutil import format_datetime

        click.echo(f"broadcast {item.id}: scheduled for {format_datetime(item.scheduled_at)} "
                   "(city time); the worker sends it then")
    else:
        click.echo(f"broadcast {item.id}: {item.status}; the worker sends it")
    if follow if follow is not None else not at:
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
