"""The audit log: every staff action, for accountability."""
from .models import AuditLog


def record(staff, action, target=None, **data):
    """Record a staff action."""
    AuditLog.create(staff=staff, action=action, target=target, data=data or None)
