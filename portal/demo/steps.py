"""The idempotent steps of `manage.py seed_demo`, run in order inside one transaction.

Each step creates only what is missing (looked up by natural key: association name, firm code, the current
membership of a firm in an association, the account's email) and returns a one-line summary. A step that
creates rows in bulk writes one audit entry (actor ``seed_demo``) for the batch, and none when it creates
nothing, so a second run leaves the audit log as it was. Later features append their own step to ``STEPS``.
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from associations.models import Association, AssociationStaff, Firm, FirmUser, Membership, name_pinyin
from associations.roles_setup import ensure_committee_groups
from associations.services import firm_user_bind, staff_bind
from core.audit import audit_log

from .accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from .awards import seed_awards
from .consultations import seed_consultations
from .credit import seed_credit
from .events import seed_events
from .experts import seed_experts
from .organisations import ASSOCIATIONS, demo_data
from .policies import ATTACHMENTS, ISSUING_BODIES, POLICIES, POLICIES_FILE

ACTOR = "seed_demo"


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[], str]


def seed_committee() -> str:
    """成都市城市管理委员会 runs the portal; for now it is its two groups (and their permissions)."""
    groups = ensure_committee_groups()
    return "委员会角色组：" + "、".join(groups)


def seed_associations() -> str:
    existing = set(Association.objects.filter(name__in=[s.name for s in ASSOCIATIONS]).values_list("name", flat=True))
    new = [
        Association(
            name=spec.name,
            short_name=spec.short_name,
            uscc=spec.uscc,
            sector=spec.sector,
            contact_person=spec.contact_person,
            contact_phone=spec.contact_phone,
            contact_email=spec.contact_email,
            address=spec.address,
            intro=spec.intro,
        )
        for spec in ASSOCIATIONS
        if spec.name not in existing
    ]
    Association.objects.bulk_create(new)
    if new:
        audit_log(actor=ACTOR, action="portal.seed_demo.associations", data={"created": [a.name for a in new]})
    return f"行业协会：新建 {len(new)} 个，共 {len(ASSOCIATIONS)} 个"


def seed_firms() -> str:
    firms = demo_data().firms
    existing = set(Firm.objects.filter(uscc__in=[f.uscc for f in firms]).values_list("uscc", flat=True))
    new = []
    for firm in firms:
        if firm.uscc in existing:
            continue
        pinyin, initials = name_pinyin(firm.name)  # Firm.save() is bypassed by bulk_create
        new.append(
            Firm(
                name=firm.name,
                uscc=firm.uscc,
                name_pinyin=pinyin,
                name_initials=initials,
                legal_representative=firm.legal_representative,
                address=firm.address,
                sector=firm.sector,
            )
        )
    Firm.objects.bulk_create(new, batch_size=500)
    if new:
        audit_log(actor=ACTOR, action="portal.seed_demo.firms", data={"created": len(new)})
    return f"会员企业：新建 {len(new)} 家，共 {len(firms)} 家"


def seed_memberships() -> str:
    memberships = demo_data().memberships
    association_ids = dict(
        Association.objects.filter(name__in=[s.name for s in ASSOCIATIONS]).values_list("name", "id")
    )
    firm_ids = dict(Firm.objects.filter(uscc__in={m.firm_uscc for m in memberships}).values_list("uscc", "id"))
    current = set(
        Membership.objects.current()
        .filter(association_id__in=association_ids.values())
        .values_list("association_id", "firm_id")
    )
    new = []
    for m in memberships:
        key = (association_ids[m.association], firm_ids[m.firm_uscc])
        if key not in current:
            current.add(key)
            new.append(Membership(association_id=key[0], firm_id=key[1], level=m.level, since=m.since))
    Membership.objects.bulk_create(new, batch_size=500)
    if new:
        audit_log(actor=ACTOR, action="portal.seed_demo.memberships", data={"created": len(new)})
    return f"会员关系：新建 {len(new)} 条，共 {len(memberships)} 条"


def _account_user(account, User):
    """The user behind a demo email: the owner of the EmailAddress, else the user with that email."""
    address = EmailAddress.objects.filter(email__iexact=account.email).select_related("user").first()
    if address is not None:
        return address.user
    return User.objects.filter(email__iexact=account.email).order_by("id").first()


def seed_accounts() -> str:
    """Create the demo logins, or put them back: password demo12345, active, verified primary email, roles."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once per run: PBKDF2 is deliberately slow
    created = []
    for account in DEMO_ACCOUNTS:
        user = _account_user(account, User)
        if user is None:
            user = User(username=account.email, email=account.email, full_name=account.full_name)
            created.append(account.email)
        user.password = password
        user.is_active = True
        if account.superuser:
            user.is_superuser = user.is_staff = True
        if not user.full_name:
            user.full_name = account.full_name
        user.save()

        EmailAddress.objects.filter(user=user, primary=True).exclude(email__iexact=account.email).update(
            primary=False
        )
        address = EmailAddress.objects.filter(user=user, email__iexact=account.email).first()
        if address is None:
            EmailAddress.objects.create(user=user, email=account.email, verified=True, primary=True)
        elif not (address.verified and address.primary):
            address.verified = address.primary = True
            address.save(update_fields=["verified", "primary"])

        if account.group:
            user.groups.add(Group.objects.get(name=account.group))
        if account.association:
            association = Association.objects.get(name=account.association)
            bound = AssociationStaff.objects.filter(
                user=user, association=association, role=account.association_role
            ).exists()
            if not bound:
                staff_bind(actor=ACTOR, user=user, association=association, role=account.association_role)
        if account.firm:
            firm = Firm.objects.get(uscc=demo_data().firm_named(account.firm).uscc)
            if not FirmUser.objects.filter(user=user, firm=firm).exists():
                firm_user_bind(actor=ACTOR, user=user, firm=firm)
    if created:
        audit_log(actor=ACTOR, action="portal.seed_demo.accounts", data={"created": created})
    return f"演示账号：新建 {len(created)} 个，共 {len(DEMO_ACCOUNTS)} 个（密码已重置为 {DEMO_PASSWORD}）"


def seed_issuing_bodies() -> str:
    """发文机关 of the demo policies; an existing body (same name) is left as the committee keeps it."""
    from portal.policies.models import IssuingBody

    existing = set(IssuingBody.objects.filter(name__in=[b.name for b in ISSUING_BODIES]).values_list("name", flat=True))
    new = [
        IssuingBody(name=b.name, short_name=b.short_name, org_code=b.org_code, sort_order=b.sort_order)
        for b in ISSUING_BODIES
        if b.name not in existing
    ]
    IssuingBody.objects.bulk_create(new)
    if new:
        audit_log(actor=ACTOR, action="portal.seed_demo.issuing_bodies", data={"created": [b.name for b in new]})
    return f"发文机关：新建 {len(new)} 个，共 {len(ISSUING_BODIES)} 个"


def seed_policies() -> str:
    """The demo policies: the lines of data/policies.jsonl, imported through the real import
    (portal.policies.imports) with the attachments generated into a temporary base folder.

    A policy is found by its 文号 (or, without one, its title); one whose data are unchanged is left alone, so a
    second run writes nothing. Any rejected line is a bug in the demo data and stops the seed.
    """
    from portal.policies.imports import import_policy_records, read_jsonl
    from portal.setup import ensure_policy_library

    ensure_policy_library()
    _name, lines = read_jsonl(POLICIES_FILE)
    with tempfile.TemporaryDirectory(prefix="seed-demo-attachments-") as folder:
        for name, build in ATTACHMENTS.items():
            (Path(folder) / name).write_bytes(build())
        report = import_policy_records(actor=ACTOR, records=lines, base_dir=folder, file_name="seed_demo")
    if report.rejected:
        problems = "; ".join(f"#{number}: {reason}" for number, reason in report.rejected)
        raise RuntimeError(f"Demo policies rejected by the import: {problems}")
    return (
        f"政策文件：新建 {report.created} 篇，更新 {report.updated} 篇，共 {len(POLICIES)} 篇"
        f"（附件 {len(ATTACHMENTS)} 个）"
    )


STEPS: tuple[Step, ...] = (
    Step("committee", seed_committee),
    Step("associations", seed_associations),
    Step("firms", seed_firms),
    Step("memberships", seed_memberships),
    Step("accounts", seed_accounts),
    Step("issuing_bodies", seed_issuing_bodies),
    Step("policies", seed_policies),
    Step("consultations", seed_consultations),
    Step("credit", seed_credit),
    Step("experts", seed_experts),
    Step("events", seed_events),
    Step("awards", seed_awards),
)
