"""Every write of the awards app. See the modules for the rules."""

from .campaigns import (
    campaign_open,
    judging_start,
    objection_decide,
    objection_file,
    publicity_start,
    results_finalise,
)
from .entries import (
    eligibility_problems,
    entry_add_file,
    entry_review,
    entry_save,
    entry_submit,
    entry_withdraw,
)
from .judging import panel_draw, panel_sync, recuse, round_close, round_open, score_submit

__all__ = [
    "campaign_open", "eligibility_problems", "entry_add_file", "entry_review", "entry_save", "entry_submit",
    "entry_withdraw", "judging_start", "objection_decide", "objection_file", "panel_draw", "panel_sync",
    "publicity_start", "recuse", "results_finalise", "round_close", "round_open", "score_submit",
]
