"""The committee's consultation pages in the Wagtail admin: list, create/edit, versions, publish, extend,
offline comments, reason templates, and who may reach them."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import docx
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from consultations import services
from consultations.models import Audience, Channel, Comment, Consultation, Kind, Notice, ReasonTemplate, Visibility
from core.models import AuditEntry
from tests.consultations.helpers import DRAFT_TEXT, article, make_consultation
from tests.factories import AssociationFactory, FirmFactory, UserFactory, association_staff, committee_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin(db):
    return committee_user()


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def editor_client(client, db):
    client.force_login(committee_user(admin=False))
    return client


def url(name, *args):
    return reverse(f"consultations_admin:{name}", args=args)


def local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def form_data(consultation: Consultation | None = None, **overrides) -> dict:
    """A complete POST for the consultation form (from ``consultation``, or a fresh standard)."""
    now = timezone.now()
    data = {
        "title": "成都市户外广告设置管理规定（征求意见稿）", "kind": Kind.STANDARD, "department": "市城管委广告处",
        "summary": "", "explanation": "起草背景\n\n主要内容", "legal_basis": "", "contact": "028-12345678",
        "starts_at": local(now - timedelta(hours=1)), "ends_at": local(now + timedelta(days=30)),
        "audience": Audience.ASSOCIATIONS, "visibility": Visibility.PUBLIC, "shortened_reason": "",
    }
    if consultation is not None:
        data |= {name: getattr(consultation, name) for name in (
            "title", "kind", "department", "summary", "explanation", "legal_basis", "contact", "audience",
            "visibility", "shortened_reason")}
        data |= {"starts_at": local(consultation.starts_at), "ends_at": local(consultation.ends_at),
                 "invited": [a.pk for a in consultation.invited_associations.all()]}
        if consultation.allow_late:
            data["allow_late"] = "on"
    return data | overrides


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def page(client, name, *args, **params) -> str:
    response = client.get(url(name, *args), params)
    assert response.status_code == 200, response
    return response.content.decode()


# --- The whole path: create → versions → preview → publish ---------------------------------------------


def test_committee_admin_creates_adds_text_and_docx_versions_and_publishes(admin_client):
    association = AssociationFactory(name="成都市广告协会")
    page(admin_client, "add")
    starts = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    response = admin_client.post(url("add"), form_data(audience=Audience.INVITED, invited=[association.pk],
                                                      starts_at=local(starts)))
    consultation = Consultation.objects.get(title="成都市户外广告设置管理规定（征求意见稿）")
    assert response.status_code == 302 and response.url == url("detail", consultation.pk)
    assert list(consultation.invited_associations.all()) == [association]
    assert consultation.starts_at == starts  # the datetime-local input is read in Asia/Shanghai
    assert consultation.explanation == "<p>起草背景</p>\n\n<p>主要内容</p>"

    response = admin_client.post(url("version_add", consultation.pk), {"text": DRAFT_TEXT})
    assert response.status_code == 302 and response.url == url("version_preview", consultation.pk, 1)
    html = page(admin_client, "version_preview", consultation.pk, 1)
    assert "第五条" in html and "收运单位应当按照规定的时间" in html and "第二章 收集运输" in html

    upload = SimpleUploadedFile("办法.docx", docx_bytes(DRAFT_TEXT.replace("密闭化", "全密闭")))
    response = admin_client.post(url("version_add", consultation.pk), {"docx": upload, "title": "第二次上传"})
    assert response.status_code == 302 and response.url == url("version_preview", consultation.pk, 1)
    html = page(admin_client, "version_preview", consultation.pk, 1)
    assert "第五条" in html and "全密闭运输车辆" in html
    assert consultation.versions.get().title == "第二次上传"  # the unpublished version was replaced

    html = page(admin_client, "detail", consultation.pk)
    assert "data-publish-consultation" in html and "第二次上传" in html
    response = admin_client.post(url("publish", consultation.pk))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.published_at is not None
    assert consultation.versions.get().published_at is not None


def test_a_non_docx_upload_shows_the_service_message_and_adds_nothing(admin_client):
    consultation = make_consultation(publish=False)
    upload = SimpleUploadedFile("draft.docx", b"this is not a word file")
    response = admin_client.post(url("version_add", consultation.pk), {"docx": upload})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert consultation.versions.count() == 1


def test_a_second_version_needs_a_change_note_and_is_published_from_its_preview(admin_client):
    consultation = make_consultation()
    text = DRAFT_TEXT.replace("第六条 禁止", "第六条 严禁")
    response = admin_client.post(url("version_add", consultation.pk), {"text": text})
    assert response.status_code == 200 and "change_note" in response.context["form"].errors
    assert consultation.versions.count() == 1

    response = admin_client.post(url("version_add", consultation.pk), {"text": text, "change_note": "第六条措辞调整"})
    assert response.url == url("version_preview", consultation.pk, 2)
    html = page(admin_client, "version_preview", consultation.pk, 2)
    assert "data-publish-version" in html and "第六条措辞调整" in html and "严禁" in html

    response = admin_client.post(url("version_publish", consultation.pk, 2))
    assert response.status_code == 302
    assert consultation.versions.get(number=2).published_at is not None
    assert "data-publish-version" not in page(admin_client, "version_preview", consultation.pk, 2)


def test_parser_warnings_are_shown_on_the_preview(admin_client):
    consultation = make_consultation(publish=False, text="总则说明\n第一条 甲。\n第三条 乙。")
    version = consultation.versions.get()
    assert version.warnings
    html = page(admin_client, "version_preview", consultation.pk, 1)
    for warning in version.warnings:
        assert warning in html


# --- Publishing rules ------------------------------------------------------------------------------------------


def test_a_rule_with_a_10_day_period_is_refused_with_the_30_day_minimum_then_accepted_with_a_reason(admin_client):
    consultation = make_consultation(publish=False, kind=Kind.RULE,
                                     ends_at=timezone.now() - timedelta(hours=1) + timedelta(days=10))
    response = admin_client.post(url("publish", consultation.pk))
    assert response.status_code == 200
    assert "30" in response.context["publish_error"]
    assert response.context["publish_error"] in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.published_at is None

    response = admin_client.post(url("edit", consultation.pk),
                                 form_data(consultation, shortened_reason="上级交办，时间紧迫"))
    assert response.status_code == 302
    admin_client.post(url("publish", consultation.pk))
    consultation.refresh_from_db()
    assert consultation.published_at is not None
    assert consultation.shortened_reason == "上级交办，时间紧迫"


@time_machine.travel(datetime(2026, 12, 20, 10, tzinfo=SHANGHAI), tick=False)
def test_a_working_day_period_in_a_year_without_calendar_shows_the_calendar_message(client, admin):
    admin_client = client
    admin_client.force_login(admin)  # inside the travelled time: a session from "before" would have expired
    consultation = make_consultation(publish=False, kind=Kind.NORMATIVE,
                                     starts_at=datetime(2026, 12, 25, 9, tzinfo=SHANGHAI),
                                     ends_at=datetime(2027, 1, 15, 18, tzinfo=SHANGHAI))
    response = admin_client.get(url("detail", consultation.pk))
    assert "2027" in response.context["period_warning"] and "节假日安排" in response.context["period_warning"]
    response = admin_client.post(url("publish", consultation.pk))
    assert response.status_code == 200
    assert "2027" in response.context["publish_error"] and "节假日安排" in response.context["publish_error"]
    assert response.context["publish_error"] in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.published_at is None


def test_an_editor_sees_no_publish_button_and_cannot_publish(editor_client):
    consultation = make_consultation(publish=False)
    html = page(editor_client, "detail", consultation.pk)
    assert "data-publish-consultation" not in html
    response = editor_client.post(url("publish", consultation.pk))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    consultation.refresh_from_db()
    assert consultation.published_at is None


def test_an_editor_creates_and_edits_drafts(editor_client):
    response = editor_client.post(url("add"), form_data())
    consultation = Consultation.objects.get()
    assert response.url == url("detail", consultation.pk)
    editor_client.post(url("edit", consultation.pk), form_data(consultation, title="新标题"))
    consultation.refresh_from_db()
    assert consultation.title == "新标题"


def test_a_domain_error_on_create_is_a_form_error_and_creates_nothing(admin_client):
    now = timezone.now()
    response = admin_client.post(url("add"), form_data(starts_at=local(now + timedelta(days=2)),
                                                      ends_at=local(now + timedelta(days=1))))
    assert response.status_code == 200 and "ends_at" in response.context["form"].errors
    assert not Consultation.objects.exists()


def test_a_published_consultation_is_shown_read_only_with_the_extend_form(admin_client):
    consultation = make_consultation()
    html = page(admin_client, "edit", consultation.pk)
    assert "disabled" in html and url("extend", consultation.pk) in html
    response = admin_client.post(url("edit", consultation.pk), form_data(consultation, title="改过的标题"))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    consultation.refresh_from_db()
    assert consultation.title != "改过的标题"


# --- Extend and reopen ------------------------------------------------------------------------------------------


def test_extending_creates_a_notice(admin_client):
    consultation = make_consultation()
    new_end = (consultation.ends_at + timedelta(days=7)).replace(second=0, microsecond=0)
    response = admin_client.post(url("extend", consultation.pk),
                                 {"new_ends_at": local(new_end), "reason": "应协会请求"})
    assert response.status_code == 302
    notice = Notice.objects.get(consultation=consultation)
    assert (notice.kind, notice.reason, notice.new_ends_at) == (Notice.Kind.EXTENDED, "应协会请求", new_end)
    consultation.refresh_from_db()
    assert consultation.ends_at == new_end
    assert "应协会请求" in page(admin_client, "detail", consultation.pk)


def test_extending_without_a_reason_or_into_the_past_changes_nothing(admin_client):
    consultation = make_consultation()
    response = admin_client.post(url("extend", consultation.pk), {"new_ends_at": local(consultation.ends_at),
                                                                  "reason": "理由"})
    assert response.status_code == 200 and "new_ends_at" in response.context["extend_form"].errors
    response = admin_client.post(url("extend", consultation.pk), {
        "new_ends_at": local(consultation.ends_at + timedelta(days=3)), "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["extend_form"].errors
    assert not Notice.objects.exists()


def test_a_closed_consultation_is_reopened_with_a_notice(admin, admin_client):
    consultation = make_consultation()
    with time_machine.travel(consultation.ends_at + timedelta(days=1)):
        admin_client.force_login(admin)  # the session of a month ago has expired
        new_end = timezone.now() + timedelta(days=5)
        admin_client.post(url("extend", consultation.pk), {"new_ends_at": local(new_end), "reason": "重新征求"})
    assert Notice.objects.get(consultation=consultation).kind == Notice.Kind.REOPENED


def test_an_editor_cannot_extend(editor_client):
    consultation = make_consultation()
    assert f'action="{url("extend", consultation.pk)}"' not in page(editor_client, "detail", consultation.pk)
    response = editor_client.post(url("extend", consultation.pk), {
        "new_ends_at": local(consultation.ends_at + timedelta(days=3)), "reason": "理由"})
    assert response.status_code == 302
    assert not Notice.objects.exists()


# --- Offline comments ---------------------------------------------------------------------------------------


def test_offline_registration_creates_a_comment_with_channel_letter(admin_client):
    association = AssociationFactory(name="成都市环境卫生协会")
    consultation = make_consultation(invited=[association])
    target = article(consultation, "第五条")
    attachment = SimpleUploadedFile("来函.pdf", b"%PDF-1.4 letter scan", content_type="application/pdf")
    response = admin_client.post(url("offline", consultation.pk), {
        "channel": Channel.LETTER, "received_on": timezone.localdate().isoformat(), "association": association.pk,
        "article": target.pk, "problem": "收运时间过于集中", "suggestion": "分时段收运", "attachments": [attachment],
    })
    assert response.status_code == 302
    comment = Comment.objects.get(consultation=consultation)
    assert (comment.channel, comment.association, comment.article) == (Channel.LETTER, association, target)
    assert comment.author_name == "成都市环境卫生协会" and comment.submitted_by is not None
    assert comment.attachments.get().name == "来函.pdf"
    assert comment.problem == "<p>收运时间过于集中</p>"


def test_offline_registration_finds_the_firm_by_its_code(admin_client):
    firm = FirmFactory(name="成都清源环境服务有限公司")
    consultation = make_consultation()
    response = admin_client.post(url("offline", consultation.pk), {
        "channel": Channel.MEETING, "received_on": timezone.localdate().isoformat(), "firm": firm.uscc.lower(),
        "problem": "意见",
    })
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.firm, comment.author_kind, comment.channel) == (firm, Comment.AuthorKind.FIRM, Channel.MEETING)


def test_offline_registration_refuses_an_ambiguous_firm_and_a_future_date(admin_client):
    FirmFactory(name="成都清源环境服务有限公司")
    FirmFactory(name="成都清源保洁有限公司")
    consultation = make_consultation()
    base = {"channel": Channel.EMAIL, "problem": "意见", "author_name": "张先生", "author_kind": "public"}
    response = admin_client.post(url("offline", consultation.pk), {
        **base, "received_on": timezone.localdate().isoformat(), "firm": "清源"})
    assert response.status_code == 200 and "成都清源保洁有限公司" in response.content.decode()
    response = admin_client.post(url("offline", consultation.pk), {
        **base, "received_on": (timezone.localdate() + timedelta(days=1)).isoformat()})
    assert response.status_code == 200 and "received_on" in response.context["form"].errors
    assert not Comment.objects.exists()
    admin_client.post(url("offline", consultation.pk), {**base, "received_on": timezone.localdate().isoformat()})
    assert Comment.objects.get().author_kind == Comment.AuthorKind.PUBLIC


# --- Reason templates ----------------------------------------------------------------------------------------


def test_reason_templates_are_kept_in_the_admin_and_audited(admin_client):
    response = admin_client.post(reverse("reason_templates:add"), {
        "title": "已有上位法规定", "result": "already", "text": "《城市市容和环境卫生管理条例》已有规定。"})
    assert response.status_code == 302
    template = ReasonTemplate.objects.get()
    assert AuditEntry.objects.filter(action="consultations.reasontemplate.created", object_id=str(template.pk))
    assert "已有上位法规定" in admin_client.get(reverse("reason_templates:index")).content.decode()
    admin_client.post(reverse("reason_templates:delete", args=[template.pk]))
    assert not ReasonTemplate.objects.exists()
    assert AuditEntry.objects.filter(action="consultations.reasontemplate.deleted")


def test_editors_add_reason_templates_but_do_not_delete_them(editor_client):
    template = ReasonTemplate.objects.create(title="不属于调整范围", result="out_of_scope", text="超出本办法范围。")
    assert editor_client.get(reverse("reason_templates:add")).status_code == 200
    editor_client.post(reverse("reason_templates:delete", args=[template.pk]))
    assert ReasonTemplate.objects.filter(pk=template.pk).exists()


# --- Who may not ------------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client):
    consultation = make_consultation(publish=False)
    for target in (url("index"), url("detail", consultation.pk)):
        response = client.get(target)
        assert response.status_code == 302 and "/login/" in response.url


@pytest.mark.parametrize("who", ["association_staff", "plain"])
def test_association_staff_and_other_users_cannot_reach_the_pages(who, client):
    association = AssociationFactory()
    consultation = make_consultation(publish=False, invited=[association])
    client.force_login(association_staff(association) if who == "association_staff" else UserFactory())
    for target in (url("index"), url("add"), url("detail", consultation.pk), url("offline", consultation.pk)):
        response = client.get(target)
        assert response.status_code == 302, target
    client.post(url("publish", consultation.pk))
    consultation.refresh_from_db()
    assert consultation.published_at is None


def test_the_menu_shows_the_consultations_to_committee_staff(editor_client):
    html = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert url("index") in html and reverse("reason_templates:index") in html


# --- Lists and filters ----------------------------------------------------------------------------------------


def test_the_list_shows_counts_and_filters_by_status(admin_client):
    association = AssociationFactory()
    open_one = make_consultation(title="开放中的征求意见", invited=[association, AssociationFactory()])
    make_consultation(title="尚未发布的草稿", publish=False)
    services.comment_register_offline(actor=committee_user(), consultation=open_one, channel=Channel.EMAIL,
                                      received_on=timezone.localdate(), author_name="某单位", problem="意见")
    html = page(admin_client, "index")
    assert "开放中的征求意见" in html and "尚未发布的草稿" in html and open_one.number in html
    html = page(admin_client, "index", status="draft")
    assert "开放中的征求意见" not in html and "尚未发布的草稿" in html
    row = admin_consultation_row(open_one)
    assert (row.comment_count, row.invited_count) == (1, 2)


def admin_consultation_row(consultation):
    from consultations.admin_views import admin_consultations

    return admin_consultations("open").get(pk=consultation.pk)


# --- Query counts ------------------------------------------------------------------------------------------------


def _publish_versions(consultation, admin, count):
    for n in range(count):
        version = services.version_create(actor=admin, consultation=consultation, change_note=f"第{n}次修改",
                                          text=DRAFT_TEXT.replace("密闭化", f"密闭化{n}"))
        services.version_publish(actor=admin, version=version)


@pytest.mark.parametrize("count", [2, 10])
def test_the_list_query_count_does_not_grow(count, admin, admin_client, django_assert_num_queries):
    for n in range(count):
        make_consultation(admin=admin, title=f"征求意见{n}", publish=n % 2 == 0)
    page(admin_client, "index")  # warm the per-process caches
    with django_assert_num_queries(INDEX_QUERIES):
        page(admin_client, "index")


@pytest.mark.parametrize("count", [1, 9])
def test_the_dashboard_query_count_does_not_grow(count, admin, admin_client, django_assert_num_queries):
    consultation = make_consultation(admin=admin, invited=[AssociationFactory() for _ in range(count)])
    _publish_versions(consultation, admin, count)
    services.consultation_extend(actor=admin, consultation=consultation, reason="延期",
                                 new_ends_at=consultation.ends_at + timedelta(days=count))
    page(admin_client, "detail", consultation.pk)
    with django_assert_num_queries(DETAIL_QUERIES):
        page(admin_client, "detail", consultation.pk)


@pytest.mark.parametrize("articles", [3, 30])
def test_the_preview_query_count_does_not_grow(articles, admin, admin_client, django_assert_num_queries):
    text = "\n".join(f"第{n}条 内容{n}。" for n in range(1, articles + 1))
    consultation = make_consultation(admin=admin, publish=False, text=text)
    page(admin_client, "version_preview", consultation.pk, 1)
    with django_assert_num_queries(PREVIEW_QUERIES):
        page(admin_client, "version_preview", consultation.pk, 1)


@pytest.mark.parametrize("count", [2, 10])
@pytest.mark.parametrize(("name", "queries"), [("add", "FORM_QUERIES"), ("edit", "EDIT_QUERIES"),
                                                ("offline", "OFFLINE_QUERIES"), ("version_add", "VERSION_QUERIES")])
def test_the_form_query_counts_do_not_grow(count, name, queries, admin, admin_client, django_assert_num_queries):
    associations = [AssociationFactory() for _ in range(count)]
    consultation = make_consultation(admin=admin, invited=associations, publish=name == "offline")
    args = () if name == "add" else (consultation.pk,)
    page(admin_client, name, *args)
    with django_assert_num_queries(globals()[queries]):
        page(admin_client, name, *args)


# Session, user, permissions, profile and groups, Wagtail's menu (locales, page and collection permissions,
# explorable pages), then the page's own queries.
INDEX_QUERIES = 12  # count + page
DETAIL_QUERIES = 15  # consultation, comment counts, versions with article counts, notices, invited associations
PREVIEW_QUERIES = 13  # consultation, version, its articles
FORM_QUERIES = 11  # the associations to invite
EDIT_QUERIES = 13  # consultation, invited associations (initial), the associations to invite
OFFLINE_QUERIES = 13  # consultation, associations, articles of the published versions
VERSION_QUERIES = 12  # consultation, its versions
