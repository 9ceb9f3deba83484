"""factory_boy factories shared by the suites. Codes are valid 统一社会信用代码."""

import itertools
import random

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from associations.models import Association, AssociationStaff, Firm, FirmUser, Membership, Sector
from core.models import User
from core.roles import COMMITTEE_ADMIN, COMMITTEE_EDITOR
from core.uscc import ALPHABET, check_character

_counter = itertools.count(1)


def make_uscc(prefix: str = "91510100") -> str:
    """A fresh valid code: registration prefix + 9 random characters + check character."""
    rng = random.Random(next(_counter))
    body = prefix + "".join(rng.choice(ALPHABET[:10]) for _ in range(9))
    body = body[:17]
    return body + check_character(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "demo12345")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"成都市测试行业协会{n}")
    short_name = factory.Sequence(lambda n: f"测试协会{n}")
    uscc = factory.LazyFunction(lambda: make_uscc("51510100"))
    sector = Sector.LIGHTING


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"成都测试照明工程有限公司{n}")
    uscc = factory.LazyFunction(make_uscc)
    legal_representative = "张三"
    sector = Sector.LIGHTING


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    firm = factory.SubFactory(FirmFactory)
    association = factory.SubFactory(AssociationFactory)
    since = factory.Faker("date_between", start_date="-5y", end_date="today")


def committee_user(*, admin: bool = True, **kwargs) -> User:
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=COMMITTEE_ADMIN if admin else COMMITTEE_EDITOR))
    return user


def association_staff(association, *, role=AssociationStaff.Role.ADMIN, **kwargs) -> User:
    user = UserFactory(**kwargs)
    AssociationStaff.objects.create(user=user, association=association, role=role)
    return user


def firm_user(firm, **kwargs) -> User:
    user = UserFactory(**kwargs)
    FirmUser.objects.create(user=user, firm=firm)
    return user
