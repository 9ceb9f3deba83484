"""Reads for the event pages."""


def event_index_context(*, index, params) -> dict:
    return {}


def event_detail_context(event, *, user) -> dict:
    return {}
