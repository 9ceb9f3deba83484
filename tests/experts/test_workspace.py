"""The expert workspace /me/expert/: the profile (title and employer changes go to review), engagements with the
invitation link while an answer is awaited, the record; applying to a pool; the expire_expert_invitations command."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEntry
from experts import services
from experts.models import Application, Draw, Expert, Selection
from tests.factories import UserFactory, committee_user

from .helpers import committee_pool, make_draw, make_expert

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
PROFILE = reverse("experts_workspace:profile")
APPLY = reverse("experts_workspace:apply")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def expert_user():
    user = UserFactory()
    make_expert("王建国", user=user, pool=committee_pool(), email="wang@example.com", phone="13800138000",
                employer_name="成都市照明工程有限公司", position="总工程师")
    return user


def engage(expert, n, *, response=Selection.Response.CONFIRMED, operator=None):
    """`n` draws (made directly: the page only reads them), each with one selection of `expert`."""
    operator = operator or committee_user(admin=False)
    for i in range(n):
        draw = Draw.objects.create(title=f"评审{i}", purpose="standard", starts_on=date(2026, 3, 1 + i),
                                   ends_on=date(2026, 3, 2 + i), operator=operator, supervisor="张监督",
                                   state=Draw.State.PUBLISHED)
        Selection.objects.create(draw=draw, expert=expert, field="lighting", order=1, response=response,
                                 answer_by=timezone.now() + timedelta(hours=48))


def profile_data(expert, **changes):
    data = {"name": expert.name, "position": expert.position, "qualifications": expert.qualifications,
            "bio": expert.bio, "phone": expert.phone, "email": expert.email, "fields": expert.fields,
            "title": expert.title, "employer_name": expert.employer_name, "employer_code": expert.employer_code}
    data.update(changes)
    return data


def apply_data(pool, **changes):
    data = {"pool": pool.pk, "name": "李明", "birth_year": 1980, "title": "intermediate", "years_in_field": 10,
            "fields": ["lighting", "law"], "employer_name": "四川某律师事务所", "position": "律师", "bio": "执业十年"}
    data.update(changes)
    return data


# --- the profile page ----------------------------------------------------------------------------------------

def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(PROFILE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_user_without_an_expert_record_is_told_how_to_apply(client):
    client.force_login(UserFactory())
    response = client.get(PROFILE)
    assert response.status_code == 200
    assert response.templates[0].name == "experts/workspace/no_expert.html"
    assert APPLY in response.content.decode()


def test_profile_shows_the_form_with_the_experts_own_contact(client, expert_user):
    client.force_login(expert_user)
    response = client.get(PROFILE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "13800138000" in html and 'name="fields"' in html and 'type="checkbox"' in html
    assert "changes-under-review" not in html


def test_public_fields_change_at_once_without_review(client, expert_user):
    client.force_login(expert_user)
    expert = expert_user.expert
    response = client.post(PROFILE, profile_data(expert, bio="从事城市照明二十年", fields=["lighting", "law"]))
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.bio == "从事城市照明二十年" and expert.fields == ["lighting", "law"]
    assert not Application.objects.filter(expert=expert).exists()


def test_title_and_employer_changes_go_to_review_and_say_so(client, expert_user):
    client.force_login(expert_user)
    expert = expert_user.expert
    response = client.post(PROFILE, profile_data(expert, title="associate_senior", employer_name="新单位"),
                           follow=True)
    assert response.status_code == 200
    expert.refresh_from_db()
    assert expert.title == "senior" and expert.employer_name == "成都市照明工程有限公司"
    application = Application.objects.get(expert=expert)
    assert application.changes == {"title": "associate_senior", "employer_name": "新单位"}
    assert "changes-under-review" in response.content.decode()


def test_a_refused_profile_change_rerenders_and_changes_nothing(client, expert_user):
    client.force_login(expert_user)
    expert = expert_user.expert
    response = client.post(PROFILE, profile_data(expert, name="  ", bio="新简介"))
    assert response.status_code == 200 and response.context["form"].errors
    expert.refresh_from_db()
    assert expert.bio == ""


def test_engagements_show_the_invitation_link_only_while_waiting(client, expert_user):
    expert = expert_user.expert
    engage(expert, 1, response=Selection.Response.WAITING)
    engage(expert, 1, response=Selection.Response.CONFIRMED)
    waiting = Selection.objects.get(response=Selection.Response.WAITING)
    client.force_login(expert_user)
    html = client.get(PROFILE).content.decode()
    links = html.count("/experts/invitation/")
    assert links == 1
    assert reverse("experts:invitation", args=[services.invitation_token(waiting)]) in html
    assert "2026-03-01" in html and "评审0" in html


def test_uninvited_alternates_are_not_shown(client, expert_user):
    engage(expert_user.expert, 1, response=Selection.Response.STANDBY)
    client.force_login(expert_user)
    response = client.get(PROFILE)
    assert response.context["engagements"] == []
    assert "评审0" not in response.content.decode()


def test_record_shows_acceptance_rate_and_average(client, expert_user):
    expert = expert_user.expert
    engage(expert, 3)
    engage(expert, 1, response=Selection.Response.DECLINED)
    client.force_login(expert_user)
    response = client.get(PROFILE)
    assert response.context["record"].invited == 4 and response.context["record"].confirmed == 3
    assert "75%" in response.content.decode()


def test_profile_query_count_does_not_grow_with_engagements(client, expert_user, django_assert_num_queries):
    client.force_login(expert_user)
    operator = committee_user(admin=False)
    engage(expert_user.expert, 1, operator=operator)
    client.get(PROFILE)
    with django_assert_num_queries(9):
        client.get(PROFILE)
    engage(expert_user.expert, 9, operator=operator)
    with django_assert_num_queries(9):
        response = client.get(PROFILE)
    assert len(response.context["engagements"]) == 10


# --- applying --------------------------------------------------------------------------------------------------

def test_application_creates_the_record_and_shows_the_admission_checks(client):
    pool = committee_pool()
    user = UserFactory()
    client.force_login(user)
    document = SimpleUploadedFile("职称证书.pdf", PDF, content_type="application/pdf")
    response = client.post(APPLY, {**apply_data(pool), "document": document}, follow=True)
    assert response.redirect_chain[-1][0] == PROFILE
    expert = Expert.objects.get(user=user)
    assert expert.status == "applying" and expert.fields == ["lighting", "law"]
    application = Application.objects.get(expert=expert)
    assert application.pool == pool and application.document_name
    html = response.content.decode()
    assert "check-passed" in html and str(application.checks[0]["detail"]) in html


def test_failed_admission_checks_are_shown_too(client):
    pool = committee_pool()
    user = UserFactory()
    client.force_login(user)
    response = client.post(APPLY, apply_data(pool, title="junior", years_in_field=2), follow=True)
    assert "check-failed" in response.content.decode()


def test_a_document_of_the_wrong_kind_is_refused_and_nothing_is_created(client):
    pool = committee_pool()
    user = UserFactory()
    client.force_login(user)
    bad = SimpleUploadedFile("证书.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post(APPLY, {**apply_data(pool), "document": bad})
    assert response.status_code == 200 and response.context["form"].errors["document"]
    assert not Expert.objects.exists() and not Application.objects.exists()


def test_a_user_with_an_expert_record_is_sent_to_the_profile(client, expert_user):
    client.force_login(expert_user)
    for method in ("get", "post"):
        response = getattr(client, method)(APPLY, apply_data(committee_pool()))
        assert response.status_code == 302 and response["Location"] == PROFILE
    assert Expert.objects.count() == 1


def test_apply_page_query_count_does_not_grow_with_pools(client, django_assert_num_queries):
    from experts.models import Pool

    committee_pool()
    client.force_login(UserFactory())
    client.get(APPLY)
    with django_assert_num_queries(5):
        client.get(APPLY)
    for i in range(5):
        Pool.objects.create(name=f"协会专家库{i}")
    with django_assert_num_queries(5):
        client.get(APPLY)


# --- the dashboard link and the daily command -------------------------------------------------------------------

def test_dashboard_links_to_the_workspace_for_experts_only(client, expert_user):
    client.force_login(expert_user)
    assert PROFILE in client.get("/me/").content.decode()
    client.force_login(UserFactory())
    assert PROFILE not in client.get("/me/").content.decode()


def test_expire_command_lapses_overdue_invitations_and_invites_the_alternate():
    for name in ("王建国", "王丽", "李明"):
        make_expert(name)
    with time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=SH), tick=False):
        draw = make_draw(committee_user(admin=False), count=1, alternates=1)
        services.draw_run(actor=draw.operator, draw=draw)
    out = StringIO()
    with time_machine.travel(datetime(2026, 11, 4, 8, tzinfo=SH), tick=False):  # 47 hours: not due yet
        call_command("expire_expert_invitations", stdout=out)
    assert out.getvalue().strip() == _("Expert invitations: %(lapsed)s lapsed.") % {"lapsed": 0}
    assert draw.selections.get(alternate=False).response == Selection.Response.WAITING
    out = StringIO()
    with time_machine.travel(datetime(2026, 11, 4, 10, tzinfo=SH), tick=False):
        call_command("expire_expert_invitations", stdout=out)
        call_command("expire_expert_invitations", stdout=StringIO())  # a rerun changes nothing
    assert out.getvalue().strip() == _("Expert invitations: %(lapsed)s lapsed.") % {"lapsed": 1}
    assert draw.selections.get(alternate=False).response == Selection.Response.EXPIRED
    assert draw.selections.get(alternate=True).response == Selection.Response.WAITING
    assert AuditEntry.objects.filter(action="experts.selection.expired").count() == 1
