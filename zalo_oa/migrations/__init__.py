"""Schema migrations: numbered, frozen steps in this folder, applied in order by peewee's own
runner (`playhouse.migrations`), which records each applied step in `schema_migration`.

A step is a file `NNNN_what.py` with `up(migrator, db)`; it describes its own change with
frozen definitions and never imports the application's models, so today's models cannot
change what an old step does. Never edit a released step: add the next number.

The sandbox's tables are migrated apart (zalo_oa/sandbox/migrations, history in
`sandbox_schema_migration`) and only when the sandbox is on, so a production database never
gets them. Databases made before this runner (release f25d6f5 recorded version 1 in
`schema_version`) are adopted: their step 1 is recorded as applied without running it.
"""
import logging
from dataclasses import dataclass
from pathlib import Path

from peewee import SQL
from playhouse.migrations import Migration, Runner

from ..db import SchemaTooOld, advisory_lock, database

log = logging.getLogger(__name__)

STEPS_DIR = Path(__file__).parent
HISTORY_TABLE = "schema_migration"
SANDBOX_STEPS_DIR = STEPS_DIR.parent / "sandbox" / "migrations"
SANDBOX_HISTORY_TABLE = "sandbox_schema_migration"
LEGACY_TABLE = "schema_version"
# Taken around an upgrade on PostgreSQL so two processes never migrate at once.
ADVISORY_LOCK_KEY = 0x7A616C6F  # "zalo"


def database_default(field):
    """`field` with its constant default also declared in the database (DEFAULT …), for a
    column added to a table that the previous release, still running during a rolling
    upgrade, inserts into without naming the new column. Steps call this; keep it stable."""
    value = field.default
    if isinstance(value, bool):
        literal = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float):
        literal = repr(value)
    else:
        literal = "'" + str(value).replace("'", "''") + "'"
    field.constraints = [*(field.constraints or []), SQL(f"DEFAULT {literal}")]
    return field


@dataclass(frozen=True)
class Status:
    """Where the schema stands: the applied step number, the newest one, and what is pending."""

    current: int
    head: int
    pending: tuple

    @property
    def up_to_date(self):
        return not self.pending


def _steps(directory):
    return Migration.load_directory(str(directory))


LATEST = max(step.idx for step in _steps(STEPS_DIR))
SANDBOX_LATEST = max(step.idx for step in _steps(SANDBOX_STEPS_DIR))


def _runner(sandbox=False):
    if sandbox:
        return Runner(database.obj, str(SANDBOX_STEPS_DIR), table_name=SANDBOX_HISTORY_TABLE)
    return Runner(database.obj, str(STEPS_DIR), table_name=HISTORY_TABLE)


def status(sandbox=False):
    """The schema's Status (of the sandbox's own tables with `sandbox=True`)."""
    rows = _runner(sandbox).status()
    applied = [m.idx for m in rows if m.applied]
    pending = tuple(m.name for m in rows if not m.applied and m.path is not None)
    if not sandbox and not applied and _legacy_version() >= 1:
        # Not yet adopted: release f25d6f5 made it, so step 1 is there already.
        applied = [1]
        pending = tuple(name for name in pending if not name.startswith("0001_"))
    head = SANDBOX_LATEST if sandbox else LATEST
    return Status(current=max(applied, default=0), head=head, pending=pending)


def current_version():
    """The number of the newest step applied, 0 for an empty database."""
    return status().current


def upgrade(sandbox=False):
    """Apply every pending step (and the sandbox's when `sandbox`); return (old, new) numbers.

    Idempotent: a database already at the head is left alone.
    """
    with advisory_lock(ADVISORY_LOCK_KEY):  # SQLite: each step's transaction takes the lock
        old = current_version()
        _adopt_legacy()
        for name in _runner().up():
            log.info("schema step %s applied", name)
        if sandbox:
            _runner(sandbox=True).up()
        return old, current_version()


def check(sandbox=False):
    """Raise SchemaTooOld unless every step (and the sandbox's, with `sandbox`) is applied."""
    for part in (False, True) if sandbox else (False,):
        state = status(sandbox=part)
        if not state.up_to_date:
            raise SchemaTooOld(
                f"database schema is at step {state.current}, this code needs {state.head} "
                f"({len(state.pending)} pending): run `zalo-oa db upgrade`")


def _legacy_version():
    if not database.table_exists(LEGACY_TABLE):
        return 0
    cursor = database.execute_sql(f"SELECT MAX(version) FROM {LEGACY_TABLE}")
    return cursor.fetchone()[0] or 0


def _adopt_legacy():
    runner = _runner()
    if runner.applied() or _legacy_version() < 1:
        return
    first = min(_steps(STEPS_DIR)).name
    runner.fake(first)
    log.info("database made by release f25d6f5: recorded %s as applied", first)
