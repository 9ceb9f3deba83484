"""The Wagtail admin search uses the Chinese backend too."""

import pytest
from django.urls import reverse

from tests.factories import committee_user
from tests.portal.policy_helpers import make_policy

pytestmark = pytest.mark.django_db


def test_admin_page_search_finds_a_word_inside_chinese_text(client):
    make_policy(title="道路照明设施维护规范", document_number="DB5101/T 88-2023")
    make_policy(title="关于加强餐厨垃圾管理的通知", document_number="成城管发〔2023〕12号")
    client.force_login(committee_user(admin=False))
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "照明"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "道路照明设施维护规范" in html
    assert "关于加强餐厨垃圾管理的通知" not in html
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "餐廚垃圾"})
    assert "关于加强餐厨垃圾管理的通知" in response.content.decode()
