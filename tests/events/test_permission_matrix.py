"""Every event URL against every role. The URL list comes from the resolver: a new URL whose route contains
"events/" without a row here fails ``test_every_event_url_is_in_the_matrix``.

The event pages, calendar files and the invitation and ticket pages (the token in the link is the credential) are
open; registering needs a login; an attendee sees only their own registrations (404 for anyone else's, organisers
included: they use the console); the console is for committee staff and the staff of the organising association
(403 for people who organise nothing, 404 for an event of another organisation)."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from core.models import AuditEntry
from events import services
from events.models import CheckinList, Invitation, Registration
from tests.factories import AssociationFactory, UserFactory, association_staff, committee_user
from tests.url_matrix import statuses, url_names_under

from .helpers import checkin_list, make_event, question, register, ticket

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "public", "attendee", "organiser", "other_staff", "editor")


@dataclass
class World:
    users: dict
    event: object
    registration: Registration
    invitation: Invitation
    checkin_list: CheckinList
    question: object


@pytest.fixture
def world():
    organiser_association = AssociationFactory()
    event = make_event(organiser=organiser_association)
    attendee = UserFactory()
    q = question(event, "职务", "text")
    registration = register(event, attendee)
    editor = committee_user(admin=False)
    invitation = services.invitation_create(event=event, actor=editor, ticket_type=ticket(event), send=False)
    users = {"anonymous": None, "public": UserFactory(), "attendee": attendee,
             "organiser": association_staff(organiser_association),
             "other_staff": association_staff(AssociationFactory()), "editor": editor}
    return World(users, event, registration, invitation, checkin_list(event), q)


def _all(status):
    return dict.fromkeys(ROLES, status)


def _roles(default, **overrides):
    return {**_all(default), **overrides}


OPEN = _all(200)
SIGNED_IN = _roles(200, anonymous=302)
OWN = _roles(404, anonymous=302, attendee=200)
OWN_ACTION = _roles(404, anonymous=302, attendee=302)
STAFF_ONLY = _roles(403, anonymous=302, organiser=200, other_staff=200)
CONSOLE = _roles(404, anonymous=302, public=403, attendee=403, organiser=200, editor=200)
CONSOLE_ACTION = {**CONSOLE, "organiser": 302, "editor": 302}
CHECKIN = _roles(404, anonymous=302, organiser=200, editor=200)


def _event(w):
    return {"event_id": w.event.pk}


def _token(w):
    return {"token": w.registration.token}


# name → (method, kwargs(world) → dict, expected status per role)
MATRIX = {
    "events:register": ("get", _event, SIGNED_IN),
    "events:event_ics": ("get", _event, OPEN),
    "events:invitation": ("get", lambda w: {"token": w.invitation.token}, OPEN),
    "events:ticket": ("get", _token, OPEN),
    "events:ticket_qr": ("get", _token, OPEN),
    "events:ticket_ics": ("get", _token, OPEN),
    "events_workspace:index": ("get", lambda w: {}, SIGNED_IN),
    "events_workspace:registration": ("get", lambda w: {"pk": w.registration.pk}, OWN),
    "events_workspace:accept_offer": ("post", lambda w: {"pk": w.registration.pk}, OWN_ACTION),
    "events_workspace:cancel": ("post", lambda w: {"pk": w.registration.pk}, OWN_ACTION),
    "events_workspace:colleague_events": ("get", lambda w: {}, STAFF_ONLY),
    "events_workspace:register_colleague": ("get", _event, STAFF_ONLY),
    "events_manage:index": ("get", lambda w: {}, {**CONSOLE, "other_staff": 200}),
    "events_manage:event": ("get", _event, CONSOLE),
    "events_manage:setup": ("get", _event, CONSOLE),
    "events_manage:item_add": ("get", lambda w: {"event_id": w.event.pk, "kind": "quotas"}, CONSOLE),
    "events_manage:item_edit": ("get", lambda w: {"event_id": w.event.pk, "kind": "questions",
                                                  "pk": w.question.pk}, CONSOLE),
    "events_manage:registrations": ("get", _event, CONSOLE),
    "events_manage:registration": ("get", lambda w: {"pk": w.registration.pk}, CONSOLE),
    "events_manage:registration_action": ("post", lambda w: {"pk": w.registration.pk, "action": "priority"},
                                          CONSOLE_ACTION),
    "events_manage:invitations": ("get", _event, CONSOLE),
    "events_manage:invitation_revoke": ("post", lambda w: {"pk": w.invitation.pk}, CONSOLE_ACTION),
    "events_manage:checkin_lists": ("get", _event, CHECKIN),
    "events_manage:checkin": ("get", lambda w: {"list_id": w.checkin_list.pk}, CHECKIN),
    "events_manage:checkin_counts": ("get", lambda w: {"list_id": w.checkin_list.pk}, CHECKIN),
    "events_manage:export_security": ("get", lambda w: {"list_id": w.checkin_list.pk}, CHECKIN),
    "events_manage:export_attendees": ("get", _event, CHECKIN),
    "events_manage:export_checkins": ("get", _event, CHECKIN),
}


def test_every_event_url_is_in_the_matrix():
    ours = {name for name in url_names_under("events/") if name.split(":")[0].startswith("events")}
    missing = ours - set(MATRIX)
    assert not missing, f"event URLs without a permission-matrix row: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_it_should(client, world, name):
    method, kwargs, expected = MATRIX[name]
    assert statuses(client, world.users, method, reverse(name, kwargs=kwargs(world))) == expected


def test_refused_posts_change_nothing(client, world):
    before = AuditEntry.objects.count()
    posts = [
        (reverse("events_workspace:cancel", args=[world.registration.pk]), {"reason": "x"}),
        (reverse("events_manage:registration_action", args=[world.registration.pk, "cancel"]), {"reason": "x"}),
        (reverse("events_manage:invitation_revoke", args=[world.invitation.pk]), {}),
        (reverse("events_manage:checkin", args=[world.checkin_list.pk]),
         {"payload": world.registration.token, "kind": "entry", "nonce": "abc"}),
    ]
    for role in ("anonymous", "public", "other_staff"):
        for url, data in posts:
            statuses(client, {role: world.users[role]}, "post", url, data)
    world.registration.refresh_from_db()
    world.invitation.refresh_from_db()
    assert world.registration.state == Registration.State.CONFIRMED
    assert world.invitation.revoked_at is None and not world.registration.checkins.exists()
    assert AuditEntry.objects.count() == before
