"""Consultations built through the real services, for every consultation test."""

from datetime import timedelta

from django.utils import timezone

from consultations import services
from consultations.models import Article, Audience, Kind
from tests.factories import AssociationFactory, committee_user

DRAFT_TEXT = """成都市餐厨垃圾管理办法（征求意见稿）
第一章 总则
第一条 为了加强餐厨垃圾管理，保障食品安全，改善市容环境，根据有关法律法规，结合本市实际，制定本办法。
第二条 本市行政区域内餐厨垃圾的产生、收集、运输、处置及其监督管理活动，适用本办法。
第三条 市城市管理行政主管部门负责本市餐厨垃圾的监督管理工作。
第二章 收集运输
第四条 餐厨垃圾产生单位应当将餐厨垃圾交由取得许可的收运单位收集运输。
第五条 收运单位应当按照规定的时间、路线收运餐厨垃圾，并使用密闭化运输车辆。
收运车辆应当安装在线监控设备。
第六条 禁止将餐厨垃圾直接排入公共水域、厕所或者市政管道。
第三章 附则
第七条 本办法自2027年1月1日起施行。
"""


def make_consultation(*, admin=None, invited=(), publish=True, kind=Kind.STANDARD, audience=Audience.INVITED,
                      starts_at=None, ends_at=None, text=DRAFT_TEXT, **fields):
    """A consultation with one version of DRAFT_TEXT, open from an hour ago for 30 days, published by default.

    ``invited`` defaults to one new association. Returns the consultation.
    """
    admin = admin or committee_user()
    now = timezone.now()
    starts_at = starts_at or now - timedelta(hours=1)
    ends_at = ends_at or starts_at + timedelta(days=30)
    if not invited and audience == Audience.INVITED:
        invited = [AssociationFactory()]
    consultation = services.consultation_create(
        actor=admin, invited=list(invited), title=fields.pop("title", "成都市餐厨垃圾管理办法（征求意见稿）"),
        kind=kind, department=fields.pop("department", "市城管委环卫处"), starts_at=starts_at, ends_at=ends_at,
        audience=audience, **fields)
    services.version_create(actor=admin, consultation=consultation, text=text)
    if publish:
        services.consultation_publish(actor=admin, consultation=consultation)
    consultation.refresh_from_db()
    return consultation


def article(consultation, label: str) -> Article:
    """The article with ``label`` (e.g. 第五条) in the latest version."""
    version = consultation.versions.order_by("-number").first()
    return version.articles.get(label=label)
