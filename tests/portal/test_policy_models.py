import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from portal.policies.models import Category, Validity
from tests.portal.policy_helpers import issuing_body, make_policy

pytestmark = pytest.mark.django_db


def test_index_numbers_are_generated_per_body_and_year_and_unique():
    first = make_policy()
    second = make_policy()
    assert first.index_number == "11510100MB1C36517N/2024-00001"
    assert second.index_number == "11510100MB1C36517N/2024-00002"
    other = make_policy(issuing_body=issuing_body("成都市城市管理行政执法局", "11510100MB1C0000XX"),
                        date_written=datetime.date(2023, 1, 1), date_published=datetime.date(2023, 1, 2),
                        date_effective=None)
    assert other.index_number == "11510100MB1C0000XX/2023-00001"


def test_index_number_is_kept_on_later_revisions():
    page = make_policy()
    number = page.index_number
    page.title = "修改后的标题"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.index_number == number


@time_machine.travel(datetime.datetime(2024, 3, 20, 12, tzinfo=datetime.UTC))
def test_validity_is_not_yet_in_force_before_the_date_in_force():
    page = make_policy(date_effective=datetime.date(2024, 4, 1))
    assert page.effective_validity == Validity.NOT_YET


@time_machine.travel(datetime.datetime(2024, 4, 2, 12, tzinfo=datetime.UTC))
def test_validity_is_in_force_from_the_date_in_force():
    page = make_policy(date_effective=datetime.date(2024, 4, 1))
    assert page.effective_validity == Validity.IN_FORCE


def test_superseded_policy_points_to_the_current_version():
    new = make_policy(title="新办法")
    newer = make_policy(title="更新的办法")
    old = make_policy(title="旧办法", validity=Validity.REPEALED, superseded_by=new)
    new.superseded_by = newer
    new.validity = Validity.AMENDED
    new.save_revision().publish()
    old.refresh_from_db()
    assert old.current_version.pk == newer.pk
    assert newer.supersedes.get().pk == new.pk


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"date_written": datetime.date(2024, 5, 1), "date_effective": datetime.date(2024, 4, 1)}, "date_effective"),
        ({"date_written": datetime.date(2024, 5, 1), "date_published": datetime.date(2024, 4, 1)}, "date_published"),
        ({"category": Category.INTERPRETATION}, "interprets"),
        ({"validity": Validity.AMENDED}, "superseded_by"),
    ],
)
def test_inconsistent_metadata_is_refused(fields, field):
    page = make_policy(publish=False)
    for name, value in fields.items():
        setattr(page, name, value)
    with pytest.raises(ValidationError) as err:
        page.full_clean()
    assert field in err.value.message_dict


def test_document_number_must_be_unique():
    make_policy(document_number="成城管发〔2024〕12号")
    page = make_policy(publish=False, document_number="成城管发〔2024〕13号")
    page.document_number = "成城管发〔2024〕12号"
    with pytest.raises(ValidationError) as err:
        page.full_clean()
    assert "document_number" in err.value.message_dict


@pytest.mark.parametrize("slug", ["rss", "atom"])
def test_feed_slugs_are_reserved(slug):
    page = make_policy(publish=False)
    page.slug = slug
    with pytest.raises(ValidationError) as err:
        page.full_clean()
    assert "slug" in err.value.message_dict
