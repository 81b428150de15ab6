"""The statistics page's message costs per week read an index over sent messages alone
(sent_at, cost_class, cost_vnd) instead of every outbox row (5 million at a million cases)."""


def up(migrator, db):
    migrator.migrate(
        migrator.add_index("outbox_message", ("sent_at", "cost_class", "cost_vnd"), False))
