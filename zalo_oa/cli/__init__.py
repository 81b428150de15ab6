"""The `zalo-oa` command: one click group; each module here adds the commands of one area."""
import sys

import click

from . import areas, broadcast, db, events, intake, partner, run, staff, stats, token


@click.group()
def main():
    """Citizen reports over a city's Zalo Official Account."""


for command in (run.demo, run.serve, run.worker, db.db, staff.staff, token.token,
                partner.partner_key, broadcast.followers, broadcast.broadcast, events.events,
                areas.areas, intake.intake, stats.stats):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
