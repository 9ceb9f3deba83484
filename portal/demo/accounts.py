"""The demo logins, one per role. Importable without a database (the Makefile, README and tests reuse it)."""

from dataclasses import dataclass

from core.roles import COMMITTEE_ADMIN, COMMITTEE_EDITOR

from .organisations import ASSOCIATIONS_BY_SECTOR, COMMITTEE_NAME

DEMO_PASSWORD = "demo12345"  # noqa: S105 — public demo password, reset by every seed_demo run

# associations.models.AssociationStaff.Role values (literal so this module needs no app registry).
STAFF_ADMIN, STAFF_STAFF = "admin", "staff"

LIGHTING = ASSOCIATIONS_BY_SECTOR["lighting"].name
SANITATION = ASSOCIATIONS_BY_SECTOR["sanitation"].name
DEMO_FIRM = ASSOCIATIONS_BY_SECTOR["lighting"].anchor_firms[0]  # 成都蓉光照明工程有限公司, the 会长单位


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str  # what the account is for, as shown in the seed_demo table
    organisation: str
    group: str = ""  # committee group name
    superuser: bool = False
    association: str = ""  # bound as AssociationStaff of this association …
    association_role: str = ""  # … with this role
    firm: str = ""  # bound as FirmUser of the firm with this name


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        email="committee@demo.local", full_name="王建国", role="委员会管理员（超级用户）",
        organisation=COMMITTEE_NAME, group=COMMITTEE_ADMIN, superuser=True,
    ),
    DemoAccount(
        email="editor@demo.local", full_name="李晓梅", role="委员会编辑",
        organisation=COMMITTEE_NAME, group=COMMITTEE_EDITOR,
    ),
    DemoAccount(
        email="lighting@demo.local", full_name="何晓光", role="协会管理员",
        organisation=LIGHTING, association=LIGHTING, association_role=STAFF_ADMIN,
    ),
    DemoAccount(
        email="sanitation@demo.local", full_name="刘淑芬", role="协会工作人员",
        organisation=SANITATION, association=SANITATION, association_role=STAFF_STAFF,
    ),
    DemoAccount(
        email="firm@demo.local", full_name="陈志强", role="企业用户",
        organisation=DEMO_FIRM, firm=DEMO_FIRM,
    ),
    DemoAccount(
        email="expert@demo.local", full_name="周文博", role="专家（在库）",
        organisation="—",
    ),
)

DEMO_ACCOUNTS_BY_EMAIL = {account.email: account for account in DEMO_ACCOUNTS}
