"""The audit log: one append-only entry per write, sign-in, incident read and export.

`record()` is called by service functions inside the same transaction as the write it
describes, so a write and its audit entry land together or not at all.
"""

from flask import has_request_context, request
from flask_login import current_user

from .models import AuditEntry, BaseModel


def client_ip():
    if not has_request_context():
        return ""
    return request.remote_addr or ""


def record(action, target=None, details=None, actor=None, target_type=None):
    """Write one audit entry. `target` is a model instance (or an id with `target_type`)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if isinstance(target, BaseModel):
        target_type = target_type or target._meta.table_name
        target_id = str(target._pk)
    else:
        target_id = "" if target is None else str(target)
    return AuditEntry.create(
        actor=actor,
        actor_name=getattr(actor, "username", "") if actor else "",
        ip=client_ip(),
        action=action,
        target_type=target_type or "",
        target_id=target_id,
        details=details,
    )


def changes(instance, data):
    """{field: [old, new]} for the fields of `data` that differ from `instance`."""
    diff = {}
    for name, new in data.items():
        old = getattr(instance, name)
        if old != new:
            diff[name] = [old, new]
    return diff
