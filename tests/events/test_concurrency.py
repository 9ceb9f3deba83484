"""Never overbooked: 60 people register at once for 20 places (PostgreSQL, real row locks, one connection each)."""

import threading

import pytest
from django.db import connection, connections

from events.models import Registration
from tests.factories import UserFactory

from .helpers import make_event, register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="SQLite serialises every writer; the row-lock race needs PostgreSQL (make test runs it)"),
]

PEOPLE, PLACES = 60, 20


def test_concurrent_registrations_never_exceed_the_quota():
    event = make_event(size=PLACES)
    people = [UserFactory() for _ in range(PEOPLE)]
    barrier = threading.Barrier(PEOPLE)
    errors = []

    def attempt(user):
        try:
            barrier.wait()
            register(event, user)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    states = list(Registration.objects.filter(event=event).values_list("state", flat=True))
    assert states.count(Registration.State.CONFIRMED) == PLACES
    assert states.count(Registration.State.WAITING) == PEOPLE - PLACES
