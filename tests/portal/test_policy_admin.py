"""The policy library's back office: document uploads checked by content and size, issuing bodies, policy listing.

Uploads go through the real Wagtail admin views (single add, multiple upload, replacing a file); every one of them
builds its form from WAGTAILDOCS_DOCUMENT_FORM_BASE = portal.policies.documents.PolicyDocumentForm.
Messages are checked in English (the user's admin language is set to English) so that they stay stable when the
Chinese catalogue is filled in.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection
from wagtail.users.models import UserProfile

from portal.policies.models import Category, IssuingBody, Validity
from tests.factories import committee_user
from tests.portal.policy_helpers import issuing_body, make_policy, policy_index

pytestmark = pytest.mark.django_db

Document = get_document_model()


# --- sample files -------------------------------------------------------------------------------------


def pdf_bytes(padding: int = 0) -> bytes:
    """A small but well-formed one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    if padding:
        out.write(b"%" + b"x" * padding + b"\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("成都市城市照明管理规定")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["项目", "单价"])
    workbook.active.append(["道路清扫", 3.5])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ofd_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "OFD.xml",
            '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>',
        )
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return out.getvalue()


def plain_zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# --- helpers --------------------------------------------------------------------------------------------


@pytest.fixture
def editor(client):
    user = committee_user(admin=False)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    return user


def upload(client, name: str, content: bytes, title: str = "附件"):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": title, "file": SimpleUploadedFile(name, content), "collection": Collection.get_first_root_node().pk},
    )


def upload_multiple(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile(name, content), "collection": Collection.get_first_root_node().pk},
    )


def file_errors(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return list(response.context["form"].errors.get("file", []))


# --- uploads: accepted ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make"),
    [("通知.pdf", pdf_bytes), ("规范.docx", docx_bytes), ("标准.xlsx", xlsx_bytes), ("电子公文.ofd", ofd_bytes),
     ("UPPER.PDF", pdf_bytes)],
)
def test_editor_uploads_an_allowed_document(client, editor, name, make):
    content = make()  # once: a workbook made a second later differs (its timestamp), and so may its size
    response = upload(client, name, content, title=name)
    assert response.status_code == 302, response.context and response.context["form"].errors
    document = Document.objects.get()
    assert document.title == name
    assert document.uploaded_by_user == editor
    assert document.file_size == len(content)


def test_multiple_upload_accepts_an_allowed_document(client, editor):
    response = upload_multiple(client, "规范.docx", docx_bytes())
    assert response.json()["success"] is True
    assert Document.objects.count() == 1


# --- uploads: refused -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("图片.pdf", PNG),  # a PNG renamed .pdf
        ("网页.docx", HTML),  # an HTML page named .docx
        ("旧版.docx", OLE_DOC),  # a legacy .doc renamed .docx
        ("压缩包.ofd", plain_zip_bytes()),  # a ZIP without OFD.xml
        ("空文件.pdf", b" "),
    ],
)
def test_upload_whose_content_is_not_an_allowed_type_is_refused(client, editor, name, content):
    response = upload(client, name, content)
    errors = file_errors(response)
    assert any("is not an allowed document" in e and "PDF" in e and "OFD" in e for e in errors), errors
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("通知.pdf", docx_bytes, "Word (DOCX)"),
        ("报表.xlsx", pdf_bytes, "PDF"),
        ("规范.docx", xlsx_bytes, "Excel (XLSX)"),
        ("公文.pdf", ofd_bytes, "OFD"),
    ],
)
def test_upload_whose_name_does_not_match_its_content_is_refused(client, editor, name, make, kind):
    response = upload(client, name, make())
    errors = file_errors(response)
    extension = name.rsplit(".", 1)[1]
    assert any(f"ends in “.{extension}”" in e and f"the content is {kind}" in e for e in errors), errors
    assert not Document.objects.exists()


def test_upload_with_a_forbidden_extension_is_refused(client, editor):
    response = upload(client, "页面.html", HTML)
    assert file_errors(response)
    assert not Document.objects.exists()


@override_settings(PORTAL_DOCUMENT_MAX_BYTES=2048)
def test_upload_over_the_size_limit_is_refused(client, editor):
    content = pdf_bytes(padding=4000)
    assert len(content) > 2048
    response = upload(client, "大文件.pdf", content)
    errors = file_errors(response)
    assert any("too large" in e and "2.0\xa0KB" in e for e in errors), errors
    assert not Document.objects.exists()


@override_settings(PORTAL_DOCUMENT_MAX_BYTES=2048)
def test_upload_at_the_size_limit_is_accepted(client, editor):
    content = pdf_bytes()
    content = content + b"\n" * (2048 - len(content))
    assert len(content) == 2048
    assert upload(client, "刚好.pdf", content).status_code == 302
    assert Document.objects.count() == 1


@override_settings(PORTAL_DOCUMENT_MAX_BYTES=2048)
def test_upload_form_states_the_allowed_types_and_the_limit(client, editor):
    response = client.get(reverse("wagtaildocs:add"))
    html = response.content.decode()
    assert "PDF、Word (DOCX)、Excel (XLSX)、OFD" in html
    assert "2.0\xa0KB" in html
    assert 'accept=".pdf,.docx,.xlsx,.ofd"' in html


@pytest.mark.parametrize(("name", "content"), [("图片.pdf", PNG), ("通知.pdf", docx_bytes())])
def test_multiple_upload_refuses_a_bad_document(client, editor, name, content):
    data = upload_multiple(client, name, content).json()
    assert data["success"] is False
    assert data["error_message"]
    assert not Document.objects.exists()


@override_settings(PORTAL_DOCUMENT_MAX_BYTES=2048)
def test_multiple_upload_refuses_a_document_over_the_limit(client, editor):
    data = upload_multiple(client, "大文件.pdf", pdf_bytes(padding=4000)).json()
    assert data["success"] is False
    assert "too large" in data["error_message"]
    assert not Document.objects.exists()


def upload_in_chooser(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs_chooser:create"),
        {"document-chooser-upload-title": name, "document-chooser-upload-file": SimpleUploadedFile(name, content),
         "document-chooser-upload-collection": Collection.get_first_root_node().pk},
    ).json()


def test_chooser_upload_refuses_a_bad_document_and_accepts_a_good_one(client, editor):
    """The "Upload" tab of the document chooser (used from the attachments panel) checks the same way."""
    refused = upload_in_chooser(client, "图片.pdf", PNG)
    assert refused["step"] == "reshow_creation_form"
    assert "is not an allowed document" in refused["htmlFragment"]
    assert not Document.objects.exists()
    accepted = upload_in_chooser(client, "通知.pdf", pdf_bytes())
    assert accepted["step"] == "chosen"
    assert Document.objects.count() == 1


def test_replacing_a_document_file_with_a_bad_one_is_refused_and_keeps_the_original(client, editor):
    assert upload(client, "通知.pdf", pdf_bytes()).status_code == 302
    document = Document.objects.get()
    original = document.file.name
    response = client.post(
        reverse("wagtaildocs:edit", args=(document.pk,)),
        {"title": document.title, "file": SimpleUploadedFile("通知.pdf", PNG),
         "collection": Collection.get_first_root_node().pk},
    )
    assert any("is not an allowed document" in e for e in file_errors(response))
    document.refresh_from_db()
    assert document.file.name == original


def test_upload_messages_are_shown_in_chinese_admin_without_error(client):
    """The default admin language is zh-hans: the refusal renders (no 500) and nothing is stored."""
    client.force_login(committee_user(admin=False))
    response = upload(client, "图片.pdf", PNG)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Document.objects.exists()


# --- issuing bodies (snippet) ------------------------------------------------------------------------------


def test_admin_adds_an_issuing_body(client):
    client.force_login(committee_user())
    response = client.post(
        reverse("wagtailsnippets_portal_issuingbody:add"),
        {"name": "成都市城市管理行政执法局", "short_name": "市执法局", "org_code": "11510100MB1C0000XX",
         "sort_order": "2"},
    )
    assert response.status_code == 302
    assert IssuingBody.objects.filter(name="成都市城市管理行政执法局", short_name="市执法局").exists()


def test_issuing_body_listing_shows_policy_counts_and_searches(client):
    body = issuing_body()
    other = issuing_body("成都市住房和城乡建设局", "11510100MB0000001X")
    make_policy()
    make_policy()
    client.force_login(committee_user())
    response = client.get(reverse("wagtailsnippets_portal_issuingbody:list"))
    assert response.status_code == 200
    rows = {obj.pk: obj.policy_count for obj in response.context["object_list"]}
    assert rows == {body.pk: 2, other.pk: 0}
    response = client.get(reverse("wagtailsnippets_portal_issuingbody:list"), {"q": "住房"})
    assert [obj.pk for obj in response.context["object_list"]] == [other.pk]
    response = client.get(reverse("wagtailsnippets_portal_issuingbody:list"), {"ordering": "-policy_count"})
    assert [obj.pk for obj in response.context["object_list"]] == [body.pk, other.pk]


def test_issuing_body_listing_query_count_does_not_grow(client, django_assert_max_num_queries):
    client.force_login(committee_user())
    url = reverse("wagtailsnippets_portal_issuingbody:list")
    for n in range(3):
        issuing_body(f"机关{n}", f"ORG{n}")
    client.get(url)  # warm caches (content types, permissions)
    with django_assert_max_num_queries(100) as few:
        client.get(url)
    for n in range(3, 30):
        issuing_body(f"机关{n}", f"ORG{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_issuing_body_in_use_cannot_be_deleted(client):
    body = issuing_body()
    make_policy()
    client.force_login(committee_user())
    response = client.post(reverse("wagtailsnippets_portal_issuingbody:delete", args=(body.pk,)))
    assert response.status_code == 302
    assert IssuingBody.objects.filter(pk=body.pk).exists()
    response = client.get(response["Location"])
    assert body.name in response.content.decode()


def test_issuing_body_in_use_cannot_be_bulk_deleted(client):
    body = issuing_body()
    unused = issuing_body("拟撤销机关", "ORGX")
    make_policy()
    client.force_login(committee_user())
    url = reverse("wagtail_bulk_action", args=("portal", "issuingbody", "delete"))
    response = client.post(f"{url}?id={body.pk}&id={unused.pk}")
    assert response.status_code == 302
    assert IssuingBody.objects.filter(pk=body.pk).exists()
    assert IssuingBody.objects.filter(pk=unused.pk).exists()


def test_unused_issuing_body_can_be_deleted(client):
    body = issuing_body("拟撤销机关", "ORGX")
    client.force_login(committee_user())
    response = client.post(reverse("wagtailsnippets_portal_issuingbody:delete", args=(body.pk,)))
    assert response.status_code == 302
    assert not IssuingBody.objects.filter(pk=body.pk).exists()


def test_editor_reads_issuing_bodies_but_cannot_change_them(client):
    body = issuing_body()
    client.force_login(committee_user(admin=False))
    assert client.get(reverse("wagtailsnippets_portal_issuingbody:list")).status_code == 200
    assert client.get(reverse("wagtailsnippets_portal_issuingbody:edit", args=(body.pk,))).status_code == 302
    response = client.post(
        reverse("wagtailsnippets_portal_issuingbody:add"), {"name": "新机关", "org_code": "X", "sort_order": "0"}
    )
    assert response.status_code == 302
    assert not IssuingBody.objects.filter(name="新机关").exists()


def test_editor_can_choose_an_issuing_body(client):
    body = issuing_body()
    client.force_login(committee_user(admin=False))
    response = client.get(reverse("wagtailsnippetchoosers_portal_issuingbody:choose"))
    assert response.status_code == 200
    assert body.name in response.json()["html"]


# --- menu and policy listing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("admin", [True, False])
def test_committee_staff_see_the_policy_library_menu(client, admin):
    client.force_login(committee_user(admin=admin))
    response = client.get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert reverse("policy_pages:index") in html
    assert reverse("wagtailsnippets_portal_issuingbody:list") in html


def test_policy_listing_filters_by_category_validity_and_issuing_body(client):
    other_body = issuing_body("成都市城市管理行政执法局", "11510100MB1C0000XX")
    standard = make_policy(title="道路照明维护管理规范", category=Category.STANDARD)
    repealed = make_policy(title="旧办法", validity=Validity.REPEALED)
    enforcement = make_policy(title="执法通知", category=Category.NOTICE, issuing_body=other_body)
    draft = make_policy(title="草稿", publish=False, live=False)
    client.force_login(committee_user(admin=False))
    url = reverse("policy_pages:index")

    def listed(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {page.pk for page in response.context["object_list"]}

    assert listed() == {standard.pk, repealed.pk, enforcement.pk, draft.pk}
    assert listed(category=Category.STANDARD) == {standard.pk}
    assert listed(validity=Validity.REPEALED) == {repealed.pk}
    assert listed(issuing_body=other_body.pk) == {enforcement.pk}
    assert listed(category="no-such-category") == {standard.pk, repealed.pk, enforcement.pk, draft.pk}
    assert listed(q="道路照明") == {standard.pk}
    assert listed(date_published_from="2024-03-05", date_published_to="2024-03-05") == {
        standard.pk, repealed.pk, enforcement.pk, draft.pk,
    }
    assert listed(date_published_from="2025-01-01") == set()


def test_policy_listing_offers_adding_a_policy_under_the_library(client):
    client.force_login(committee_user(admin=False))
    html = client.get(reverse("policy_pages:index")).content.decode()
    assert reverse("policy_pages:choose_parent") in html
    response = client.post(reverse("policy_pages:choose_parent"), {"parent_page": policy_index().pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:add", args=("portal", "policypage", policy_index().pk))


def test_policy_listing_shows_catalogue_columns(client):
    page = make_policy(title="道路照明维护管理规范", document_number="成城管发〔2024〕12号")
    client.force_login(committee_user())
    html = client.get(reverse("policy_pages:index")).content.decode()
    assert "道路照明维护管理规范" in html
    assert "成城管发〔2024〕12号" in html
    assert page.issuing_body.name in html
    assert reverse("wagtailadmin_pages:edit", args=(page.pk,)) in html


def test_policy_listing_query_count_does_not_grow(client, django_assert_max_num_queries):
    client.force_login(committee_user())
    url = reverse("policy_pages:index")
    for _ in range(3):
        make_policy()
    client.get(url)
    with django_assert_max_num_queries(200) as few:
        client.get(url)
    for n in range(20):
        make_policy(issuing_body=issuing_body(f"机关{n}", f"ORG{n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_policy_listing_exports_csv(client):
    make_policy(title="道路照明维护管理规范", document_number="成城管发〔2024〕12号")
    client.force_login(committee_user())
    response = client.get(reverse("policy_pages:index"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "成城管发〔2024〕12号" in body
    assert "11510100MB1C36517N/2024-" in body
