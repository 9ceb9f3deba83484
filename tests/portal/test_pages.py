import pytest
from django.test import override_settings

from tests.factories import MembershipFactory, association_staff

pytestmark = pytest.mark.django_db



def test_home_lists_associations_with_member_counts(client, association):
    MembershipFactory.create_batch(3, association=association)
    response = client.get("/")
    assert response.status_code == 200
    assert association.name in response.content.decode()
    assert response.context["associations"][0].member_count == 3


def test_home_page_query_count_is_fixed(client, django_assert_num_queries):
    from tests.factories import AssociationFactory

    AssociationFactory.create_batch(2)
    client.get("/")
    with django_assert_num_queries(6):
        client.get("/")
    for association in AssociationFactory.create_batch(8):
        MembershipFactory.create_batch(3, association=association)
    with django_assert_num_queries(6):
        client.get("/")


def test_dashboard_query_count_is_fixed(client, association, django_assert_num_queries):
    user = association_staff(association)
    client.force_login(user)
    client.get("/me/")
    with django_assert_num_queries(7):  # 7th: user.expert, for the link to the expert workspace
        client.get("/me/")
    for other in MembershipFactory.create_batch(5):
        association_staff(other.association).delete()
    from associations.models import AssociationStaff

    AssociationStaff.objects.create(user=user, association=MembershipFactory().association)
    with django_assert_num_queries(7):
        client.get("/me/")


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@override_settings(DEBUG=False)
def test_server_error_page_is_chinese(client):
    from core.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


def test_english_is_the_second_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_browser_language_does_not_override_chinese_default(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html


def test_language_switch_link_sets_only_the_cookie_and_stays_on_the_site(client):
    response = client.get("/i18n/lang/en/", {"next": "/policies/?q=照明"})
    assert response.status_code == 302
    assert response["Location"] == "/policies/?q=%E7%85%A7%E6%98%8E"
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    assert client.get("/i18n/lang/en/", {"next": "https://evil.example/"})["Location"] == "/"
    assert client.get("/i18n/lang/xx/").status_code == 404
    assert client.post("/i18n/lang/zh-hans/").status_code == 405


def test_pages_carry_no_csrf_token_for_anonymous_visitors(client):
    """Nothing on a public page needs one (search is GET, the language switch a link): the page can be cached."""
    response = client.get("/")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies
