"""The Wagtail back office for associations, firms, memberships, member import and the audit log."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from associations.models import AssociationStaff, Firm, Membership, Sector
from core.audit import audit_log
from core.models import AuditEntry
from core.uscc import check_character
from tests.factories import (
    AssociationFactory,
    FirmFactory,
    MembershipFactory,
    UserFactory,
    association_staff,
    committee_user,
    firm_user,
    make_uscc,
)

pytestmark = pytest.mark.django_db

LISTINGS = [
    "associations_admin:index",
    "firms_admin:index",
    "memberships_admin:index",
    "association_staff_admin:index",
    "firm_users_admin:index",
    "audit_log_admin:index",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def data(db):
    lighting = AssociationFactory(name="成都市照明电器行业协会", short_name="照明协会", sector=Sector.LIGHTING)
    advertising = AssociationFactory(name="成都市广告协会", short_name="广告协会", sector=Sector.ADVERTISING)
    light_firm = FirmFactory(name="成都光明照明工程有限公司", uscc="91110000600037341L", sector=Sector.LIGHTING)
    ad_firm = FirmFactory(name="四川天府广告传媒有限公司", uscc="9144030071526726XG", sector=Sector.ADVERTISING,
                          status=Firm.Status.SUSPENDED)
    light_membership = MembershipFactory(firm=light_firm, association=lighting, level=Membership.Level.COUNCIL)
    MembershipFactory(firm=ad_firm, association=advertising)
    association_staff(lighting, full_name="协会管理员甲")
    firm_user(light_firm, full_name="企业用户乙")
    return {"lighting": lighting, "advertising": advertising, "light_firm": light_firm, "ad_firm": ad_firm,
            "light_membership": light_membership}


@pytest.fixture
def admin_client(client, db):
    client.force_login(committee_user())
    return client


def listing(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response
    return response.content.decode()


# --- Listings, filters, search -----------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTINGS)
def test_listings_open_for_a_committee_admin(name, admin_client, data):
    html = listing(admin_client, name)
    if name in ("firms_admin:index", "memberships_admin:index"):
        assert "成都光明照明工程有限公司" in html


def test_firm_filters_by_sector_status_and_association(admin_client, data):
    html = listing(admin_client, "firms_admin:index", sector=Sector.ADVERTISING)
    assert "四川天府广告传媒有限公司" in html and "成都光明照明工程有限公司" not in html

    html = listing(admin_client, "firms_admin:index", status=Firm.Status.ACTIVE)
    assert "成都光明照明工程有限公司" in html and "四川天府广告传媒有限公司" not in html

    html = listing(admin_client, "firms_admin:index", association=data["lighting"].pk)
    assert "成都光明照明工程有限公司" in html and "四川天府广告传媒有限公司" not in html


@pytest.mark.parametrize("query", ["光明", "91110000600037341", "cdgmzm", "chengduguangming"])
def test_firm_search_by_name_code_and_pinyin(query, admin_client, data):
    html = listing(admin_client, "firms_admin:index", q=query)
    assert "成都光明照明工程有限公司" in html
    assert "四川天府广告传媒有限公司" not in html


def test_membership_filters_by_association_level_and_current(admin_client, data):
    html = listing(admin_client, "memberships_admin:index", association=data["advertising"].pk)
    assert "四川天府广告传媒有限公司" in html and "成都光明照明工程有限公司" not in html

    html = listing(admin_client, "memberships_admin:index", level=Membership.Level.COUNCIL)
    assert "成都光明照明工程有限公司" in html and "四川天府广告传媒有限公司" not in html

    membership = data["light_membership"]
    membership.ended_on = membership.since
    membership.save()
    html = listing(admin_client, "memberships_admin:index", current="true")
    assert "成都光明照明工程有限公司" not in html and "四川天府广告传媒有限公司" in html


def test_membership_search_by_firm_initials(admin_client, data):
    html = listing(admin_client, "memberships_admin:index", q="sctf")
    assert "四川天府广告传媒有限公司" in html and "成都光明照明工程有限公司" not in html


def test_association_filter_and_search(admin_client, data):
    html = listing(admin_client, "associations_admin:index", sector=Sector.ADVERTISING)
    assert "成都市广告协会" in html and "成都市照明电器行业协会" not in html
    html = listing(admin_client, "associations_admin:index", q="照明协会")
    assert "成都市照明电器行业协会" in html and "成都市广告协会" not in html


def test_binding_listings_show_the_bindings(admin_client, data):
    html = listing(admin_client, "association_staff_admin:index", role=AssociationStaff.Role.ADMIN)
    assert "协会管理员甲" in html
    html = listing(admin_client, "association_staff_admin:index", role=AssociationStaff.Role.STAFF)
    assert "协会管理员甲" not in html
    assert "企业用户乙" in listing(admin_client, "firm_users_admin:index", q="光明")
    assert "企业用户乙" not in listing(admin_client, "firm_users_admin:index", q="天府")


def test_binding_listings_are_read_only(admin_client, data):
    for name in ("association_staff_admin", "firm_users_admin"):
        for view in ("add", "edit", "delete"):
            with pytest.raises(NoReverseMatch):
                reverse(f"{name}:{view}", args=[] if view == "add" else [1])


@pytest.mark.parametrize("name", ["memberships_admin:index", "firms_admin:index", "association_staff_admin:index"])
def test_listing_query_count_does_not_grow_with_rows(name, admin_client, data):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            listing(admin_client, name)
        return len(ctx.captured_queries)

    count()  # warm up the per-process caches (content types, site, …)
    before = count()
    for _ in range(8):
        membership = MembershipFactory(association=data["lighting"])
        association_staff(data["lighting"])
        firm_user(membership.firm)
    assert count() == before


# --- Editing writes the audit log; nothing is deleted ---------------------------------------------------


def test_firm_created_in_the_admin_is_validated_and_audited(admin_client, data):
    body = "91510100123456789"
    form = {"name": "新建公司", "legal_representative": "", "address": "", "sector": Sector.LIGHTING,
            "status": Firm.Status.ACTIVE}

    wrong = body + ("0" if check_character(body) != "0" else "1")
    response = admin_client.post(reverse("firms_admin:add"), {**form, "uscc": wrong})
    assert response.status_code == 200
    assert f"“{check_character(body)}”" in response.content.decode()
    assert not Firm.objects.filter(name="新建公司").exists()

    response = admin_client.post(reverse("firms_admin:add"), {**form, "uscc": body + check_character(body)})
    assert response.status_code == 302
    firm = Firm.objects.get(name="新建公司")
    assert firm.name_initials == "xjgs"
    assert AuditEntry.objects.for_object(firm).get().action == "associations.firm.created"


def test_membership_edit_is_audited_and_there_is_no_delete(admin_client, data):
    membership = data["light_membership"]
    response = admin_client.post(
        reverse("memberships_admin:edit", args=[membership.pk]),
        {"level": Membership.Level.MEMBER, "since": membership.since.isoformat(), "ended_on": "2025-06-30"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert str(membership.ended_on) == "2025-06-30"
    entry = AuditEntry.objects.for_object(membership).get()
    assert entry.action == "associations.membership.updated"
    assert set(entry.data["changed"]) == {"level", "ended_on"}
    for name in ("memberships_admin", "firms_admin", "associations_admin"):
        with pytest.raises(NoReverseMatch):
            reverse(f"{name}:delete", args=[1])
    assert admin_client.get(f"/admin/memberships/delete/{membership.pk}/").status_code == 404


# --- Member import ----------------------------------------------------------------------------------------


def import_file(rows) -> SimpleUploadedFile:
    text = "\n".join(",".join(row) for row in rows) + "\n"
    return SimpleUploadedFile("members.csv", text.encode("utf-8-sig"))


def test_import_view_imports_and_shows_the_report(admin_client, data):
    code = make_uscc()
    rows = [["企业名称", "统一社会信用代码", "所属协会", "会员类型"], ["导入公司", code, "广告协会", "副会长单位"],
            ["坏公司", code[:17] + "Z", "广告协会", ""]]
    assert admin_client.get(reverse("associations_import")).status_code == 200

    response = admin_client.post(reverse("associations_import"), {"file": import_file(rows)})

    assert response.status_code == 200
    html = response.content.decode()
    assert "新增企业 1 家" in html
    assert '<th scope="row" class="num">3</th>' in html
    assert Membership.objects.get(firm__uscc=code).level == Membership.Level.VICE_PRESIDENT
    assert AuditEntry.objects.filter(action="associations.import.completed").count() == 1


def test_import_view_dry_run_imports_nothing(admin_client, data):
    rows = [["企业名称", "统一社会信用代码", "所属协会"], ["导入公司", make_uscc(), "广告协会"]]
    response = admin_client.post(reverse("associations_import"), {"file": import_file(rows), "dry_run": "on"})
    assert response.status_code == 200
    assert "未保存任何数据" in response.content.decode()
    assert not Firm.objects.filter(name="导入公司").exists()


def test_import_view_shows_a_refused_file_as_a_form_error(admin_client, data):
    response = admin_client.post(
        reverse("associations_import"), {"file": SimpleUploadedFile("members.xlsx", b"just text")}
    )
    assert response.status_code == 400
    assert "实际并非 Excel 工作簿" in response.content.decode()


def test_import_menu_item_is_shown_to_committee_admins_only(client, data):
    client.force_login(committee_user())
    assert "import-member-firms" in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(committee_user(admin=False))
    assert "import-member-firms" not in client.get(reverse("wagtailadmin_home")).content.decode()


# --- Audit log: read-only ---------------------------------------------------------------------------------


def test_audit_log_lists_and_filters_entries(admin_client, data):
    audit_log(actor="test", action="associations.firm.updated", obj=data["light_firm"])
    audit_log(actor="test", action="credit.event.created", obj=data["ad_firm"])
    html = listing(admin_client, "audit_log_admin:index", action="associations.")
    assert "associations.firm.updated" in html and "credit.event.created" not in html
    html = listing(admin_client, "audit_log_admin:index", q="天府")
    assert "credit.event.created" in html and "associations.firm.updated" not in html
    html = listing(admin_client, "audit_log_admin:index", object_type="associations.firm")
    assert "associations.firm.updated" in html


@pytest.mark.parametrize("superuser", [False, True], ids=["committee-admin", "superuser"])
def test_audit_log_cannot_be_added_edited_or_deleted(superuser, client, data):
    user = UserFactory(is_superuser=True, is_staff=True) if superuser else committee_user()
    client.force_login(user)
    entry = audit_log(actor="test", action="associations.firm.updated", obj=data["light_firm"])

    for view in ("add", "edit", "delete", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"audit_log_admin:{view}", args=[] if view == "add" else [entry.pk])
    for path in ("new/", f"edit/{entry.pk}/", f"delete/{entry.pk}/"):
        assert client.post(f"/admin/audit-log/{path}").status_code == 404

    index = listing(client, "audit_log_admin:index")
    assert "/admin/audit-log/new/" not in index
    inspect = client.get(reverse("audit_log_admin:inspect", args=[entry.pk]))
    assert inspect.status_code == 200
    assert f"/admin/audit-log/edit/{entry.pk}/" not in inspect.content.decode()
    assert f"/admin/audit-log/delete/{entry.pk}/" not in inspect.content.decode()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# --- Who may not -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["plain", "association_admin", "firm_user"])
def test_non_committee_users_are_refused(who, client, data):
    user = {
        "plain": UserFactory,
        "association_admin": lambda: association_staff(data["lighting"]),
        "firm_user": lambda: firm_user(data["light_firm"]),
    }[who]()
    client.force_login(user)
    for name in [*LISTINGS, "associations_import"]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert "成都光明照明工程有限公司" not in response.content.decode()
    response = client.post(reverse("associations_import"), {"file": import_file([["企业名称"], ["x"]])})
    assert response.status_code == 302


def test_committee_editor_may_read_firms_but_not_import_or_read_the_audit_log(client, data):
    client.force_login(committee_user(admin=False))
    assert "成都光明照明工程有限公司" in listing(client, "firms_admin:index")
    for name in ("associations_import", "audit_log_admin:index"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")
    rows = [["企业名称", "统一社会信用代码", "所属协会"], ["导入公司", make_uscc(), "广告协会"]]
    client.post(reverse("associations_import"), {"file": import_file(rows)})
    assert not Firm.objects.filter(name="导入公司").exists()
