"""Schema versions: each step brings the database one version forward."""
import logging

from .db import database
from .models import MODELS, SchemaVersion

log = logging.getLogger(__name__)


def _create_tables():
    from .sandbox.models import MODELS as SANDBOX_MODELS

    database.create_tables(MODELS + SANDBOX_MODELS, safe=True)


# Append new steps; never edit a released one.
STEPS = [
    (1, _create_tables),
]
LATEST = STEPS[-1][0]


def current_version():
    """The schema version the database is at, 0 for an empty database."""
    if not database.table_exists(SchemaVersion._meta.table_name):
        return 0
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def upgrade():
    """Apply every step above the current version; return the (old, new) versions."""
    old = current_version()
    for version, step in STEPS:
        if version > old:
            with database.atomic():
                step()
                SchemaVersion.create(version=version)
            log.info("schema upgraded to version %s", version)
    return old, LATEST


def check():
    """Raise SchemaTooOld unless the database is at the latest version."""
    from .db import SchemaTooOld

    version = current_version()
    if version < LATEST:
        raise SchemaTooOld(
            f"database schema is at version {version}, this code needs {LATEST}: "
            "run `zalo-oa db upgrade`")
