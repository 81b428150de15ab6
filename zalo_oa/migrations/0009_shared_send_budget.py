"""Several workers, one Zalo budget and one scheduler leader:

- table `send_budget`: the shared send timeline (one row) every worker on PostgreSQL takes
  its sending slots from, and the pause Zalo's -32 or `X-RateLimit-Remain: 0` set for all;
- columns `worker_heartbeat.leading_since` and `.leader_passes`: which worker leads the
  periodic jobs and how many leader passes it ran (shown by /healthz).
"""
from peewee import DateTimeField, DoubleField, IntegerField, Model

from zalo_oa.migrations import database_default


def up(migrator, db):
    class SendBudget(Model):
        next_slot = DoubleField(default=0)
        paused_until = DoubleField(default=0)
        backoff = DoubleField(default=1)

        class Meta:
            database = db
            table_name = "send_budget"

    db.create_tables([SendBudget])
    migrator.migrate(
        migrator.add_column("worker_heartbeat", "leading_since", DateTimeField(null=True)),
        migrator.add_column("worker_heartbeat", "leader_passes",
                            database_default(IntegerField(default=0))))
