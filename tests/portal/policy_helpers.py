"""Build published policy pages for tests (through Wagtail's own page API)."""

import datetime
import itertools

from portal.policies.models import Category, IssuingBody, PolicyIndexPage, PolicyPage, Validity

_seq = itertools.count(1)


def issuing_body(name: str = "成都市城市管理委员会", org_code: str = "11510100MB1C36517N") -> IssuingBody:
    body, _created = IssuingBody.objects.get_or_create(name=name, defaults={"org_code": org_code, "short_name": name})
    return body


def policy_index() -> PolicyIndexPage:
    return PolicyIndexPage.objects.get()


def make_policy(*, publish: bool = True, **fields) -> PolicyPage:
    """A PolicyPage under the library; `fields` override the defaults. Published unless publish=False."""
    n = next(_seq)
    defaults = {
        "title": f"关于加强城市照明设施管理的通知（{n}）",
        "document_number": f"成城管发〔2024〕{n}号",
        "issuing_body": issuing_body(),
        "category": Category.NORMATIVE,
        "date_written": datetime.date(2024, 3, 1),
        "date_published": datetime.date(2024, 3, 5),
        "date_effective": datetime.date(2024, 4, 1),
        "validity": Validity.IN_FORCE,
        "summary": "为加强城市照明设施管理，制定本通知。",
    }
    defaults["live"] = publish
    defaults.update(fields)
    tags = defaults.pop("tags", [])
    page = PolicyPage(**defaults)
    policy_index().add_child(instance=page)
    if tags:
        page.tags.add(*tags)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page
