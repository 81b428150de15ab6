"""Alerts staff must see (on every dashboard page and on /healthz): one active per kind."""
from .models import Alert, utcnow

MAX_KIND = 64


def raise_alert(kind, message):
    """Open the alert `kind`, or update the message of the one already open."""
    kind = kind[:MAX_KIND]
    updated = (Alert.update(message=message)
               .where((Alert.kind == kind) & Alert.resolved_at.is_null()).execute())
    if not updated:
        Alert.create(kind=kind, message=message)


def resolve(kind):
    """Close the open alert `kind`, if any."""
    (Alert.update(resolved_at=utcnow())
     .where((Alert.kind == kind[:MAX_KIND]) & Alert.resolved_at.is_null()).execute())
