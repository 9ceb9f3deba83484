"""Every expert URL against every role. The URL list comes from the resolver: a new URL whose route contains
"expert" without a row here fails ``test_every_expert_url_is_in_the_matrix``. The public pages are open; the
workspace needs a login (the expert sees only their own record); the back office sends everyone outside the
committee away (302); a draw's selections are confidential until it is published."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from experts import services
from experts.models import Application, Draw, Expert, Relation, Selection
from tests.factories import AssociationFactory, UserFactory, association_staff, committee_user
from tests.url_matrix import statuses, url_names_under

from .helpers import committee_pool, make_draw, make_expert

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "public", "expert", "other_expert", "staff", "editor", "admin")


@dataclass
class World:
    users: dict
    expert: Expert
    other: Expert
    relation: Relation
    application: Application
    secret: Draw  # drawn, not published
    published: Draw
    selection: Selection  # the expert's waiting invitation in the secret draw


@pytest.fixture
def world():
    pool = committee_pool()
    admin, editor = committee_user(), committee_user(admin=False)
    expert_user, other_user = UserFactory(), UserFactory()
    expert = make_expert("王建国", user=expert_user, pool=pool, phone="13800138000", email="wang@example.com")
    other = make_expert("李明", user=other_user, pool=pool, phone="13900139000")
    relation = Relation.objects.create(expert=expert, kind="employment", firm_code="91510100MA00000001")
    applicant = UserFactory()
    application = services.application_submit(
        actor=applicant, pool=pool, profile={"name": "赵申请", "birth_year": 1980, "title": "senior",
                                             "years_in_field": 10, "fields": ["law"]},
        document=SimpleUploadedFile("证明.pdf", b"%PDF-1.4 supporting document"))
    secret = services.draw_run(actor=editor, draw=make_draw(editor, count=2, alternates=0,
                                                            title="保密的照明规范评审"))
    published = services.draw_run(actor=editor, draw=make_draw(editor, count=2, alternates=0, title="已公布的评审",
                                                               starts_on=date(2026, 12, 10),
                                                               ends_on=date(2026, 12, 11)))
    services.draw_publish(actor=admin, draw=published)
    users = {"anonymous": None, "public": UserFactory(), "expert": expert_user, "other_expert": other_user,
             "staff": association_staff(AssociationFactory()), "editor": editor, "admin": admin}
    selection = secret.selections.get(expert=expert)
    return World(users, expert, other, relation, application, secret, published, selection)


def _all(status):
    return dict.fromkeys(ROLES, status)


def _roles(default, **overrides):
    return {**_all(default), **overrides}


OPEN = _all(200)
BACK_OFFICE = _roles(302, editor=200, admin=200)
# Administrators' decisions (publishing a draw): editors are sent back (302).
ADMIN_ACTION = _roles(302, admin=200)
SIGNED_IN = _roles(200, anonymous=302)
# Applying: anonymous to the login page, experts to their own profile.
APPLY = _roles(200, anonymous=302, expert=302, other_expert=302)


def _draw(w):
    return {"pk": w.secret.pk}


def _expert(w):
    return {"pk": w.expert.pk}


def _relation(w):
    return {"pk": w.relation.pk}


# name → (method, kwargs(world) → dict, expected status per role)
MATRIX = {
    "experts:directory": ("get", lambda w: {}, OPEN),
    "experts:detail": ("get", _expert, OPEN),
    "experts:invitation": ("get", lambda w: {"token": services.invitation_token(w.selection)}, OPEN),
    # A draw's result: 404 for everyone outside the committee until it is published, then public.
    "experts:draw": ("get", lambda w: {"pk": w.secret.pk}, _roles(404, editor=200, admin=200)),
    "experts_api:list": ("get", lambda w: {}, OPEN),
    "experts_api:detail": ("get", _expert, OPEN),
    "experts_api:None": ("get", lambda w: {"rest": "nothing/here"}, _all(404)),
    "experts_workspace:profile": ("get", lambda w: {}, SIGNED_IN),
    "experts_workspace:apply": ("get", lambda w: {}, APPLY),
    "experts_admin:applications": ("get", lambda w: {}, BACK_OFFICE),
    "experts_admin:application": ("get", lambda w: {"pk": w.application.pk}, BACK_OFFICE),
    # The supporting document, a private file: the committee only (others are sent to the admin login).
    "experts_admin:application_document": ("get", lambda w: {"pk": w.application.pk}, BACK_OFFICE),
    "experts_admin:application_decide": ("post", lambda w: {"pk": w.application.pk}, BACK_OFFICE),
    "experts_admin:draws": ("get", lambda w: {}, BACK_OFFICE),
    "experts_admin:draw_add": ("get", lambda w: {}, BACK_OFFICE),
    "experts_admin:draw": ("get", _draw, BACK_OFFICE),
    "experts_admin:draw_run": ("post", _draw, BACK_OFFICE),
    "experts_admin:draw_verify": ("post", _draw, BACK_OFFICE),
    "experts_admin:draw_publish": ("post", lambda w: {"pk": w.published.pk}, ADMIN_ACTION),
    "experts_admin:evaluate": ("post", lambda w: {"pk": w.secret.pk, "selection": w.selection.pk}, BACK_OFFICE),
    "experts_admin:fairness": ("get", lambda w: {}, BACK_OFFICE),
    "experts_pool_admin:index": ("get", lambda w: {}, BACK_OFFICE),
    "experts_pool_admin:index_results": ("get", lambda w: {}, BACK_OFFICE),
    "experts_pool_admin:add": ("get", lambda w: {}, BACK_OFFICE),
    "experts_pool_admin:edit": ("get", _expert, BACK_OFFICE),
    "experts_pool_admin:inspect": ("get", _expert, BACK_OFFICE),
    "experts_pool_admin:history": ("get", _expert, BACK_OFFICE),
    "experts_pool_admin:history_results": ("get", _expert, BACK_OFFICE),
    "experts_pool_admin:usage": ("get", _expert, BACK_OFFICE),
    "expert_relations_admin:index": ("get", lambda w: {}, BACK_OFFICE),
    "expert_relations_admin:index_results": ("get", lambda w: {}, BACK_OFFICE),
    "expert_relations_admin:add": ("get", lambda w: {}, BACK_OFFICE),
    "expert_relations_admin:edit": ("get", _relation, BACK_OFFICE),
    "expert_relations_admin:inspect": ("get", _relation, BACK_OFFICE),
    "expert_relations_admin:history": ("get", _relation, BACK_OFFICE),
    "expert_relations_admin:history_results": ("get", _relation, BACK_OFFICE),
    "expert_relations_admin:usage": ("get", _relation, BACK_OFFICE),
}


def test_every_expert_url_is_in_the_matrix():
    missing = url_names_under("expert") - set(MATRIX)
    assert not missing, f"expert URLs without a permission-matrix row: {sorted(missing)}"


def _url(name, kwargs):
    if name == "experts_api:None":
        return "/api/v1/experts/" + kwargs["rest"]
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_it_should(client, world, name):
    method, kwargs, expected = MATRIX[name]
    assert statuses(client, world.users, method, _url(name, kwargs(world))) == expected


def test_an_unpublished_draws_selections_are_seen_by_the_committee_only(client, world):
    """The drawn list is confidential: no public page, API or other account shows the secret draw; the admin draw
    page is committee-only; an expert sees only their own invitation, never who else was drawn."""
    title = world.secret.title
    public_urls = [reverse("experts:directory"), reverse("experts:detail", args=[world.expert.pk]),
                   reverse("experts:detail", args=[world.other.pk]), reverse("experts_api:list"),
                   reverse("experts_api:detail", args=[world.expert.pk]), reverse("experts_workspace:profile"),
                   "/search/?q=照明规范"]
    for role in ("anonymous", "public", "staff"):
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        for url in public_urls:
            assert title not in client.get(url).content.decode(), (role, url)
        assert client.get(reverse("experts_admin:draw", args=[world.secret.pk])).status_code == 302
    for role, own, drawn_with in (("expert", world.expert, world.other), ("other_expert", world.other, world.expert)):
        client.force_login(world.users[role])
        html = client.get(reverse("experts_workspace:profile")).content.decode()
        assert title in html  # their own invitation
        assert drawn_with.name not in html and own.name in html
        assert client.get(reverse("experts_admin:draw", args=[world.secret.pk])).status_code == 302
    client.force_login(world.users["editor"])
    html = client.get(reverse("experts_admin:draw", args=[world.secret.pk])).content.decode()
    assert world.expert.name in html and world.other.name in html


def test_refused_posts_change_nothing(client, world):
    from core.models import AuditEntry

    before = AuditEntry.objects.count()
    posts = [
        (reverse("experts_admin:application_decide", args=[world.application.pk]),
         {"approve": "1", "decision": "同意"}),
        (reverse("experts_admin:draw_publish", args=[world.secret.pk]), {}),
        (reverse("experts_workspace:profile"), {"name": "改名", "title": "junior", "fields": ["law"]}),
    ]
    for role in ("anonymous", "public", "staff"):
        for url, data in posts:
            statuses(client, {role: world.users[role]}, "post", url, data)
    world.application.refresh_from_db()
    world.secret.refresh_from_db()
    world.expert.refresh_from_db()
    assert world.application.state == "pending" and world.secret.state == "drawn"
    assert world.expert.name == "王建国" and AuditEntry.objects.count() == before


def test_a_published_draw_shows_its_panel_to_everyone(client, world):
    from experts.models import Draw

    published = Draw.objects.get(state=Draw.State.PUBLISHED)
    url = reverse("experts:draw", args=[published.pk])
    assert statuses(client, world.users, "get", url) == dict.fromkeys(ROLES, 200)
    assert published.seed in client.get(url).content.decode()
