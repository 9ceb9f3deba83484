"""Member import from CSV/XLSX: the service, the management command and the member-page upload."""

import io
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from associations import services
from associations.imports import ImportRefused, import_firms_file
from associations.models import Firm, Membership, Sector
from core.errors import DomainError
from core.models import AuditEntry
from core.uscc import check_character
from tests.factories import (
    AssociationFactory,
    FirmFactory,
    MembershipFactory,
    UserFactory,
    association_staff,
    committee_user,
    make_uscc,
)

HEADER = ["企业名称", "统一社会信用代码", "所属协会", "会员类型", "地址", "法定代表人"]
REAL_CODE_A = "91110000600037341L"
REAL_CODE_B = "9144030071526726XG"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Messages are compared with their English msgids, whatever translations locale/ holds.
    with translation.override("en"):
        yield


@pytest.fixture
def lighting(db):
    return AssociationFactory(name="成都市照明电器行业协会", short_name="照明协会", sector=Sector.LIGHTING)


@pytest.fixture
def advertising(db):
    return AssociationFactory(name="成都市广告协会", short_name="广告协会", sector=Sector.ADVERTISING)


@pytest.fixture
def admin_user(db):
    return committee_user()


def csv_bytes(rows, *, encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(",".join(str(c) for c in row) for row in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows, *, start_row=1) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for offset, row in enumerate(rows):
        for col, value in enumerate(row, start=1):
            if value != "":
                sheet.cell(row=start_row + offset, column=col, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name, content) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def wrong_check(code: str) -> str:
    """The same code with a wrong 18th character."""
    wrong = "0" if code[17] != "0" else "1"
    return code[:17] + wrong


def mixed_rows(good_a, good_b):
    """Two good rows, then one row for each kind of mistake (file rows 2–8)."""
    bad_code = wrong_check(make_uscc())
    return [
        HEADER,
        # 2: good, full association name
        ["成都光明照明工程有限公司", good_a, "成都市照明电器行业协会", "理事单位", "成都市武侯区一环路1号", "李四"],
        ["四川亮化科技有限公司", good_b, "照明协会", "", "", ""],  # 3 short name, default level
        ["", make_uscc(), "照明协会", "会员单位", "", ""],  # 4 empty name
        ["错码公司", bad_code, "照明协会", "", "", ""],  # 5 bad check character
        ["重复公司", good_a, "照明协会", "", "", ""],  # 6 duplicates row 2
        ["未知协会公司", make_uscc(), "不存在的协会", "", "", ""],  # 7 unknown association
        ["类型错误公司", make_uscc(), "照明协会", "名誉会长单位", "", ""],  # 8 unknown membership type
    ], bad_code


def reasons(report) -> dict[int, str]:
    return dict(report.rejected)


# --- Good and bad rows ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_good_rows_are_imported_and_each_bad_row_is_reported_with_its_row_number(kind, lighting, admin_user):
    rows, bad_code = mixed_rows(REAL_CODE_A, REAL_CODE_B)
    content = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)

    report = import_firms_file(actor=admin_user, uploaded=upload(f"members.{kind}", content))

    assert report.rows_total == 7
    assert (report.created, report.updated, report.memberships_created) == (2, 0, 2)
    assert [number for number, _reason in report.rejected] == [4, 5, 6, 7, 8]
    why = reasons(report)
    assert why[4] == "The firm name is empty."
    expected = check_character(bad_code[:17])
    assert f"expected “{expected}” as the 18th character, found “{bad_code[17]}”" in why[5]
    assert f"{REAL_CODE_A} already appears in row 2" in why[6]
    assert "Unknown association “不存在的协会”" in why[7]
    assert "Unknown membership type “名誉会长单位”" in why[8]

    firm = Firm.objects.get(uscc=REAL_CODE_A)
    assert firm.name == "成都光明照明工程有限公司"
    assert firm.legal_representative == "李四"
    assert firm.address == "成都市武侯区一环路1号"
    assert firm.sector == Sector.LIGHTING
    assert Membership.objects.get(firm=firm).level == Membership.Level.COUNCIL
    assert Membership.objects.get(firm__uscc=REAL_CODE_B, association=lighting).level == Membership.Level.MEMBER
    assert not Firm.objects.filter(name__in=["错码公司", "重复公司", "未知协会公司", "类型错误公司"]).exists()


def test_a_row_with_several_mistakes_lists_all_of_them(lighting, admin_user):
    rows = [HEADER, ["", "123", "不存在", "什么", "", ""]]
    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))
    reason = reasons(report)[2]
    assert "The firm name is empty." in reason
    assert "18 characters" in reason
    assert "Unknown association" in reason
    assert "Unknown membership type" in reason


def test_empty_association_is_rejected_for_a_committee_import(lighting, admin_user):
    rows = [HEADER, ["无协会公司", make_uscc(), "", "", "", ""]]
    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))
    assert "No association given" in reasons(report)[2]


def test_too_long_values_are_rejected_not_truncated(lighting, admin_user):
    rows = [HEADER, ["长" * 201, make_uscc(), "照明协会", "", "", "法" * 51]]
    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))
    reason = reasons(report)[2]
    assert "“企业名称” is too long: at most 200" in reason
    assert "“法定代表人” is too long: at most 50" in reason


def test_ambiguous_short_name_must_be_given_in_full(admin_user):
    AssociationFactory(name="甲市照明协会", short_name="照明协会")
    AssociationFactory(name="乙市照明协会", short_name="照明协会")
    rows = [
        HEADER,
        ["某公司", make_uscc(), "照明协会", "", "", ""],
        ["另一公司", make_uscc(), "乙市照明协会", "", "", ""],
    ]
    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))
    assert "more than one association" in reasons(report)[2]
    assert report.memberships_created == 1


def test_levels_accept_the_short_form_and_spaces(lighting, admin_user):
    rows = [
        HEADER,
        ["会长公司", make_uscc(), "照明协会", "会长", "", ""],
        ["副会长公司", make_uscc(), "照明协会", " 副会长 单位", "", ""],
    ]
    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))
    assert report.rejected == []
    assert Membership.objects.get(firm__name="会长公司").level == Membership.Level.PRESIDENT
    assert Membership.objects.get(firm__name="副会长公司").level == Membership.Level.VICE_PRESIDENT


def test_codes_are_normalised_before_checking_duplicates(lighting, admin_user):
    rows = [
        HEADER,
        ["甲", REAL_CODE_A, "照明协会", "", "", ""],
        ["乙", REAL_CODE_A.lower() + " ", "照明协会", "", "", ""],
    ]
    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))
    assert "already appears in row 2" in reasons(report)[3]


# --- Encodings and layouts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gb18030", False)], ids=["utf8", "utf8-bom", "gb18030"]
)
def test_csv_encodings_are_read(encoding, bom, lighting, admin_user):
    rows = [HEADER, ["成都光明照明工程有限公司", REAL_CODE_A, "照明协会", "副会长单位", "", "王五"]]
    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows, encoding=encoding, bom=bom)))
    assert report.rejected == []
    assert Firm.objects.get(uscc=REAL_CODE_A).legal_representative == "王五"


def test_csv_quoted_fields_and_semicolons(lighting, admin_user):
    content = (
        "企业名称;统一社会信用代码;所属协会;地址\n"
        f'"成都光明; 照明有限公司";{REAL_CODE_A};照明协会;"成都市\n武侯区"\n'
        f"坏行;{wrong_check(REAL_CODE_B)};照明协会;\n"
    ).encode()
    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", content))
    assert Firm.objects.get(uscc=REAL_CODE_A).name == "成都光明; 照明有限公司"
    # A quoted field spanning two lines is still one spreadsheet row: the bad row is row 3.
    assert [n for n, _r in report.rejected] == [3]


def test_xlsx_row_numbers_count_blank_rows_and_a_title_above_the_header(lighting, admin_user):
    rows = [
        ["照明协会会员名单（2025年）"],  # row 3: a title line
        HEADER,  # row 4
        ["成都光明照明工程有限公司", REAL_CODE_A, "照明协会", "", "", ""],  # row 5
        ["", "", "", "", "", ""],  # row 6: blank, skipped
        ["坏公司", wrong_check(REAL_CODE_B), "照明协会", "", "", ""],  # row 7
    ]
    report = import_firms_file(actor=admin_user, uploaded=upload("m.xlsx", xlsx_bytes(rows, start_row=3)))
    assert report.rows_total == 2
    assert [n for n, _r in report.rejected] == [7]


def test_xlsx_numeric_cells_and_extra_columns(lighting, admin_user):
    rows = [["序号", *HEADER], [1, "成都光明照明工程有限公司", REAL_CODE_A, "照明协会", "", "", ""]]
    report = import_firms_file(actor=admin_user, uploaded=upload("m.xlsx", xlsx_bytes(rows)))
    assert report.rejected == []
    assert Firm.objects.filter(uscc=REAL_CODE_A).exists()


def test_a_filesystem_path_is_accepted(tmp_path, lighting, admin_user):
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, ["成都光明照明工程有限公司", REAL_CODE_A, "照明协会", "", "", ""]]))
    assert import_firms_file(actor=admin_user, uploaded=path).created == 1
    assert import_firms_file(actor=admin_user, uploaded=str(path)).updated == 1


# --- Whole-file refusals -------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def docx_like_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", PNG, "Only CSV and XLSX files can be imported."),
        ("members.csv", PNG, "is not a CSV or XLSX file"),
        ("members.xlsx", "企业名称,统一社会信用代码\n甲,1\n".encode(), "named like an Excel workbook but is not"),
        ("members.xlsx", docx_like_zip(), "not an Excel workbook"),
        ("members.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel 97-2003 workbook"),
        ("members.csv", b"", "The file is empty."),
        ("members.csv", b"\r\n ,,\r\n", "The file is empty."),
        ("members.csv", "企业名称,统一社会信用代码,所属协会\n".encode(), "no member rows"),
    ],
    ids=["png", "png-named-csv", "text-named-xlsx", "docx-named-xlsx", "xls", "empty", "blank", "header-only"],
)
def test_files_of_the_wrong_kind_are_refused(name, content, message, lighting, admin_user):
    with pytest.raises(ImportRefused) as excinfo:
        import_firms_file(actor=admin_user, uploaded=upload(name, content))
    assert message in str(excinfo.value)
    assert not Firm.objects.exists()
    assert not AuditEntry.objects.filter(action="associations.import.completed").exists()


def test_damaged_xlsx_is_refused(lighting, admin_user):
    good = xlsx_bytes([HEADER])
    with pytest.raises(ImportRefused, match="could not be read"):
        import_firms_file(actor=admin_user, uploaded=upload("m.xlsx", good[: len(good) // 2]))


def test_oversized_file_is_refused(settings, lighting, admin_user):
    settings.PORTAL_IMPORT_MAX_BYTES = 200
    rows = [HEADER] + [[f"公司{i}", make_uscc(), "照明协会", "", "", ""] for i in range(10)]
    with pytest.raises(ImportRefused, match="too large"):
        import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))
    assert not Firm.objects.exists()


def test_missing_required_columns_are_named(lighting, admin_user):
    rows = [["企业名称", "地址"], ["甲公司", "成都"]]
    with pytest.raises(ImportRefused) as excinfo:
        import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))
    assert "统一社会信用代码" in str(excinfo.value)
    assert "所属协会" in str(excinfo.value)
    assert "企业名称" not in str(excinfo.value).split(":", 1)[1]


def test_a_duplicated_column_is_refused(lighting, admin_user):
    rows = [[*HEADER, "企业名称"], ["甲", REAL_CODE_A, "照明协会", "", "", "", "乙"]]
    with pytest.raises(ImportRefused, match="appears more than once"):
        import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))


def test_refusal_is_a_domain_error_with_the_message(lighting, admin_user):
    with pytest.raises(DomainError):
        import_firms_file(actor=admin_user, uploaded=upload("m.csv", b""))


# --- Dry run, re-import, savepoints, audit -----------------------------------------------------------


def test_dry_run_changes_nothing_and_reports_what_a_real_run_would(lighting, admin_user):
    existing = FirmFactory(uscc=REAL_CODE_B, name="旧名称")
    rows, _bad = mixed_rows(REAL_CODE_A, REAL_CODE_B)
    content = csv_bytes(rows)
    counts_before = (Firm.objects.count(), Membership.objects.count(), AuditEntry.objects.count())

    dry = import_firms_file(actor=admin_user, uploaded=upload("m.csv", content), dry_run=True)

    assert (Firm.objects.count(), Membership.objects.count(), AuditEntry.objects.count()) == counts_before
    existing.refresh_from_db()
    assert existing.name == "旧名称"
    assert dry.dry_run is True
    assert "nothing was saved" in dry.summary()

    real = import_firms_file(actor=admin_user, uploaded=upload("m.csv", content))
    assert (dry.rows_total, dry.created, dry.updated, dry.memberships_created, dry.rejected) == (
        real.rows_total, real.created, real.updated, real.memberships_created, real.rejected
    )
    assert (real.created, real.updated) == (1, 1)
    assert real.dry_run is False


def test_reimport_updates_firms_by_code_without_duplicates(lighting, admin_user):
    first = [HEADER, ["成都光明照明工程有限公司", REAL_CODE_A, "照明协会", "会员单位", "旧地址", "张三"]]
    import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(first)))
    second = [HEADER, ["成都光明照明科技有限公司", REAL_CODE_A, "照明协会", "理事单位", "新地址", ""]]

    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(second)))

    assert (report.created, report.updated, report.memberships_created) == (0, 1, 0)
    firm = Firm.objects.get(uscc=REAL_CODE_A)
    assert (firm.name, firm.address, firm.legal_representative) == ("成都光明照明科技有限公司", "新地址", "张三")
    assert Membership.objects.filter(firm=firm).count() == 1
    assert Membership.objects.get(firm=firm).level == Membership.Level.COUNCIL


def test_existing_firm_keeps_its_sector_and_joins_another_association(lighting, advertising, admin_user):
    firm = FirmFactory(uscc=REAL_CODE_A, sector=Sector.LIGHTING)
    MembershipFactory(firm=firm, association=lighting)
    rows = [HEADER, [firm.name, REAL_CODE_A, "广告协会", "", "", ""]]
    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))
    assert (report.created, report.updated, report.memberships_created) == (0, 1, 1)
    firm.refresh_from_db()
    assert firm.sector == Sector.LIGHTING
    assert set(Membership.objects.current().filter(firm=firm).values_list("association__short_name", flat=True)) == {
        "照明协会", "广告协会"
    }


def test_a_row_failing_in_the_services_is_rolled_back_alone(monkeypatch, lighting, admin_user):
    real_membership_add = services.membership_add

    def flaky_membership_add(*, firm, **kwargs):
        if firm.name == "失败公司":
            raise DomainError("模拟失败")
        return real_membership_add(firm=firm, **kwargs)

    monkeypatch.setattr(services, "membership_add", flaky_membership_add)
    rows = [
        HEADER,
        ["失败公司", REAL_CODE_A, "照明协会", "", "", ""],
        ["成功公司", REAL_CODE_B, "照明协会", "", "", ""],
    ]

    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))

    assert report.rejected == [(2, "模拟失败")]
    assert (report.created, report.memberships_created) == (1, 1)
    # The firm of the failed row was created inside the row's savepoint and rolled back with it.
    assert not Firm.objects.filter(uscc=REAL_CODE_A).exists()
    assert Firm.objects.filter(uscc=REAL_CODE_B).exists()


def test_one_audit_entry_for_the_import_plus_the_services_entries(lighting, admin_user):
    rows, _bad = mixed_rows(REAL_CODE_A, REAL_CODE_B)
    import_firms_file(actor=admin_user, uploaded=upload("members.csv", csv_bytes(rows)))

    entry = AuditEntry.objects.get(action="associations.import.completed")
    assert entry.actor == admin_user
    assert entry.data["file"] == "members.csv"
    assert (entry.data["rows_total"], entry.data["created"], entry.data["updated"]) == (7, 2, 0)
    assert (entry.data["memberships_created"], entry.data["rejected"]) == (2, 5)
    assert AuditEntry.objects.filter(action="associations.firm.created").count() == 2
    assert AuditEntry.objects.filter(action="associations.membership.created").count() == 2


def test_summary_states_the_counts(lighting, admin_user):
    rows, _bad = mixed_rows(REAL_CODE_A, REAL_CODE_B)
    report = import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))
    assert report.summary() == (
        "Rows read: 7. Firms created: 2. Firms updated: 0. Memberships created: 2. Rows rejected: 5."
    )


# --- Importing for one association (association admin on /me/) ---------------------------------------


def test_association_import_defaults_empty_association_and_rejects_others(lighting, advertising):
    admin = association_staff(lighting)
    rows = [
        HEADER,
        ["本会公司", REAL_CODE_A, "", "", "", ""],
        ["本会简称公司", make_uscc(), "照明协会", "", "", ""],
        ["他会公司", REAL_CODE_B, "成都市广告协会", "", "", ""],
    ]
    report = import_firms_file(
        actor=admin, uploaded=upload("m.csv", csv_bytes(rows)), only_association=lighting
    )
    assert report.memberships_created == 2
    assert [n for n, _r in report.rejected] == [4]
    assert "is not your association" in reasons(report)[4]
    assert Membership.objects.filter(association=lighting).count() == 2
    assert not Firm.objects.filter(uscc=REAL_CODE_B).exists()
    assert AuditEntry.objects.get(action="associations.import.completed").object_id == str(lighting.pk)


def test_association_import_needs_no_association_column(lighting):
    admin = association_staff(lighting)
    rows = [["企业名称", "统一社会信用代码"], ["本会公司", REAL_CODE_A]]
    report = import_firms_file(actor=admin, uploaded=upload("m.csv", csv_bytes(rows)), only_association=lighting)
    assert report.memberships_created == 1


@pytest.mark.parametrize("who", ["staff", "other_admin", "plain"])
def test_users_who_may_not_manage_members_are_refused(who, lighting, advertising):
    from associations.models import AssociationStaff

    user = {
        "staff": lambda: association_staff(lighting, role=AssociationStaff.Role.STAFF),
        "other_admin": lambda: association_staff(advertising),
        "plain": UserFactory,
    }[who]()
    rows = [HEADER, ["本会公司", REAL_CODE_A, "", "", "", ""]]
    with pytest.raises(ImportRefused, match="may not import"):
        import_firms_file(actor=user, uploaded=upload("m.csv", csv_bytes(rows)), only_association=lighting)
    with pytest.raises(ImportRefused, match="may not import"):
        import_firms_file(actor=user, uploaded=upload("m.csv", csv_bytes(rows)))
    assert not Firm.objects.exists()


def test_member_page_upload_shows_the_report(client, lighting):
    admin = association_staff(lighting)
    client.force_login(admin)
    rows = [HEADER, ["本会公司", REAL_CODE_A, "", "", "", ""], ["", REAL_CODE_B, "", "", "", ""]]
    response = client.post(
        reverse("associations:member_import", args=[lighting.pk]),
        {"file": upload("m.csv", csv_bytes(rows))},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<th scope="row" class="num">3</th>' in html
    assert "<caption>" in html
    assert Membership.objects.filter(association=lighting, firm__uscc=REAL_CODE_A).exists()


# --- The management command -------------------------------------------------------------------------


def run_command(*args) -> str:
    out = StringIO()
    call_command("import_firms", *args, stdout=out)
    return out.getvalue()


def test_command_prints_summary_and_rejected_rows(tmp_path, lighting):
    rows, _bad = mixed_rows(REAL_CODE_A, REAL_CODE_B)
    path = tmp_path / "members.csv"
    path.write_bytes(csv_bytes(rows, bom=True))

    output = run_command(str(path))

    assert "Rows read: 7. Firms created: 2." in output
    for number in (4, 5, 6, 7, 8):
        assert f"第 {number} 行：" in output
    assert "第 6 行：" in output and "already appears in row 2" in output
    entry = AuditEntry.objects.get(action="associations.import.completed")
    assert entry.actor is None and entry.actor_label == "manage.py import_firms"


def test_command_dry_run_changes_nothing(tmp_path, lighting):
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, ["成都光明照明工程有限公司", REAL_CODE_A, "照明协会", "", "", ""]]))
    output = run_command(str(path), "--dry-run")
    assert "nothing was saved" in output
    assert "Firms created: 1" in output
    assert not Firm.objects.exists()
    assert not AuditEntry.objects.exists()


def test_command_with_association_option(tmp_path, lighting, advertising):
    path = tmp_path / "members.csv"
    rows = [["企业名称", "统一社会信用代码", "所属协会"], ["甲", REAL_CODE_A, ""], ["乙", REAL_CODE_B, "广告协会"]]
    path.write_bytes(csv_bytes(rows))
    output = run_command(str(path), "--association", "照明协会")
    assert "第 3 行：" in output and "not your association" in output
    assert Membership.objects.get(firm__uscc=REAL_CODE_A).association == lighting


def test_command_fails_for_a_refused_file(tmp_path, lighting):
    path = tmp_path / "logo.png"
    path.write_bytes(PNG)
    with pytest.raises(CommandError, match="Only CSV and XLSX"):
        run_command(str(path))
    with pytest.raises(CommandError, match="does not exist"):
        run_command(str(tmp_path / "missing.csv"))


def test_command_fails_for_an_unknown_association(tmp_path, lighting):
    path = tmp_path / "members.csv"
    path.write_bytes(csv_bytes([HEADER, ["甲", REAL_CODE_A, "", "", "", ""]]))
    with pytest.raises(CommandError, match="No association"):
        run_command(str(path), "--association", "不存在")


def test_too_many_rows_are_refused(monkeypatch, lighting, admin_user):
    from associations import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = [HEADER] + [[f"公司{i}", make_uscc(), "照明协会", "", "", ""] for i in range(20)]
    with pytest.raises(ImportRefused, match="more than 3 rows"):
        import_firms_file(actor=admin_user, uploaded=upload("m.csv", csv_bytes(rows)))
    assert not Firm.objects.exists()
