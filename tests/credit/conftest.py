import pytest

from tests.factories import FirmFactory, committee_user

from .helpers import make_scheme


@pytest.fixture
def admin(db):
    return committee_user(admin=True)


@pytest.fixture
def editor(db):
    return committee_user(admin=False)


@pytest.fixture
def scheme(admin):
    return make_scheme(admin)


@pytest.fixture
def firm(db):
    return FirmFactory(sector="municipal")
