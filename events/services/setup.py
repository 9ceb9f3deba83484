"""The organisers' setup of an event's registration: the setup itself, ticket types, sub-events, quotas,
questions and check-in lists. Saved through here so every change is audited; a quota can never be made smaller
than the places already taken, and a larger quota offers the new places to the waiting list at once."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import DomainError

from .. import permissions
from ..models import Quota
from . import capacity


def _require_manager(actor, event):
    if not permissions.can_manage_event(actor, event):
        raise DomainError(_("You are not allowed to do this."))


def setup_object_save(form, *, actor, event):
    """Save a ModelForm of a setup object (anything but quotas) of this event, audited."""
    _require_manager(actor, event)
    created = form.instance.pk is None
    with transaction.atomic():
        obj = form.save(commit=False)
        if hasattr(obj, "event_id") and obj.event_id is None:
            obj.event = event
        obj.save()
        form.save_m2m()
        audit_log(actor=actor, action=f"events.{obj._meta.model_name}.{'created' if created else 'changed'}",
                  obj=obj, data={"event": event.pk, "fields": sorted(form.changed_data)})
    return obj


def quota_save(form, *, actor, event) -> Quota:
    """Save a quota form. Refused when the new size is below the places already taken (confirmed, awaiting
    approval, or offered to the waiting list)."""
    _require_manager(actor, event)
    from .waiting import offer_next

    with transaction.atomic():
        if form.instance.pk:
            capacity.lock([form.instance.pk])
        quota = form.save(commit=False)
        quota.event = event
        quota.save()
        form.save_m2m()
        taken = capacity.used(quota)
        if quota.size < taken:
            raise DomainError(_("%(taken)d places of this quota are already taken (confirmed, awaiting approval "
                                "or offered); it cannot be made smaller than that.") % {"taken": taken},
                              field="size")
        audit_log(actor=actor, action="events.quota.saved", obj=quota,
                  data={"size": quota.size, "taken": taken, "fields": sorted(form.changed_data)})
        offer_next(event, actor=actor)
    return quota
