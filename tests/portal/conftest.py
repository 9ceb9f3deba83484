"""Fixtures of the portal tests: the demo seeded once per test module, rolled back at the end of the module."""

import pytest
from django.db import transaction

from tests.portal.demo_helpers import seed


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded
