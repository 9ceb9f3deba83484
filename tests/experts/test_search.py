"""Experts in the site search: a one-character surname and pinyin initials find them; contact data never shows."""

import re

import pytest

from .helpers import make_expert

pytestmark = pytest.mark.django_db


@pytest.fixture
def experts(db):
    return {
        "wjg": make_expert("王建国", employer_name="四川省建筑设计研究院", phone="13800000001",
                           email="wjg@example.cn", bio="长期从事城市道路照明设计与节能改造。"),
        "wl": make_expert("王丽", fields=("law",), bio="执业律师，专注行政法。"),
        "lm": make_expert("李明", bio="市政设施养护管理。"),
        "hidden": make_expert("王暂停", status="suspended"),
    }


def _expert_names(client, q):
    response = client.get("/search/", {"q": q, "type": "experts.expert"})
    assert response.status_code == 200
    return re.sub(r"<[^>]+>", "", response.content.decode())  # without the <mark> of highlighted terms


def test_a_one_character_surname_finds_the_experts(client, experts):
    html = _expert_names(client, "王")
    assert "王建国" in html and "王丽" in html
    assert "李明" not in html and "王暂停" not in html
    assert "13800000001" not in html and "wjg@example.cn" not in html


def test_pinyin_initials_find_the_expert(client, experts):
    html = _expert_names(client, "wjg")
    assert "王建国" in html and "王丽" not in html


def test_the_search_api_never_returns_contact_data(client, experts):
    body = client.get("/api/v1/search/", {"q": "王建国", "type": "experts.expert"}).content.decode()
    assert "王建国" in body and "13800000001" not in body and "wjg@example.cn" not in body
