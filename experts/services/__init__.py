"""Every write of the experts app."""

from .draws import draw_create, draw_publish, draw_run, draw_verify
from .evaluations import evaluate, expert_record
from .experts import application_decide, application_submit, profile_update
from .invitations import expire_due, invitation_answer, invitation_token, promote_next

__all__ = [
    "application_decide", "application_submit", "draw_create", "draw_publish", "draw_run", "draw_verify",
    "evaluate", "expert_record", "expire_due", "invitation_answer", "invitation_token", "profile_update",
    "promote_next",
]
