from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from associations.models import Association, AssociationStaff, Firm, FirmUser, Membership, name_pinyin
from core.models import AuditEntry
from core.roles import COMMITTEE_ADMIN, COMMITTEE_EDITOR, is_committee_admin, is_committee_staff
from core.uscc import is_social_organisation, validate_uscc
from portal.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, STAFF_ADMIN, STAFF_STAFF
from portal.demo.organisations import ASSOCIATIONS, demo_data

User = get_user_model()


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (Association, Firm, Membership, User, EmailAddress, AssociationStaff, FirmUser, AuditEntry)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """Seed once per module; each test runs in a savepoint inside this transaction and is rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def test_demo_data_is_deterministic_and_unique():
    data = demo_data()
    demo_data.cache_clear()
    again = demo_data()
    assert again == data
    assert len({f.name for f in data.firms}) == len(data.firms)
    assert len({f.uscc for f in data.firms}) == len(data.firms)


def test_seed_creates_eight_associations_with_social_organisation_codes(seeded):
    associations = list(Association.objects.all())
    assert len(associations) == 8
    assert {a.name for a in associations} >= {"四川省照明电器协会", "成都市环境卫生协会", "四川省广告协会"}
    assert len({a.sector for a in associations}) == 8
    for association in associations:
        assert validate_uscc(association.uscc) == association.uscc
        assert is_social_organisation(association.uscc)
        assert association.short_name and association.intro and association.address.startswith("成都市")
        assert association.contact_phone.startswith("028-8")


def test_seed_creates_at_least_200_firms_with_valid_codes_and_pinyin(seeded):
    firms = list(Firm.objects.all())
    assert len(firms) >= 200
    assert len({f.name for f in firms}) == len(firms)
    for firm in firms:
        assert validate_uscc(firm.uscc) == firm.uscc
        assert firm.uscc.startswith("915")
        assert firm.legal_representative and firm.address.startswith("成都市") and firm.sector
        assert (firm.name_pinyin, firm.name_initials) == name_pinyin(firm.name)


def test_each_association_has_25_to_35_members_and_one_president(seeded):
    for association in Association.objects.all():
        members = Membership.objects.current().filter(association=association)
        assert 25 <= members.count() <= 35, association.name
        assert members.filter(level=Membership.Level.PRESIDENT).count() == 1
        assert members.filter(level=Membership.Level.VICE_PRESIDENT).count() >= 2
        assert members.filter(level=Membership.Level.COUNCIL).exists()
        assert members.filter(level=Membership.Level.MEMBER).count() > members.count() // 2


def test_some_firms_belong_to_two_associations(seeded):
    firm_ids = Membership.objects.values_list("firm_id", flat=True)
    assert len(firm_ids) > len(set(firm_ids))


def test_every_firm_is_a_member_of_an_association_of_its_sector(seeded):
    for firm in Firm.objects.prefetch_related("memberships__association"):
        assert firm.sector in {m.association.sector for m in firm.memberships.all()}


def test_demo_accounts_exist_with_verified_primary_email_and_password(seeded):
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.is_active
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, email=account.email, verified=True, primary=True).exists()


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.email)
def test_demo_accounts_can_log_in(seeded, client, account):
    assert client.login(email=account.email, password=DEMO_PASSWORD)


def test_committee_accounts_have_their_groups(seeded):
    admin = User.objects.get(email="committee@demo.local")
    assert admin.is_superuser and admin.is_staff
    assert admin.groups.filter(name=COMMITTEE_ADMIN).exists()
    assert is_committee_admin(admin)
    editor = User.objects.get(email="editor@demo.local")
    assert list(editor.groups.values_list("name", flat=True)) == [COMMITTEE_EDITOR]
    assert is_committee_staff(editor) and not is_committee_admin(editor)
    assert not editor.is_superuser


def test_association_accounts_are_bound_with_their_roles(seeded):
    assert (STAFF_ADMIN, STAFF_STAFF) == (AssociationStaff.Role.ADMIN, AssociationStaff.Role.STAFF)
    lighting = AssociationStaff.objects.get(user__email="lighting@demo.local")
    assert (lighting.association.name, lighting.role) == ("四川省照明电器协会", AssociationStaff.Role.ADMIN)
    sanitation = AssociationStaff.objects.get(user__email="sanitation@demo.local")
    assert (sanitation.association.name, sanitation.role) == ("成都市环境卫生协会", AssociationStaff.Role.STAFF)


def test_firm_account_acts_for_a_lighting_member(seeded):
    binding = FirmUser.objects.select_related("firm").get(user__email="firm@demo.local")
    assert binding.firm.name == "成都蓉光照明工程有限公司"
    assert Membership.objects.current().filter(firm=binding.firm, association__sector="lighting").exists()


def test_expert_account_has_no_bindings(seeded):
    expert = User.objects.get(email="expert@demo.local")
    assert not expert.groups.exists() and not expert.is_staff
    assert not AssociationStaff.objects.filter(user=expert).exists()
    assert not FirmUser.objects.filter(user=expert).exists()


def test_seed_writes_audit_entries_for_what_it_created(seeded):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"portal.seed_demo.firms", "portal.seed_demo.memberships", "associations.staff.bound"} <= actions


def test_output_lists_every_demo_account_with_password(seeded):
    for account in DEMO_ACCOUNTS:
        line = next(line for line in seeded.splitlines() if account.email in line)
        assert DEMO_PASSWORD in line and account.organisation in line


def test_running_twice_changes_no_counts_and_keeps_passwords(seeded):
    before = counts()
    seed()
    assert counts() == before
    for account in DEMO_ACCOUNTS:
        assert User.objects.get(email=account.email).check_password(DEMO_PASSWORD)


def test_rerun_repairs_changed_password_and_unverified_email(seeded, client):
    user = User.objects.get(email="lighting@demo.local")
    user.set_password("something-else")
    user.is_active = False
    user.save()
    EmailAddress.objects.filter(user=user).update(verified=False, primary=False)
    seed()
    user.refresh_from_db()
    assert user.is_active and user.check_password(DEMO_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert client.login(email="lighting@demo.local", password=DEMO_PASSWORD)


def test_seed_keeps_existing_data_and_fills_gaps(db):
    spec = ASSOCIATIONS[0]
    seed()
    firm = Firm.objects.get(uscc=demo_data().firms[-1].uscc)
    Membership.objects.filter(firm=firm).delete()
    FirmUser.objects.all().delete()
    before = counts()
    seed()
    after = counts()
    assert after["Membership"] == before["Membership"] + 1
    assert after["FirmUser"] == before["FirmUser"] + 1
    assert after["Firm"] == before["Firm"]
    assert Association.objects.get(name=spec.name).uscc == spec.uscc
