"""Issue 10 (security and reliability): a session version per staff account (logout and
password resets end sessions server-side), retry bookkeeping on recorded events, a
per-citizen message counter for the flood throttle, and re-sends of lost leases counted.

The counters get a database default too, so an INSERT that does not name them (raw SQL, or a
process still running the previous release during a deploy) keeps working.
Frozen definitions: today's models never shape this step."""

from peewee import SQL, DateTimeField, IntegerField


def _counter():
    return IntegerField(default=0, constraints=[SQL("DEFAULT 0")])


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("staff", "session_version", _counter()),
        migrator.add_column("inbound_event", "attempts", _counter()),
        migrator.add_column("inbound_event", "next_try_at", DateTimeField(null=True)),
        migrator.add_column("citizen", "burst_started_at", DateTimeField(null=True)),
        migrator.add_column("citizen", "burst_count", _counter()),
        migrator.add_column("outbox_message", "resends", _counter()))
