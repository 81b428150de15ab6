"""`zalo-oa stats refresh`: bring the statistics' weekly totals up to date now."""
import click

from .context import ready_app


@click.group()
def stats():
    """The statistics page's figures."""


@stats.command("refresh")
def stats_refresh():
    """Count the weeks that ended or changed since the last refresh (the worker does this every
    ten minutes; the first run after an upgrade counts every week)."""
    from ..cases import rollup

    ready_app()
    weeks = rollup.refresh()
    click.echo(f"statistics totals up to date: {weeks} weeks counted")
