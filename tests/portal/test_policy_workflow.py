"""The review workflow 委员会审核, driven through the real Wagtail admin views.

A 委员会编辑 uploads an attachment, creates a policy with all its metadata and submits it; a 委员会管理员 approves
(→ live) or requests changes with a comment (→ not live). Scheduled publishing, revisions and the page history are
checked on the way. PORTAL_REQUIRE_MFA_FOR_COMMITTEE stays off in the test settings.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.utils import get_user_display_name
from wagtail.documents import get_document_model
from wagtail.models import Collection, PageLogEntry, TaskState, Workflow, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html, rich_text, streamfield

from portal.policies.models import Category, Disclosure, PolicyPage, SubjectCategory, Validity
from portal.setup import TASK_NAME, WORKFLOW_NAME
from tests.factories import committee_user
from tests.portal.policy_helpers import issuing_body, make_policy, policy_index
from tests.portal.test_policy_admin import pdf_bytes

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2024, 3, 10, 9, 0, tzinfo=SHANGHAI)


# --- admin steps, as the browser would send them ------------------------------------------------------------


def upload_attachment(client, title="附件：成都市城市照明管理规定.pdf"):
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": title, "file": SimpleUploadedFile("zhaoming.pdf", pdf_bytes()),
         "collection": Collection.get_first_root_node().pk},
    )
    assert response.status_code == 302, response.context["form"].errors
    return get_document_model().objects.get(title=title)


def add_url():
    return reverse("wagtailadmin_pages:add", args=("portal", "policypage", policy_index().pk))


def policy_form_data(client, *, document, **overrides):
    """The create form as rendered (hidden inputs, defaults) plus every metadata field filled in."""
    response = client.get(add_url())
    assert response.status_code == 200
    data = {
        key: value
        for key, value in querydict_from_html(response.content.decode(), form_id="page-edit-form").items()
        if "__prefix__" not in key
    }
    fields = {
        "title": "成都市城市照明管理规定",
        "slug": "chengdu-lighting-rules",
        "document_number": "成城管发〔2024〕12号",
        "issuing_body": issuing_body().pk,
        "category": Category.NORMATIVE,
        "subject_category": SubjectCategory.LIGHTING,
        "keywords": "城市照明 路灯 管理",
        "disclosure": Disclosure.PROACTIVE,
        "tags": "城市照明, 路灯",
        "date_written": "2024-03-01",
        "date_published": "2024-03-05",
        "date_effective": "2024-04-01",
        "validity": Validity.IN_FORCE,
        "summary": "为加强城市照明设施管理，保障城市照明设施安全运行，制定本规定。",
        "body": streamfield([
            ("heading", "第一章 总则"),
            ("paragraph", rich_text("<p>第一条 为了加强城市照明管理，根据有关法律法规，制定本规定。</p>")),
            ("quote", {"text": "城市照明应当节约能源、保护环境。", "source": "《城市照明管理规定》"}),
            ("document", {"document": document.pk, "label": "下载规定全文"}),
        ]),
        "attachments": inline_formset([{"document": document.pk, "title": "规定全文（PDF）"}]),
    }
    fields.update(overrides)
    data.update(nested_form_data(fields))
    return data


def create_and_submit(client, *, document, **overrides):
    data = policy_form_data(client, document=document, **overrides)
    data["action-submit"] = "submit"
    response = client.post(add_url(), data)
    assert response.status_code == 302, response.context["form"].errors
    return PolicyPage.objects.get(slug=data["slug"])


def workflow_action(client, page, action, comment=""):
    task_state = page.current_workflow_task_state
    assert task_state is not None, "the page is not in moderation"
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk)), {"comment": comment}
    )


def actions_logged(page):
    return list(PageLogEntry.objects.filter(page=page).order_by("timestamp", "pk").values_list("action", flat=True))


# --- setup ------------------------------------------------------------------------------------------------


def test_the_review_workflow_is_assigned_to_the_site_and_approved_by_committee_admins():
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert workflow.active
    task = workflow.tasks.get().specific
    assert task.name == TASK_NAME
    assert [g.name for g in task.groups.all()] == ["委员会管理员"]
    assert policy_index().get_workflow() == workflow
    assert settings.PORTAL_REQUIRE_MFA_FOR_COMMITTEE is False


# --- submit → approve ---------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_editor_submits_a_policy_and_the_admin_approves_it(client):
    editor = committee_user(admin=False)
    admin = committee_user()
    client.force_login(editor)
    document = upload_attachment(client)

    page = create_and_submit(client, document=document)

    # Stored with all its metadata, but not live.
    assert not page.live
    assert page.has_unpublished_changes
    assert page.owner == editor
    assert page.index_number == "11510100MB1C36517N/2024-00001"
    assert (page.document_number, page.category, page.subject_category, page.disclosure, page.validity) == (
        "成城管发〔2024〕12号", Category.NORMATIVE, SubjectCategory.LIGHTING, Disclosure.PROACTIVE, Validity.IN_FORCE,
    )
    assert (page.date_written, page.date_published, page.date_effective) == (
        datetime.date(2024, 3, 1), datetime.date(2024, 3, 5), datetime.date(2024, 4, 1),
    )
    assert page.issuing_body == issuing_body()
    assert page.keywords == "城市照明 路灯 管理"
    assert sorted(page.tags.names()) == ["城市照明", "路灯"]
    assert [block.block_type for block in page.body] == ["heading", "paragraph", "quote", "document"]
    assert [(a.document_id, a.title) for a in page.attachments.all()] == [(document.pk, "规定全文（PDF）")]
    assert page.workflow_in_progress
    assert page.current_workflow_task.name == TASK_NAME
    assert not PolicyPage.objects.live().filter(pk=page.pk).exists()
    client.logout()
    assert client.get(page.url).status_code == 404

    # The administrator is told by mail and sees it awaiting review, on the dashboard and in the task's queue.
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert page.title in mail.outbox[0].subject
    client.force_login(admin)
    assert list(TaskState.objects.reviewable_by(admin).values_list("revision__object_id", flat=True)) == [str(page.pk)]
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert page.title in dashboard
    task_state = page.current_workflow_task_state
    assert reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)) in dashboard

    response = workflow_action(client, page, "approve")
    assert response.status_code == 302

    page.refresh_from_db()
    assert page.live
    assert not page.has_unpublished_changes
    assert not page.workflow_in_progress
    assert PolicyPage.objects.live().filter(pk=page.pk).exists()
    assert page.url == "/policies/chengdu-lighting-rules/"
    assert [a.document_id for a in page.attachments.all()] == [document.pk]
    assert WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk)).status == "approved"
    client.logout()
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "成城管发〔2024〕12号" in html
    assert document.url in html


def test_editor_cannot_approve_their_own_submission(client):
    client.force_login(committee_user(admin=False))
    page = create_and_submit(client, document=upload_attachment(client))
    response = workflow_action(client, page, "approve")
    assert response.status_code in (302, 403)  # Wagtail's admin answers "permission denied" with a redirect
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")
    page.refresh_from_db()
    assert not page.live
    assert page.workflow_in_progress


def test_editor_submits_an_interpretation_linked_to_its_policy(client):
    policy = make_policy(title="成都市餐厨垃圾管理办法")
    client.force_login(committee_user(admin=False))
    interpretation = create_and_submit(
        client, document=upload_attachment(client), title="《成都市餐厨垃圾管理办法》政策解读", slug="interpretation",
        document_number="", category=Category.INTERPRETATION, interprets=policy.pk,
    )
    client.force_login(committee_user())
    assert workflow_action(client, interpretation, "approve").status_code == 302
    interpretation.refresh_from_db()
    assert interpretation.live
    assert interpretation.interprets == policy
    assert list(policy.interpretations.live()) == [interpretation]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_effective": "2024-02-01"}, "date_effective"),  # in force before it was written
        ({"date_written": ""}, "date_written"),
        ({"category": Category.INTERPRETATION}, "interprets"),
        ({"validity": Validity.AMENDED}, "superseded_by"),
        ({"category": "no-such-category"}, "category"),
    ],
)
def test_submission_with_inconsistent_metadata_is_refused_and_nothing_is_created(client, overrides, field):
    client.force_login(committee_user(admin=False))
    data = policy_form_data(client, document=upload_attachment(client), **overrides)
    data["action-submit"] = "submit"
    response = client.post(add_url(), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PolicyPage.objects.exists()
    assert not WorkflowState.objects.exists()


def test_submission_with_a_taken_document_number_is_refused(client):
    make_policy(document_number="成城管发〔2024〕12号")
    client.force_login(committee_user(admin=False))
    data = policy_form_data(client, document=upload_attachment(client))
    data["action-submit"] = "submit"
    response = client.post(add_url(), data)
    assert response.status_code == 200
    assert "document_number" in response.context["form"].errors
    assert not PolicyPage.objects.filter(slug="chengdu-lighting-rules").exists()


# --- request changes ----------------------------------------------------------------------------------------


def test_admin_requests_changes_with_a_comment_and_the_policy_stays_unpublished(client):
    editor = committee_user(admin=False)
    client.force_login(editor)
    page = create_and_submit(client, document=upload_attachment(client), slug="second", title="第二份政策",
                             document_number="成城管发〔2024〕13号")
    task_state = page.current_workflow_task_state

    client.force_login(committee_user())
    comment = "请补充施行日期的依据，并核对文号。"
    response = workflow_action(client, page, "reject", comment=comment)
    assert response.status_code == 302

    page.refresh_from_db()
    assert not page.live
    assert not PolicyPage.objects.live().filter(pk=page.pk).exists()
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.get_comment() == comment
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    rejection = PageLogEntry.objects.get(page=page, action="wagtail.workflow.reject")
    assert rejection.data["comment"] == comment
    # The editor is told by mail, with the comment.
    assert mail.outbox[-1].to == [editor.email]
    assert comment in mail.outbox[-1].body

    # The comment is shown to the editor in the workflow history.
    client.force_login(editor)
    workflow_state = page.current_workflow_state
    response = client.get(reverse("wagtailadmin_pages:workflow_history_detail", args=(page.pk, workflow_state.pk)))
    assert response.status_code == 200
    assert comment in response.content.decode()
    client.logout()
    assert client.get(page.url).status_code == 404


def test_editor_resubmits_after_changes_and_the_admin_approves(client):
    editor = committee_user(admin=False)
    client.force_login(editor)
    page = create_and_submit(client, document=upload_attachment(client))
    client.force_login(committee_user())
    workflow_action(client, page, "reject", comment="请修改标题。")

    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    data = {
        key: value
        for key, value in querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form").items()
        if "__prefix__" not in key
    }
    data.update(nested_form_data({"title": "成都市城市照明管理规定（修改稿）",
                                  "body": streamfield([("heading", "总则")])}))
    data["action-submit"] = "submit"
    assert client.post(edit_url, data).status_code == 302
    page.refresh_from_db()
    assert page.workflow_in_progress

    client.force_login(committee_user())
    workflow_action(client, page, "approve", comment="同意发布。")
    page.refresh_from_db()
    assert page.live
    assert page.title == "成都市城市照明管理规定（修改稿）"


# --- no direct publishing for editors --------------------------------------------------------------------------


def test_editor_cannot_publish_directly(client):
    editor = committee_user(admin=False)
    client.force_login(editor)
    document = upload_attachment(client)
    data = policy_form_data(client, document=document)
    data["action-publish"] = "publish"
    response = client.post(add_url(), data)
    assert response.status_code == 302
    page = PolicyPage.objects.get(slug="chengdu-lighting-rules")
    assert not page.live  # saved as a draft instead
    assert "wagtail.publish" not in actions_logged(page)
    assert not page.permissions_for_user(editor).can_publish()

    # Not through the edit view either.
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    data = {
        key: value
        for key, value in querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form").items()
        if "__prefix__" not in key
    }
    data.update(nested_form_data({"body": streamfield([("heading", "总则")])}))
    data["action-publish"] = "publish"
    assert client.post(edit_url, data).status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert "wagtail.publish" not in actions_logged(page)


def test_editor_cannot_publish_an_existing_draft_through_bulk_publish(client):
    page = make_policy(publish=False, live=False)
    client.force_login(committee_user(admin=False))
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    client.post(f"{url}?id={page.pk}", {"include_descendants": ""})
    page.refresh_from_db()
    assert not page.live


def test_editor_cannot_unpublish_a_live_policy(client):
    page = make_policy()
    client.force_login(committee_user(admin=False))
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,)))
    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert page.live


# --- scheduled publishing -----------------------------------------------------------------------------------


def test_approved_policy_with_a_future_go_live_date_goes_live_when_publish_scheduled_runs(client):
    go_live = NOW + datetime.timedelta(days=2)
    with time_machine.travel(NOW, tick=False):
        client.force_login(committee_user(admin=False))
        page = create_and_submit(client, document=upload_attachment(client),
                                 go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
        client.force_login(committee_user())
        assert workflow_action(client, page, "approve").status_code == 302
        page.refresh_from_db()
        assert not page.live
        revision = page.latest_revision
        assert revision.approved_go_live_at == go_live
        assert "wagtail.publish.schedule" in actions_logged(page)
        call_command("publish_scheduled")
        page.refresh_from_db()
        assert not page.live

    with time_machine.travel(go_live - datetime.timedelta(minutes=1), tick=False):
        call_command("publish_scheduled")
        page.refresh_from_db()
        assert not page.live

    with time_machine.travel(go_live + datetime.timedelta(minutes=1), tick=False):
        call_command("publish_scheduled")
        page.refresh_from_db()
        assert page.live
        assert PolicyPage.objects.live().filter(pk=page.pk).exists()
        assert page.first_published_at == go_live + datetime.timedelta(minutes=1)
        assert timezone.localtime(page.go_live_at) == go_live
        assert "wagtail.publish.scheduled" in actions_logged(page)


# --- revisions and history ----------------------------------------------------------------------------------


def test_revisions_and_history_record_the_review(client):
    editor = committee_user(admin=False, full_name="王编辑")
    admin = committee_user(full_name="李管理")
    client.force_login(editor)
    page = create_and_submit(client, document=upload_attachment(client))
    client.force_login(admin)
    workflow_action(client, page, "approve", comment="同意。")
    page.refresh_from_db()

    assert page.revisions.count() == 1
    revision = page.revisions.get()
    assert revision.user == editor
    assert revision.content["document_number"] == "成城管发〔2024〕12号"
    assert page.live_revision == revision

    assert actions_logged(page) == [
        "wagtail.create", "wagtail.edit", "wagtail.workflow.start", "wagtail.workflow.approve", "wagtail.publish",
    ]
    by_user = dict(PageLogEntry.objects.filter(page=page).values_list("action", "user_id"))
    assert by_user["wagtail.workflow.start"] == editor.pk
    assert by_user["wagtail.workflow.approve"] == admin.pk
    assert by_user["wagtail.publish"] == admin.pk

    response = client.get(reverse("wagtailadmin_pages:history", args=(page.pk,)))
    assert response.status_code == 200
    html = response.content.decode()
    entries = list(response.context["object_list"])
    assert {entry.action for entry in entries} >= {"wagtail.create", "wagtail.workflow.start",
                                                    "wagtail.workflow.approve", "wagtail.publish"}
    for entry in entries:
        assert str(entry.message) in html or entry.message.replace("'", "&#x27;") in html
    assert get_user_display_name(editor) in html and get_user_display_name(admin) in html

    assert client.get(reverse("wagtailadmin_pages:workflow_history", args=(page.pk,))).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:revisions_view", args=(page.pk, revision.pk))).status_code == 200

    # The editor (who can edit the page) sees the same history.
    client.force_login(editor)
    assert client.get(reverse("wagtailadmin_pages:history", args=(page.pk,))).status_code == 200


# --- where an approved policy shows up (feeds/sitemap/API are built in parallel) -------------------------------------


def test_approved_policy_appears_in_the_library_feeds_sitemap_and_api_and_a_rejected_one_does_not(client):
    client.force_login(committee_user(admin=False))
    document = upload_attachment(client)
    approved = create_and_submit(client, document=document, title="成都市城市照明管理规定",
                                 slug="approved", document_number="成城管发〔2024〕12号")
    rejected = create_and_submit(client, document=document, title="渣土运输车辆管理办法（送审稿）",
                                 slug="rejected", document_number="成城管发〔2024〕13号")
    client.force_login(committee_user())
    assert workflow_action(client, approved, "approve").status_code == 302
    assert workflow_action(client, rejected, "reject", comment="请补充依据。").status_code == 302
    client.logout()

    library = client.get("/policies/")
    assert library.status_code == 200
    assert "成城管发〔2024〕12号" in library.content.decode()
    assert "成城管发〔2024〕13号" not in library.content.decode()

    rss = client.get("/policies/rss/")
    assert rss.status_code == 200
    assert "成城管发〔2024〕12号" in rss.content.decode()
    assert "渣土运输车辆管理办法" not in rss.content.decode()

    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert "/policies/approved/" in sitemap.content.decode()
    assert "/policies/rejected/" not in sitemap.content.decode()

    api = client.get(f"/api/v1/policies/{approved.pk}/")
    assert api.status_code == 200
    assert api.json()["document_number"] == "成城管发〔2024〕12号"
    assert client.get(f"/api/v1/policies/{rejected.pk}/").status_code == 404
