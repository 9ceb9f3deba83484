"""The committee's experts back office in the Wagtail admin: who may reach it, a draw created and run through the
admin (exclusions with reasons, verify), a shortfall, publish for administrators only, query counts."""

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry
from experts import services
from experts.models import Application, Draw, Expert, Pool, Selection
from tests.factories import FirmFactory, UserFactory, committee_user

pytestmark = pytest.mark.django_db


def zh(msgid: str, **params) -> str:
    """The page text as the admin shows it (zh-hans, the site's language)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


@pytest.fixture
def admin(db):
    return committee_user(admin=True)


@pytest.fixture
def editor(db):
    return committee_user(admin=False)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def expert(name, *, field="lighting", **kwargs) -> Expert:
    values = {"birth_year": 1975, "title": "senior", "years_in_field": 12, "fields": [field], "status": "active"}
    return Expert.objects.create(name=name, **{**values, **kwargs})


def page(client, target) -> str:
    response = client.get(target)
    assert response.status_code == 200, (target, response.status_code)
    return response.content.decode()


def draw_post(firms=(), *, count=2, alternates=1, field="lighting", **extra) -> dict:
    data = {"title": "路灯改造方案评审", "purpose": "standard", "matter": "", "pool": "",
            "excluded_firms": "\n".join(f.uscc for f in firms), "exclude_recent_days": "0",
            "starts_on": "2030-05-10", "ends_on": "2030-05-11", "response_hours": "48", "supervisor": "纪检组王五",
            "criteria-TOTAL_FORMS": "4", "criteria-INITIAL_FORMS": "0", "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "4",
            "criteria-0-field": field, "criteria-0-count": str(count), "criteria-0-min_title": "intermediate",
            "criteria-0-alternates": str(alternates)}
    for i in range(1, 4):
        data.update({f"criteria-{i}-field": "", f"criteria-{i}-count": "", f"criteria-{i}-min_title": "junior",
                     f"criteria-{i}-alternates": ""})
    return {**data, **extra}


def make_draw(actor, firms=(), *, count=2, alternates=1, starts_on=date(2030, 5, 10),
              ends_on=date(2030, 5, 11)) -> Draw:
    return services.draw_create(actor=actor, title="评审", purpose="standard",
                                criteria=[{"field": "lighting", "count": count, "min_title": "junior",
                                           "alternates": alternates}],
                                starts_on=starts_on, ends_on=ends_on, supervisor="王五",
                                excluded_firms=list(firms))


def all_urls(draw, application, selection) -> list[str]:
    names = ["applications", "draws", "draw_add", "fairness"]
    urls = [reverse(f"experts_admin:{n}") for n in names]
    urls += [reverse("experts_admin:application", args=[application.pk]),
             reverse("experts_admin:application_decide", args=[application.pk])]
    urls += [reverse(f"experts_admin:{n}", args=[draw.pk]) for n in ("draw", "draw_run", "draw_verify",
                                                                       "draw_publish")]
    urls += [reverse("experts_admin:evaluate", args=[draw.pk, selection.pk]),
             reverse("experts_pool_admin:index"), reverse("experts_pool_admin:add"),
             reverse("experts_pool_admin:edit", args=[selection.expert_id]),
             reverse("expert_relations_admin:index"), reverse("expert_relations_admin:add")]
    return urls


def test_non_committee_users_are_sent_away_from_every_experts_admin_url(admin):
    for i in range(3):
        expert(f"专家{i}")
    draw = services.draw_run(actor=admin, draw=make_draw(admin))
    selection = draw.selections.first()
    applicant = UserFactory()
    application = services.application_submit(actor=applicant, pool=Pool.objects.create(name="委员会专家库"),
                                               profile={"name": "申请人", "birth_year": 1980, "title": "senior",
                                                        "fields": ["law"]})
    outsider = UserFactory()
    for target in all_urls(draw, application, selection):
        for client in (Client(), login(outsider)):
            assert client.get(target).status_code == 302, target
            assert client.post(target, {}).status_code == 302, target
    assert Draw.objects.get(pk=draw.pk).state == Draw.State.DRAWN


def test_a_draw_created_and_run_through_the_admin_shows_exclusions_with_reasons_and_verifies(editor):
    party = FirmFactory(name="成都光明照明工程有限公司")
    expert("李四", employer_firm=party)
    for i in range(4):
        expert(f"专家{i}")
    client = login(editor)
    response = client.post(reverse("experts_admin:draw_add"), draw_post([party]))
    assert response.status_code == 302, response.content.decode()[:3000]
    draw = Draw.objects.get()
    assert list(draw.excluded_firms.all()) == [party]
    assert draw.criteria == [{"field": "lighting", "count": 2, "min_title": "intermediate", "alternates": 1}]
    assert "experts.draw.created" in AuditEntry.objects.values_list("action", flat=True)

    response = client.post(reverse("experts_admin:draw_run", args=[draw.pk]))
    assert response.status_code == 302
    html = page(client, reverse("experts_admin:draw", args=[draw.pk]))
    draw.refresh_from_db()
    assert draw.state == Draw.State.DRAWN and draw.seed in html
    assert "李四" in html and zh("Works for %(firm)s now", firm="成都光明照明工程有限公司") in html
    assert draw.selections.filter(alternate=False, response=Selection.Response.WAITING).count() == 2
    html = client.post(reverse("experts_admin:draw_verify", args=[draw.pk])).content.decode()
    assert zh("Verified: the snapshot and the seed give exactly the recorded experts, in the same order.") in html


def test_an_unknown_party_code_is_a_form_error(editor):
    response = login(editor).post(reverse("experts_admin:draw_add"),
                                  draw_post(excluded_firms="91510100MA00000000"))
    refusal = zh("No firm on file has the code %(codes)s.", codes="91510100MA00000000")
    assert response.status_code == 200 and refusal in response.content.decode()
    assert not Draw.objects.exists()


def test_a_shortfall_shows_the_message_and_changes_nothing(editor):
    expert("唯一专家")
    draw = make_draw(editor, count=3)
    response = login(editor).post(reverse("experts_admin:draw_run", args=[draw.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    short_by_two = zh("%(field)s: %(short)s short (%(needed)s needed, %(eligible)s eligible)", field="",
                      short=2, needed=3, eligible=1)[1:]
    assert zh("The pool cannot satisfy the criteria: %(problems)s.", problems="")[:8] in html and short_by_two in html
    draw.refresh_from_db()
    assert draw.state == Draw.State.DRAFT and draw.seed == "" and not Selection.objects.exists()


def test_editors_cannot_publish_administrators_can(admin, editor):
    for i in range(3):
        expert(f"专家{i}")
    draw = services.draw_run(actor=editor, draw=make_draw(editor))
    button = f'{zh("Publish the result")}</button>'
    assert button not in page(login(editor), reverse("experts_admin:draw", args=[draw.pk]))
    assert login(editor).post(reverse("experts_admin:draw_publish", args=[draw.pk])).status_code == 302
    assert Draw.objects.get(pk=draw.pk).state == Draw.State.DRAWN
    client = login(admin)
    assert f'{zh("Publish the result")}</button>' in page(client, reverse("experts_admin:draw", args=[draw.pk]))
    assert client.post(reverse("experts_admin:draw_publish", args=[draw.pk])).status_code == 302
    assert Draw.objects.get(pk=draw.pk).state == Draw.State.PUBLISHED


def test_an_application_is_decided_from_its_page_with_the_checks_shown(editor):
    pool = Pool.objects.create(name="委员会专家库")
    application = services.application_submit(
        actor=UserFactory(), pool=pool, profile={"name": "赵六", "birth_year": 1940, "title": "senior",
                                                 "fields": ["law"]})
    client = login(editor)
    html = page(client, reverse("experts_admin:application", args=[application.pk]))
    assert zh("Failed") in html and zh("%(age)s years old (limit %(limit)s).", age=86, limit=70)[3:] in html
    assert "赵六" in page(client, reverse("experts_admin:applications"))
    target = reverse("experts_admin:application_decide", args=[application.pk])
    response = client.post(target, {"approve": "yes", "decision": "  "})
    assert response.status_code == 200
    assert Application.objects.get().state == Application.State.PENDING
    assert client.post(target, {"approve": "no", "decision": "超龄"}).status_code == 302
    assert Application.objects.get().state == Application.State.REJECTED


def test_the_expert_edit_form_stores_fields_as_a_list_and_is_audited(editor):
    person = expert("钱七")
    response = login(editor).post(reverse("experts_pool_admin:edit", args=[person.pk]), {
        "name": "钱七", "birth_year": "1970", "title": "senior", "years_in_field": "20",
        "fields": ["law", "lighting"], "employer_name": "某大学", "status": "active", "phone": "13800000000"})
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert person.fields == ["lighting", "law"] and person.phone == "13800000000"
    assert person.fields_key == "|lighting|law|"
    assert AuditEntry.objects.filter(action="experts.expert.updated").exists()


# --- Query counts ---------------------------------------------------------------------------------------------


def counted(client, target, django_assert_num_queries, expected):
    page(client, target)  # warm the per-process caches
    with django_assert_num_queries(expected):
        page(client, target)


@pytest.mark.parametrize("n", [3, 12])
def test_the_draw_page_query_count_does_not_grow(n, editor, django_assert_num_queries):
    party = FirmFactory()
    for i in range(n):
        expert(f"专家{i}", employer_firm=party if i % 3 == 0 else None)
    draw = services.draw_run(actor=editor, draw=make_draw(editor, [party], count=1, alternates=1))
    counted(login(editor), reverse("experts_admin:draw", args=[draw.pk]), django_assert_num_queries, DRAW_QUERIES)


@pytest.mark.parametrize("n", [2, 8])
def test_the_fairness_page_query_count_does_not_grow(n, editor, django_assert_num_queries):
    party = FirmFactory()
    first = expert("专家甲")
    for i in range(n):
        expert(f"专家{i}")
    for _ in range(2):
        draw = services.draw_run(actor=editor, draw=make_draw(editor, [party], count=1, alternates=0))
        # The same expert confirmed in both; the dates moved away to free the expert for the next draw.
        Selection.objects.filter(draw=draw).update(expert=first, response=Selection.Response.CONFIRMED)
        Draw.objects.filter(pk=draw.pk).update(starts_on=date(2020, 1, 1), ends_on=date(2020, 1, 2))
    html = page(login(editor), reverse("experts_admin:fairness"))
    assert party.name in html
    counted(login(editor), reverse("experts_admin:fairness"), django_assert_num_queries, FAIRNESS_QUERIES)


# Session, user, groups (committee check), Wagtail's menu, then the page's own queries.
DRAW_QUERIES = 14  # draw, selections (expert, replaced, evaluation joined), parties, audit trail
FAIRNESS_QUERIES = 16  # count + page of experts, one aggregate per table, count + page of pairings


def test_the_lists_and_the_menu_render_for_committee_staff(editor):
    expert("孙八", employer_name="某设计院")
    client = login(editor)
    html = page(client, reverse("wagtailadmin_home"))
    assert reverse("experts_admin:fairness") in html  # the menu (rendered in Chinese: the admin's language)
    assert "孙八" in page(client, reverse("experts_pool_admin:index") + "?q=sb&status=active&title=senior")
    page(client, reverse("expert_relations_admin:index"))
    page(client, reverse("experts_admin:draws"))
    page(client, reverse("experts_admin:draw_add"))


def test_a_confirmed_expert_is_evaluated_after_the_engagement(editor):
    for i in range(2):
        expert(f"专家{i}")
    # Working days are known up to 2026 only (chinese-calendar): the engagement ends on a Friday in 2026.
    draw = services.draw_run(actor=editor, draw=make_draw(editor, count=1, alternates=0,
                                                          starts_on=date(2026, 5, 7), ends_on=date(2026, 5, 8)))
    selection = draw.selections.get()
    Selection.objects.filter(pk=selection.pk).update(response=Selection.Response.CONFIRMED)
    target = reverse("experts_admin:evaluate", args=[draw.pk, selection.pk])
    with time_machine.travel(date(2026, 5, 11), tick=False):
        client = login(editor)
        assert zh("Record the score") in page(client, reverse("experts_admin:draw", args=[draw.pk]))
        assert client.post(target, {"score": "101"}).status_code == 200
        assert client.post(target, {"score": "88", "comment": "认真"}).status_code == 302
    assert Selection.objects.get(pk=selection.pk).evaluation.score == 88
