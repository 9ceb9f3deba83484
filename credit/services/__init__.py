"""Every write of the credit app. See the modules for the rules."""

from .events import event_approve, event_correct, event_declare, event_record, event_reject, event_revoke, event_submit
from .lists import black_list_check, black_list_review, list_add, list_remove, lists_refresh, red_list_apply
from .requests import objection_decide, objection_file, repair_apply, repair_decide, repair_earliest
from .rounds import round_compute, round_finalise, round_open, round_publish
from .schemes import scheme_new_version, scheme_put_in_force

__all__ = [
    "black_list_check", "black_list_review", "event_approve", "event_correct", "event_declare", "event_record",
    "event_reject", "event_revoke", "event_submit", "list_add", "list_remove", "lists_refresh", "objection_decide",
    "objection_file", "red_list_apply", "repair_apply", "repair_decide", "repair_earliest", "round_compute",
    "round_finalise", "round_open", "round_publish", "scheme_new_version", "scheme_put_in_force",
]
