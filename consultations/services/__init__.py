"""Every write in consultations. Split by entity: consultations and versions, comments, responses."""

from .comments import (
    comment_hide,
    comment_mark_duplicate,
    comment_register_offline,
    comment_submit,
    comment_unhide,
    comment_withdraw,
    member_point_decide,
    member_point_submit,
)
from .consultations import (
    consultation_create,
    consultation_extend,
    consultation_publish,
    consultation_update,
    minimum_period_error,
    version_create,
    version_publish,
)
from .reminders import send_due, send_invitations
from .responses import outcome_publish, response_bulk, response_save

__all__ = [
    "comment_hide",
    "comment_mark_duplicate",
    "comment_register_offline",
    "comment_submit",
    "comment_unhide",
    "comment_withdraw",
    "consultation_create",
    "consultation_extend",
    "consultation_publish",
    "consultation_update",
    "member_point_decide",
    "member_point_submit",
    "minimum_period_error",
    "outcome_publish",
    "response_bulk",
    "response_save",
    "send_due",
    "send_invitations",
    "version_create",
    "version_publish",
]
