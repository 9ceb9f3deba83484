"""Every write of the events app. See the modules for the rules."""

from .checkin import scan
from .invitations import invitation_create, invitation_for, invitation_revoke
from .registrations import approve, cancel, edit, register, reject, set_priority
from .retention import purge_due
from .setup import quota_save, setup_object_save
from .tickets import send_reminders
from .waiting import accept_offer, expire_offers, offer_next

__all__ = [
    "accept_offer", "approve", "cancel", "edit", "expire_offers", "invitation_create", "invitation_for",
    "invitation_revoke", "offer_next", "purge_due", "quota_save", "register", "reject", "scan", "send_reminders",
    "set_priority", "setup_object_save",
]
