"""The audit log: every state change a service makes is written here, once."""

from typing import Any

from .models import AuditEntry


def audit_log(*, actor, action: str, obj=None, data: dict[str, Any] | None = None) -> AuditEntry:
    """Record `action` (dotted code such as ``associations.membership.created``).

    Call inside the service's transaction so the entry and the change commit together.
    """
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_label=str(actor_obj) if actor_obj else (actor if isinstance(actor, str) else "system"),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        data=data or {},
    )
