"""Event pages join the site search: a word inside the title or summary finds a live event; a draft never shows."""

import pytest

from .helpers import make_event

pytestmark = pytest.mark.django_db


def test_live_event_is_found_by_a_word_inside_its_text_and_a_draft_is_not(client):
    live = make_event(title="2026年环卫工人节文艺汇演", summary="致敬城市美容师，环卫工人与家属共赏节目。")
    draft = make_event(title="环卫工人节筹备会（草稿）", publish=False)
    html = client.get("/search/", {"q": "工人节"}).content.decode()  # the matched words are highlighted
    assert "文艺汇演" in html and "筹备会" not in html
    assert live.get_url() in html
    assert live.get_url() in client.get("/search/", {"q": "美容师"}).content.decode()
    assert draft.get_url() not in client.get("/search/", {"q": "筹备会"}).content.decode()

