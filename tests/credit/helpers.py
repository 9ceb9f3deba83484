"""Shared builders for the credit tests: a scheme in force, events, rounds. Built through services."""

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError
from credit import services
from credit.models import Category, CreditScheme, Indicator, SchemeLevel, Severity, Source

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LEVELS = (("AAA", 90), ("AA", 80), ("A", 70), ("B", 60), ("C", 0))
# code, name, category, severity, points, min, max, evidence, min days, max days
INDICATORS = (
    ("J01", "依法取得资质并按期年报", Category.BASIC, "", 20, 0, 20, False, 365, 365),
    ("L01", "获得市级以上表彰", Category.GOOD, "", 5, 1, 10, True, 365, 1095),
    ("L02", "参与行业公益活动", Category.GOOD, "", 2, 1, 5, False, 180, 365),
    ("B01", "未按规定完成设施维修", Category.BAD, Severity.GENERAL, -5, -10, -1, True, 90, 365),
    ("B02", "发生一般安全生产事故", Category.BAD, Severity.SEVERE, -20, -30, -10, True, 365, 1095),
    ("B03", "违反行业自律公约", Category.BAD, Severity.MINOR, -2, -5, -1, False, 90, 180),
)


def pdf(name="证据.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make_scheme(actor, *, family="municipal", version="2026年版", base=60, good_cap=20, bad_cap=40, basic_cap=20,
                sectors=("municipal",), in_force=True, **fields) -> CreditScheme:
    scheme = CreditScheme.objects.create(
        name="成都市市政设施养护维修行业企业信用评价办法（试行）", family=family, version=version,
        issuing_authority="成都市城市管理委员会", legal_basis="《成都市社会信用条例》", sectors=list(sectors),
        effective_from=date(2025, 1, 1), base_score=Decimal(base), good_cap=good_cap, bad_cap=bad_cap,
        basic_cap=basic_cap, **fields)
    for name, minimum in LEVELS:
        SchemeLevel.objects.create(scheme=scheme, name=name, min_score=minimum)
    for i, (code, name, cat, sev, pts, lo, hi, ev, dmin, dmax) in enumerate(INDICATORS):
        Indicator.objects.create(scheme=scheme, code=code, name=name, category=cat, severity=sev, points=pts,
                                 points_min=lo, points_max=hi, evidence_required=ev, publish_min_days=dmin,
                                 publish_max_days=dmax, sort_order=i)
    if in_force:
        scheme = services.scheme_put_in_force(actor=actor, scheme=scheme)
    return scheme


def indicator(scheme, code) -> Indicator:
    return scheme.indicators.get(code=code)


def record(actor, firm, scheme, code, *, on, points=None, expires_on=None, effective_from=None, summary=None,
           source=Source.AUTHORITY, **fields):
    """The committee records an event for indicator `code` (with evidence when the indicator needs it)."""
    ind = indicator(scheme, code)
    evidence = {"evidence_doc_no": "成城管罚〔2026〕1号", "evidence_issuer": "成都市城市管理委员会",
                "evidence_upload": pdf()} if ind.evidence_required else {}
    evidence.update(fields)
    return services.event_record(actor=actor, firm=firm, indicator=ind, points=points, occurred_on=on,
                                 effective_from=effective_from, expires_on=expires_on,
                                 summary=summary or ind.name, source=source, **evidence)


SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def travel(moment: datetime):
    return time_machine.travel(moment, tick=False)


@contextmanager
def refused(fragment: str = ""):
    """Expect a DomainError whose (translated) message contains `fragment`."""
    with pytest.raises(DomainError) as caught:
        yield caught
    assert fragment in caught.value.message, caught.value.message
