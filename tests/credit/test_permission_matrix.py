"""Every credit URL against every role. The URL list comes from the resolver: a new credit URL without a row here
fails ``test_every_credit_url_is_in_the_matrix``. Firm users see only their own workspace, association staff only
their members, evidence files only the committee; other firms' and associations' objects are 404; the back office
sends everyone outside the committee away (302)."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse

from credit import services
from credit.models import CreditEvent, ListEntry, Objection, Rating, Repair
from tests.factories import (
    AssociationFactory,
    FirmFactory,
    MembershipFactory,
    UserFactory,
    association_staff,
    committee_user,
    firm_user,
)
from tests.url_matrix import statuses, url_names_under

from .helpers import at, make_scheme, pdf, record, travel

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "public", "firm", "other_firm", "staff", "other_staff", "editor", "admin")


@dataclass
class World:
    users: dict
    scheme: object
    firm: object
    association: object
    event: CreditEvent
    bad: CreditEvent
    rating: Rating
    objection: Objection
    repair: Repair
    entry: ListEntry


@pytest.fixture
def world():
    admin = committee_user()
    scheme = make_scheme(admin, sectors=("municipal",))
    association = AssociationFactory(sector="municipal")
    firm = MembershipFactory(association=association, firm__sector="municipal").firm
    other_firm = FirmFactory(sector="municipal")
    member, outsider = firm_user(firm), firm_user(other_firm)
    with travel(at(2026, 1, 5, 10)):
        event = record(admin, firm, scheme, "L01", on=date(2026, 1, 5))
        bad = record(admin, firm, scheme, "B01", on=date(2026, 1, 5))
    with travel(at(2026, 4, 1, 10)):
        rating_round = services.round_open(actor=admin, scheme=scheme, sector="municipal", name="2026年度",
                                           as_of=date(2026, 3, 31))
        services.round_compute(actor=admin, rating_round=rating_round)
        services.round_publish(actor=admin, rating_round=rating_round)
        rating = Rating.objects.get(round=rating_round, firm=firm)
        objection = services.objection_file(actor=member, firm=firm, rating=rating, reason="扣分有误",
                                            evidence_upload=pdf())
    with travel(at(2026, 4, 7, 10)):
        repair = services.repair_apply(actor=member, event=bad, statement="已整改", pledge_upload=pdf("承诺书.pdf"),
                                       evidence_upload=pdf("整改.pdf"))
        entry = services.list_add(actor=admin, firm=other_firm, kind="black", scheme=scheme, reason="伪造资质")
    users = {
        "anonymous": None, "public": UserFactory(), "firm": member, "other_firm": outsider,
        "staff": association_staff(association), "other_staff": association_staff(AssociationFactory()),
        "editor": committee_user(admin=False), "admin": admin,
    }
    return World(users, scheme, firm, association, event, bad, rating, objection, repair, entry)


def _all(status):
    return dict.fromkeys(ROLES, status)


def _roles(default, **overrides):
    return {**_all(default), **overrides}


OPEN = _all(200)
BACK_OFFICE = _roles(302, editor=200, admin=200)
# Administrators' decisions: editors are sent back (302); an empty or refused POST re-renders for the admin (200).
ADMIN_ACTION = _roles(302, admin=200)
# Refused for everyone here: finalising before the notice ends, editing or deleting a scheme in force.
REFUSED = _all(302)
OWN_FIRM = _roles(404, anonymous=302, firm=200)
OWN_ASSOCIATION = _roles(404, anonymous=302, staff=200, editor=200, admin=200)

# name → (method, kwargs(world) → dict, expected status per role)
MATRIX = {
    "credit:lookup": ("get", lambda w: {}, OPEN),
    "credit:export": ("get", lambda w: {}, OPEN),
    "credit:rounds": ("get", lambda w: {}, OPEN),
    "credit:round": ("get", lambda w: {"pk": w.rating.round_id}, OPEN),
    "credit:lists": ("get", lambda w: {}, OPEN),
    "credit:firm": ("get", lambda w: {"code": w.firm.uscc}, OPEN),
    "credit_api:list": ("get", lambda w: {}, OPEN),
    "credit_api:firm": ("get", lambda w: {"code": w.firm.uscc}, OPEN),
    "credit_api:None": ("get", lambda w: {"rest": "nothing/here"}, _all(404)),
    "credit_workspace:index": ("get", lambda w: {}, _roles(200, anonymous=302)),
    "credit_workspace:rating": ("get", lambda w: {"pk": w.rating.pk}, OWN_FIRM),
    "credit_workspace:object": ("get", lambda w: {}, _roles(404, anonymous=302)),  # no target: 404
    "credit_workspace:repair": ("get", lambda w: {"event_id": w.bad.pk}, OWN_FIRM),
    "credit_workspace:file": ("get", lambda w: {"kind": "objection", "pk": w.objection.pk, "field": "evidence"},
                              OWN_FIRM),
    "credit_workspace:members": ("get", lambda w: {"association_id": w.association.pk}, OWN_ASSOCIATION),
    "credit_workspace:submit": ("get", lambda w: {"association_id": w.association.pk},
                                _roles(404, anonymous=302, staff=200)),
    "credit_admin:events": ("get", lambda w: {}, BACK_OFFICE),
    "credit_admin:event_add": ("get", lambda w: {}, BACK_OFFICE),
    "credit_admin:event": ("get", lambda w: {"pk": w.event.pk}, BACK_OFFICE),
    "credit_admin:event_approve": ("post", lambda w: {"pk": w.event.pk}, BACK_OFFICE),
    "credit_admin:event_reject": ("post", lambda w: {"pk": w.event.pk}, BACK_OFFICE),
    "credit_admin:event_revoke": ("post", lambda w: {"pk": w.event.pk}, ADMIN_ACTION),
    "credit_admin:event_correct": ("get", lambda w: {"pk": w.event.pk}, ADMIN_ACTION),
    "credit_admin:file": ("get", lambda w: {"kind": "event", "pk": w.event.pk}, BACK_OFFICE),
    "credit_admin:rounds": ("get", lambda w: {}, BACK_OFFICE),
    "credit_admin:round_add": ("get", lambda w: {}, BACK_OFFICE),
    "credit_admin:round": ("get", lambda w: {"pk": w.rating.round_id}, BACK_OFFICE),
    "credit_admin:round_compute": ("post", lambda w: {"pk": w.rating.round_id}, BACK_OFFICE),
    "credit_admin:round_publish": ("post", lambda w: {"pk": w.rating.round_id}, ADMIN_ACTION),
    "credit_admin:round_finalise": ("post", lambda w: {"pk": w.rating.round_id}, REFUSED),
    "credit_admin:rating": ("get", lambda w: {"pk": w.rating.pk}, BACK_OFFICE),
    "credit_admin:objections": ("get", lambda w: {}, BACK_OFFICE),
    "credit_admin:objection": ("get", lambda w: {"pk": w.objection.pk}, BACK_OFFICE),
    "credit_admin:objection_decide": ("post", lambda w: {"pk": w.objection.pk}, ADMIN_ACTION),
    "credit_admin:repairs": ("get", lambda w: {}, BACK_OFFICE),
    "credit_admin:repair": ("get", lambda w: {"pk": w.repair.pk}, BACK_OFFICE),
    "credit_admin:repair_decide": ("post", lambda w: {"pk": w.repair.pk}, ADMIN_ACTION),
    "credit_admin:lists": ("get", lambda w: {}, BACK_OFFICE),
    "credit_admin:list_add": ("get", lambda w: {}, ADMIN_ACTION),
    "credit_admin:list_entry": ("get", lambda w: {"pk": w.entry.pk}, BACK_OFFICE),
    "credit_admin:list_remove": ("post", lambda w: {"pk": w.entry.pk}, ADMIN_ACTION),
    "credit_schemes:index": ("get", lambda w: {}, BACK_OFFICE),
    "credit_schemes:index_results": ("get", lambda w: {}, BACK_OFFICE),
    "credit_schemes:add": ("get", lambda w: {}, BACK_OFFICE),
    "credit_schemes:edit": ("get", lambda w: {"pk": w.scheme.pk}, REFUSED),
    "credit_schemes:inspect": ("get", lambda w: {"pk": w.scheme.pk}, BACK_OFFICE),
    "credit_schemes:history_results": ("get", lambda w: {"pk": w.scheme.pk}, BACK_OFFICE),
    "credit_schemes:delete": ("get", lambda w: {"pk": w.scheme.pk}, REFUSED),
    "credit_schemes:put_in_force": ("post", lambda w: {"pk": w.scheme.pk}, ADMIN_ACTION),
    "credit_schemes:new_version": ("post", lambda w: {"pk": w.scheme.pk}, ADMIN_ACTION),
}


def test_every_credit_url_is_in_the_matrix():
    missing = url_names_under("credit") - set(MATRIX)
    assert not missing, f"credit URLs without a permission-matrix row: {sorted(missing)}"


def _url(name, kwargs):
    if name == "credit_api:None":
        return "/api/v1/credit/" + kwargs["rest"]
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_it_should(client, world, name):
    method, kwargs, expected = MATRIX[name]
    assert statuses(client, world.users, method, _url(name, kwargs(world))) == expected


def test_refused_posts_change_nothing(client, world):
    """Outsiders and editors posting decisions leave records, objections, repairs and lists as they were."""
    from core.models import AuditEntry

    before = AuditEntry.objects.count()
    posts = [
        (reverse("credit_admin:event_revoke", args=[world.event.pk]), {"reason": "x"}),
        (reverse("credit_admin:objection_decide", args=[world.objection.pk]),
         {"upheld": "1", "decision": "x", "revoke_events": [world.bad.pk]}),
        (reverse("credit_admin:repair_decide", args=[world.repair.pk]), {"approve": "1", "decision": "x"}),
        (reverse("credit_admin:list_remove", args=[world.entry.pk]), {"reason": "x"}),
        (reverse("credit_workspace:repair", args=[world.bad.pk]), {"statement": "x"}),
        (reverse("credit_workspace:object") + f"?rating={world.rating.pk}", {"reason": "x"}),
    ]
    for role in ("anonymous", "public", "other_firm", "staff", "other_staff", "editor"):
        for url, data in posts:
            statuses(client, {role: world.users[role]}, "post", url, data)
    world.event.refresh_from_db()
    world.objection.refresh_from_db()
    world.repair.refresh_from_db()
    world.entry.refresh_from_db()
    assert (world.event.state, world.objection.state, world.repair.state) == ("approved", "pending", "pending")
    assert world.entry.delisted_at is None
    assert Objection.objects.count() == 1 and Repair.objects.count() == 1
    assert AuditEntry.objects.count() == before
