"""Every project URL that no app matrix covers, against every role: portal, policies, associations, search, the
back-office pages the project added to the Wagtail admin.

Rows are ``id → (url key, method, url(world) → str, expected status per role)``; the url key is the resolver's
``namespace:name`` (or the route of an unnamed pattern) and is what tests/security/test_url_inventory.py counts as
covered. The URL is built again for each role, so a row whose request changes something (ending a membership) can
hand every role a fresh object. Objects of another organisation are 404; a personal page sends the anonymous visitor
to the login (302); the Wagtail back office sends everyone outside the committee away (302), and an editor who lacks
a model permission is sent back to the admin home (302).
"""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from associations.models import FirmUserInvitation, Membership
from core.audit import audit_log
from core.models import AuditEntry, CalendarDay, CalendarYear
from tests.experts.helpers import committee_pool, make_expert
from tests.factories import (
    AssociationFactory,
    FirmFactory,
    MembershipFactory,
    UserFactory,
    association_staff,
    committee_user,
    firm_user,
)
from tests.portal.policy_helpers import issuing_body, make_policy
from tests.url_matrix import statuses

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "public", "firm", "staff", "other_staff", "expert", "editor", "admin")


@dataclass
class World:
    users: dict
    association: object
    other_association: object
    firm: object
    invitation: object
    policy: object
    draft_policy: object
    private_policy: object
    body: object
    spare_body: object
    day: object
    year: object
    audit: object


@pytest.fixture
def world():
    association, other_association = AssociationFactory(), AssociationFactory()
    firm = FirmFactory()
    MembershipFactory(firm=firm, association=association)
    admin = committee_user()
    expert_user = UserFactory()
    make_expert("王建国", user=expert_user, pool=committee_pool())
    users = {
        "anonymous": None,
        "public": UserFactory(),
        "firm": firm_user(firm),
        "staff": association_staff(association),
        "other_staff": association_staff(other_association),
        "expert": expert_user,
        "editor": committee_user(admin=False),
        "admin": admin,
    }
    invitation = FirmUserInvitation.objects.create(email="invited@example.com", firm=firm, association=association,
                                                   token="t0k3n-matrix", invited_by=users["staff"])
    return World(
        users, association, other_association, firm, invitation,
        policy=make_policy(), draft_policy=make_policy(publish=False, title="尚未发布的政策草稿"),
        private_policy=_private(make_policy(title="仅限登录用户的内部政策")),
        body=issuing_body(), spare_body=issuing_body("成都市住房和城乡建设局", "11510100MB1C36518X"),
        day=CalendarDay.objects.create(date=datetime.date(2031, 10, 1), kind="holiday"),
        year=CalendarYear.objects.create(year=2031),
        audit=audit_log(actor=admin, action="associations.test.row", obj=firm),
    )


def _private(page):
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    return page


def _all(status):
    return dict.fromkeys(ROLES, status)


def _roles(default, **overrides):
    return {**_all(default), **overrides}


def _fresh_membership(w):
    return MembershipFactory(association=w.association).pk


OPEN = _all(200)
SIGNED_IN = _roles(200, anonymous=302)
NOT_FOUND = _all(404)
# The association's own staff and the committee see the member list; the other association's staff get 404.
MEMBERS = _roles(404, anonymous=302, staff=200, editor=200, admin=200)
# Managing members: the association's admin staff and committee administrators; an editor may look (403 on acting).
MANAGE_INVALID = _roles(404, anonymous=302, staff=400, editor=403, admin=400)
MANAGE_REDIRECT = _roles(404, anonymous=302, staff=302, editor=403, admin=302)
BACK_OFFICE = _roles(302, editor=200, admin=200)  # Wagtail sends non-committee users away
ADMIN_ONLY = _roles(302, admin=200)  # editors lack the model permission: back to the admin home


def _r(name, **kwargs):
    return lambda w: reverse(name, kwargs={key: value(w) for key, value in kwargs.items()})


def _admin_rows(namespace, pk, *, actions, view=BACK_OFFICE, change=ADMIN_ONLY):
    """The Wagtail model-viewset URLs of one back-office model: reading for `view`, the rest for `change`.

    Wagtail's history needs add, change or delete permission and its usage view change permission, so a reader
    (the editor of the association records) is sent back from them like from the edit form.
    """
    rows = {}
    reading = {"index": {}, "index_results": {}, "list": {}, "list_results": {}, "inspect": {"pk": pk}}
    changing = {"add": {}, "edit": {"pk": pk}, "delete": {"pk": pk}, "history": {"pk": pk},
                "history_results": {"pk": pk}, "usage": {"pk": pk}}
    for action in actions:
        kwargs = reading.get(action, changing.get(action))
        rows[f"{namespace}:{action}"] = (f"{namespace}:{action}", "get", _r(f"{namespace}:{action}", **kwargs),
                                         view if action in reading else change)
    return rows


_MODEL = ("index", "index_results", "add", "edit", "history", "history_results", "usage", "inspect")
_READ_ONLY = ("index", "index_results", "inspect")
_CALENDAR = ("index", "index_results", "add", "edit", "delete", "inspect")

MATRIX = {
    # --- portal: Wagtail pages, dashboard, policy discovery and API -------------------------------------------
    "home": ("wagtail_serve", "get", lambda w: "/", OPEN),
    "policy page": ("wagtail_serve", "get", lambda w: w.policy.url, OPEN),
    "draft policy page": ("wagtail_serve", "get", lambda w: w.draft_policy.get_url(), NOT_FOUND),
    "private policy page": ("wagtail_serve", "get", lambda w: w.private_policy.url, SIGNED_IN),
    "policy_api_detail private": ("policy_api_detail", "get",
                                  _r("policy_api_detail", pk=lambda w: w.private_policy.pk), NOT_FOUND),
    "dashboard": ("dashboard", "get", _r("dashboard"), SIGNED_IN),
    "policy_feed_rss": ("policy_feed_rss", "get", _r("policy_feed_rss"), OPEN),
    "policy_feed_atom": ("policy_feed_atom", "get", _r("policy_feed_atom"), OPEN),
    "sitemap": ("sitemap", "get", _r("sitemap"), OPEN),
    "robots_txt": ("robots_txt", "get", _r("robots_txt"), OPEN),
    "switch_language": ("switch_language", "get", lambda w: "/i18n/lang/en/?next=/policies/", _all(302)),
    "policy_api_list": ("policy_api_list", "get", _r("policy_api_list"), OPEN),
    "policy_api_detail": ("policy_api_detail", "get", _r("policy_api_detail", pk=lambda w: w.policy.pk), OPEN),
    "policy_api_detail draft": ("policy_api_detail", "get", _r("policy_api_detail", pk=lambda w: w.draft_policy.pk),
                                NOT_FOUND),
    "policy_api unknown": ("api/v1/policies/<path:rest>", "get", lambda w: "/api/v1/policies/nothing/here",
                           NOT_FOUND),
    # --- search ------------------------------------------------------------------------------------------------
    "search_index": ("search_index", "get", lambda w: reverse("search_index") + "?q=照明", OPEN),
    "search_suggest": ("search_suggest", "get", lambda w: reverse("search_suggest") + "?q=照明", OPEN),
    "search_api": ("search_api", "get", lambda w: reverse("search_api") + "?q=照明", OPEN),
    "search_api post": ("search_api", "post", _r("search_api"), _all(405)),
    # --- associations: /me/ member pages ---------------------------------------------------------------------
    "associations:my_members": ("associations:my_members", "get", _r("associations:my_members"),
                                _roles(404, anonymous=302, staff=302, other_staff=302)),
    "associations:member_list": ("associations:member_list", "get",
                                 _r("associations:member_list", pk=lambda w: w.association.pk), MEMBERS),
    "associations:member_add": ("associations:member_add", "post",
                                _r("associations:member_add", pk=lambda w: w.association.pk), MANAGE_INVALID),
    "associations:member_add get": ("associations:member_add", "get",
                                    _r("associations:member_add", pk=lambda w: w.association.pk),
                                    _roles(405, anonymous=302)),
    "associations:member_import": ("associations:member_import", "post",
                                   _r("associations:member_import", pk=lambda w: w.association.pk), MANAGE_INVALID),
    "associations:member_remove": ("associations:member_remove", "post",
                                   _r("associations:member_remove", pk=lambda w: w.association.pk,
                                      membership_id=_fresh_membership), MANAGE_REDIRECT),
    "associations:member_remove other association": (
        "associations:member_remove", "post",
        _r("associations:member_remove", pk=lambda w: w.other_association.pk,
           membership_id=lambda w: MembershipFactory(association=w.other_association).pk),
        _roles(404, anonymous=302, other_staff=302, editor=403, admin=302)),
    "associations:member_invite": ("associations:member_invite", "post",
                                   _r("associations:member_invite", pk=lambda w: w.association.pk,
                                      membership_id=_fresh_membership), MANAGE_REDIRECT),
    # The token is the secret: any signed-in user sees the invitation; accepting needs the invited, verified email.
    "associations:invitation_accept": ("associations:invitation_accept", "get",
                                       _r("associations:invitation_accept", token=lambda w: w.invitation.token),
                                       SIGNED_IN),
    "associations:invitation_accept post": ("associations:invitation_accept", "post",
                                            _r("associations:invitation_accept", token=lambda w: w.invitation.token),
                                            SIGNED_IN),
    "associations:invitation_accept unknown": ("associations:invitation_accept", "get",
                                               lambda w: reverse("associations:invitation_accept", args=["nope"]),
                                               _roles(404, anonymous=302)),
    # --- back office added to the Wagtail admin ----------------------------------------------------------------
    "associations_import": ("associations_import", "get", _r("associations_import"), ADMIN_ONLY),
    "associations_import post": ("associations_import", "post", _r("associations_import"),
                                 _roles(302, admin=400)),
    "policy_pages:index": ("policy_pages:index", "get", _r("policy_pages:index"), BACK_OFFICE),
    "policy_pages:index_results": ("policy_pages:index_results", "get", _r("policy_pages:index_results"),
                                   BACK_OFFICE),
    # The library is the only parent: the committee is sent on to the add form (see the test below), others away.
    "policy_pages:choose_parent": ("policy_pages:choose_parent", "get", _r("policy_pages:choose_parent"),
                                   _all(302)),
    **_admin_rows("associations_admin", lambda w: w.association.pk, actions=_MODEL),
    **_admin_rows("firms_admin", lambda w: w.firm.pk, actions=_MODEL),
    **_admin_rows("memberships_admin", lambda w: Membership.objects.first().pk,
                  actions=tuple(a for a in _MODEL if a != "add")),
    # Staff and firm-user bindings and the audit log are for administrators only.
    **_admin_rows("association_staff_admin", lambda w: w.users["staff"].association_roles.first().pk,
                  actions=(*_READ_ONLY, "history_results"), view=ADMIN_ONLY),
    **_admin_rows("firm_users_admin", lambda w: w.users["firm"].firm_roles.first().pk,
                  actions=(*_READ_ONLY, "history_results"), view=ADMIN_ONLY),
    **_admin_rows("audit_log_admin", lambda w: w.audit.pk, actions=_READ_ONLY, view=ADMIN_ONLY),
    # The audit log is read-only for everyone (ReadOnlyPermissionPolicy): its history needs a change permission.
    "audit_log_admin:history_results": ("audit_log_admin:history_results", "get",
                                        _r("audit_log_admin:history_results", pk=lambda w: w.audit.pk), _all(302)),
    **_admin_rows("holiday_calendar", lambda w: w.day.pk, actions=_CALENDAR),
    **_admin_rows("calendar_years", lambda w: w.year.pk, actions=_CALENDAR),
    # 发文机关: a snippet of the policy library; editors read it, administrators keep it.
    **_admin_rows("wagtailsnippets_portal_issuingbody", lambda w: w.body.pk,
                  actions=("list", "list_results", "add", "edit", "delete", "usage", "history", "history_results",
                           "inspect")),
    # An issuing body that no policy cites may be deleted; one in use is refused (sent back) even to administrators.
    "wagtailsnippets_portal_issuingbody:delete": (
        "wagtailsnippets_portal_issuingbody:delete", "get",
        _r("wagtailsnippets_portal_issuingbody:delete", pk=lambda w: w.spare_body.pk), ADMIN_ONLY),
    "wagtailsnippets_portal_issuingbody:delete in use": (
        "wagtailsnippets_portal_issuingbody:delete", "get",
        _r("wagtailsnippets_portal_issuingbody:delete", pk=lambda w: w.body.pk), _all(302)),
}


def _urls():
    return {key for key, *_ in MATRIX.values()}


COVERED = _urls()


@pytest.mark.parametrize("row", sorted(MATRIX))
def test_each_role_gets_what_it_should(client, world, row):
    _key, method, url, expected = MATRIX[row]
    got = {}
    for role in ROLES:
        got.update(statuses(client, {role: world.users[role]}, method, url(world)))
    assert got == expected


def test_refused_member_actions_change_nothing(client, world):
    """Outsiders' POSTs leave the membership, the invitation and the audit log as they were."""
    membership = Membership.objects.get(firm=world.firm)
    before = AuditEntry.objects.count()
    posts = [
        reverse("associations:member_remove", args=[world.association.pk, membership.pk]),
        reverse("associations:member_invite", args=[world.association.pk, membership.pk]),
        reverse("associations:invitation_accept", args=[world.invitation.token]),
    ]
    for role in ("anonymous", "public", "firm", "other_staff", "expert", "editor"):
        for url in posts:
            statuses(client, {role: world.users[role]}, "post", url, {"email": "x@example.com"})
    membership.refresh_from_db()
    world.invitation.refresh_from_db()
    assert membership.ended_on is None
    assert world.invitation.accepted_at is None
    assert not FirmUserInvitation.objects.filter(email="x@example.com").exists()
    assert AuditEntry.objects.count() == before


def test_private_policy_text_is_not_in_public_outputs(client, world):
    """Neither a draft's nor a private page's title is in the public listings: feeds, sitemap, API and search."""
    for name in ("policy_feed_rss", "policy_feed_atom", "policy_api_list"):
        body = client.get(reverse(name)).content.decode()
        assert world.policy.title in body, name
        assert "尚未发布的政策草稿" not in body and "内部政策" not in body, name
    sitemap = client.get(reverse("sitemap")).content.decode()
    assert world.policy.url in sitemap
    assert world.private_policy.url not in sitemap and world.draft_policy.get_url() not in sitemap
    for q in ("尚未发布", "内部政策"):
        assert q not in client.get(reverse("search_api") + f"?q={q}").content.decode()


def test_choose_parent_sends_the_committee_to_the_add_form_and_others_away(client, world):
    url = reverse("policy_pages:choose_parent")
    for role in ROLES:
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        location = client.get(url)["Location"]
        committee = role in ("editor", "admin")
        assert ("/admin/pages/add/" in location) is committee, (role, location)
