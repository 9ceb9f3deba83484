import pytest

from tests.factories import AssociationFactory, FirmFactory, MembershipFactory, association_staff


@pytest.fixture
def association(db):
    return AssociationFactory()


@pytest.fixture
def other_association(db):
    return AssociationFactory()


@pytest.fixture
def member_firm(association):
    return MembershipFactory(association=association).firm


@pytest.fixture
def association_admin(association):
    return association_staff(association)
