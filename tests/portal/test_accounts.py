import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from portal.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def _emails():
    return [a.email for a in DEMO_ACCOUNTS]


def test_every_demo_account_logs_in_through_the_login_form(client, demo):
    for email in _emails():
        response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert response["Location"] == reverse("dashboard"), email
        assert client.get("/me/").status_code == 200
        client.post(reverse("account_logout"))


def test_wrong_password_is_refused_with_a_message(client, demo):
    response = client.post(reverse("account_login"), {"login": "lighting@demo.local", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_repeated_failures_are_rate_limited(client, demo):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "editor@demo.local", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "editor@demo.local", "password": DEMO_PASSWORD})
    assert response.status_code == 200  # refused even with the right password
    assert "_auth_user_id" not in client.session


def test_signup_requires_email_verification(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@firm.cn", "password1": "Zx9!long-pass", "password2": "Zx9!long-pass"},
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    code = re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", mail.outbox[0].body)
    assert code, mail.outbox[0].body
    response = client.post(reverse("account_email_verification_sent"), {"code": code.group(0)})
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200


def test_password_reset_sends_a_mail(client, demo):
    response = client.post(reverse("account_reset_password"), {"email": "firm@demo.local"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_login_by_code_is_offered(client, demo):
    response = client.post(reverse("account_request_login_code"), {"email": "firm@demo.local"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_account_pages_use_the_site_layout(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "portal-auth" in response.content.decode()
    assert '<html lang="zh-hans">' in response.content.decode()


def test_sessions_and_mfa_pages_open(client, demo):
    client.login(email="lighting@demo.local", password=DEMO_PASSWORD)
    assert client.get(reverse("usersessions_list")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
