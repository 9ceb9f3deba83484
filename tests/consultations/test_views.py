"""The public consultation pages: list, notice and text, comments, comment form, receipt, redline, outcome."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Comment, CommentAttachment, Kind, MemberPoint, Result, Visibility
from tests.consultations.helpers import article, make_consultation
from tests.factories import AssociationFactory, MembershipFactory, association_staff, committee_user, firm_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NEW_TEXT = """成都市餐厨垃圾管理办法（征求意见稿）
第一章 总则
第一条 为了加强餐厨垃圾管理，保障食品安全，改善市容环境，根据有关法律法规，结合本市实际，制定本办法。
第二条 本市行政区域内餐厨垃圾的产生、收集、运输、处置及其监督管理活动，适用本办法。
第三条 市城市管理行政主管部门负责本市餐厨垃圾的监督管理工作。
第二章 收集运输
第四条 餐厨垃圾产生单位应当将餐厨垃圾交由取得许可的收运单位收集运输。
第五条 餐厨垃圾产生单位应当建立餐厨垃圾管理台账。
第六条 收运单位应当按照规定的时间、路线收运餐厨垃圾，并使用密闭化专用运输车辆。
收运车辆应当安装在线监控设备。
第七条 禁止将餐厨垃圾直接排入公共水域、厕所或者市政管道。
第三章 附则
第八条 本办法自2027年3月1日起施行。
"""


@pytest.fixture
def admin(db):
    return committee_user()


@pytest.fixture
def consultation(admin, association):
    # A short period: tests travel past the deadline and the login session must still be valid then.
    return make_consultation(admin=admin, invited=[association], ends_at=timezone.now() + timedelta(days=5))


def url(name, *args):
    return reverse(f"consultations:{name}", args=args)


def submit(user, consultation, *, label="第五条", speaker=None, **fields):
    speaker = speaker or f"association:{consultation.invited_associations.get().pk}"
    return services.comment_submit(actor=user, consultation=consultation, speaker=speaker,
                                   article=article(consultation, label) if label else None,
                                   problem=fields.pop("problem", "收运时间规定过严。"), **fields)


# --- list --------------------------------------------------------------------------------------------------
def test_index_lists_published_consultations_only(client, admin, association):
    shown = make_consultation(admin=admin, invited=[association], title="公开征求的办法")
    make_consultation(admin=admin, invited=[association], title="尚未发布的草稿", publish=False)
    make_consultation(admin=admin, invited=[association], title="内部征求的办法", kind=Kind.INTERNAL)
    response = client.get(url("index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert shown.title in html and shown.number in html
    assert "尚未发布的草稿" not in html
    assert "内部征求的办法" not in html


def test_index_filters_by_status_and_kind(client, admin, association):
    now = make_consultation(admin=admin, invited=[association], title="正在征求的标准")
    later = make_consultation(admin=admin, invited=[association], title="下月征求的标准",
                              starts_at=now.starts_at + timedelta(days=40))
    upcoming = client.get(url("index"), {"status": "upcoming"}).content.decode()
    assert later.title in upcoming and now.title not in upcoming
    opened = client.get(url("index"), {"status": "open", "kind": Kind.STANDARD}).content.decode()
    assert now.title in opened and later.title not in opened
    assert now.title not in client.get(url("index"), {"kind": Kind.RULE}).content.decode()
    # Unknown values are ignored, not an error.
    assert client.get(url("index"), {"status": "nonsense", "kind": "x", "page": "abc"}).status_code == 200


# --- every page renders ------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["anonymous", "committee"])
def test_public_pages_render(client, admin, consultation, association_admin, who):
    submit(association_admin, consultation)
    if who == "committee":
        client.force_login(admin)
    for name in ("detail", "comments", "diff"):
        response = client.get(url(name, consultation.pk))
        assert response.status_code == 200, name
        assert consultation.title in response.content.decode()
    assert client.get(url("index")).status_code == 200
    assert client.get("/").status_code == 200  # the home page links to consultations:index


def test_draft_is_404_for_public_and_shown_to_committee(client, admin, association):
    draft = make_consultation(admin=admin, invited=[association], publish=False)
    for name in ("detail", "comments", "diff", "outcome"):
        assert client.get(url(name, draft.pk)).status_code == 404, name
    client.force_login(association_staff(association))
    assert client.get(url("detail", draft.pk)).status_code == 404
    assert client.get(url("comment", draft.pk)).status_code == 404
    client.force_login(admin)
    response = client.get(url("detail", draft.pk))
    assert response.status_code == 200
    assert "第五条" in response.content.decode()


def test_internal_consultation_is_only_for_invited_staff(client, admin, association, other_association):
    internal = make_consultation(admin=admin, invited=[association], kind=Kind.INTERNAL)
    assert client.get(url("detail", internal.pk)).status_code == 404
    client.force_login(association_staff(other_association))
    assert client.get(url("detail", internal.pk)).status_code == 404
    client.force_login(association_staff(association))
    assert client.get(url("detail", internal.pk)).status_code == 200


def test_detail_shows_notice_text_and_comment_links(client, admin, association):
    consultation = make_consultation(admin=admin, invited=[association], contact="028-12345678",
                                     shortened_reason="上级部门要求年底前出台。",
                                     explanation="<p>为规范收运<script>alert(1)</script></p>")
    target = article(consultation, "第五条")
    html = client.get(url("detail", consultation.pk)).content.decode()
    assert f'id="{target.anchor}"' in html
    assert f"{url('comment', consultation.pk)}?article={target.pk}" in html
    assert "上级部门要求年底前出台。" in html
    assert association.name in html
    assert "<p>为规范收运</p>" in html and "alert(1)" not in html
    assert "第二章 收集运输" in html


def test_detail_counts_comments_per_article_and_lists_latest(client, consultation, association_admin):
    first = submit(association_admin, consultation)
    submit(association_admin, consultation, label=None, problem="总体意见：建议增加过渡期。")
    response = client.get(url("detail", consultation.pk))
    html = response.content.decode()
    assert [a.comment_count for a in response.context["articles"] if a.label == "第五条"] == [1]
    assert first.receipt_number in html and "建议增加过渡期" in html
    assert f"{url('comments', consultation.pk)}?article={article(consultation, '第五条').key}" in html


def test_detail_with_committee_only_visibility_withholds_comments(client, admin, association, association_admin):
    consultation = make_consultation(admin=admin, invited=[association], visibility=Visibility.COMMITTEE)
    submit(association_admin, consultation, problem="只给委员会看的意见")
    assert "只给委员会看的意见" not in client.get(url("detail", consultation.pk)).content.decode()
    response = client.get(url("comments", consultation.pk))
    assert response.status_code == 200
    assert response.context["withheld"] is True
    assert "只给委员会看的意见" not in response.content.decode()
    client.force_login(admin)
    assert "只给委员会看的意见" in client.get(url("comments", consultation.pk)).content.decode()


def test_detail_shows_an_older_version_on_request(client, admin, consultation):
    version = services.version_create(actor=admin, consultation=consultation, text=NEW_TEXT, change_note="新增台账条款")
    services.version_publish(actor=admin, version=version)
    latest = client.get(url("detail", consultation.pk)).content.decode()
    assert "管理台账" in latest and "新增台账条款" in latest
    older = client.get(url("detail", consultation.pk), {"version": "1"})
    assert "管理台账" not in older.content.decode()
    assert older.context["comment_links"] is False
    assert client.get(url("detail", consultation.pk), {"version": "99"}).context["version"].number == 2


# Unicode digits pass str.isdigit() but not int() ("²") or are no number of ours ("１"): never a 500.
NOT_NUMBERS = ["²", "１", "-1", "9" * 30, "0", "1.0", " "]


@pytest.mark.parametrize("bad", NOT_NUMBERS)
def test_detail_with_a_version_that_is_no_whole_number_shows_the_current_one(client, admin, consultation, bad):
    version = services.version_create(actor=admin, consultation=consultation, text=NEW_TEXT, change_note="修改")
    services.version_publish(actor=admin, version=version)
    response = client.get(url("detail", consultation.pk), {"version": bad})
    assert response.status_code == 200
    assert response.context["version"].number == 2


# --- comments list -----------------------------------------------------------------------------------------
def test_comments_page_filters_by_article_and_hides_hidden_comments(client, admin, consultation, association_admin):
    on_five = submit(association_admin, consultation, problem="第五条的意见")
    general = submit(association_admin, consultation, label=None, problem="总体的意见")
    hidden = submit(association_admin, consultation, problem="含有不当内容的意见")
    services.comment_hide(actor=admin, comment=hidden, reason="含个人信息")
    withdrawn = submit(association_admin, consultation, problem="后来撤回的意见")
    services.comment_withdraw(actor=association_admin, comment=withdrawn)

    html = client.get(url("comments", consultation.pk)).content.decode()
    assert on_five.receipt_number in html and general.receipt_number in html
    assert hidden.receipt_number not in html and "含有不当内容" not in html
    assert withdrawn.receipt_number not in html
    key = article(consultation, "第五条").key
    only_five = client.get(url("comments", consultation.pk), {"article": key}).content.decode()
    assert on_five.receipt_number in only_five and general.receipt_number not in only_five
    only_general = client.get(url("comments", consultation.pk), {"article": "general"}).content.decode()
    assert general.receipt_number in only_general and on_five.receipt_number not in only_general

    client.force_login(admin)
    staff_view = client.get(url("comments", consultation.pk)).content.decode()
    assert "含有不当内容的意见" in staff_view and "含个人信息" in staff_view
    assert "is-hidden" in staff_view and "is-withdrawn" in staff_view


def test_comments_page_paginates(client, consultation, association_admin):
    for n in range(23):
        submit(association_admin, consultation, problem=f"意见{n}")
    first = client.get(url("comments", consultation.pk))
    assert len(first.context["page"].object_list) == 20
    assert len(client.get(url("comments", consultation.pk), {"page": "2"}).context["page"].object_list) == 3


# --- comment form ------------------------------------------------------------------------------------------
def test_comment_page_needs_login(client, consultation):
    response = client.get(url("comment", consultation.pk))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("bad", NOT_NUMBERS)
def test_comment_page_ignores_preselected_points_that_are_no_whole_numbers(client, consultation, association,
                                                                          association_admin, member_firm, bad):
    point = services.member_point_submit(actor=firm_user(member_firm), consultation=consultation, firm=member_firm,
                                         association=association, problem="会员单位的意见")
    client.force_login(association_admin)
    response = client.get(url("comment", consultation.pk), {"points": f"{bad},{point.pk}"})
    assert response.status_code == 200
    assert response.context["checked_points"] == [str(point.pk)]


def test_comment_page_is_404_for_staff_of_an_association_not_invited(client, consultation, other_association):
    client.force_login(association_staff(other_association))
    assert client.get(url("comment", consultation.pk)).status_code == 404
    assert client.post(url("comment", consultation.pk), {"problem": "x"}).status_code == 404
    assert not Comment.objects.exists()


def test_comment_form_preselects_the_speaker_and_quotes_the_article(client, consultation, association,
                                                                    association_admin):
    target = article(consultation, "第五条")
    client.force_login(association_admin)
    response = client.get(url("comment", consultation.pk), {"article": target.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert association.name in html
    assert f'value="association:{association.pk}"' in html and "checked" in html
    assert response.context["selected_article"] == str(target.pk)
    assert f'data-article="{target.pk}">' in html  # its quote is the one not hidden
    assert 'type="file" name="attachments"' in html and "multiple" in html


def test_comment_post_creates_comment_with_receipt_and_attachment(client, consultation, association,
                                                                  association_admin):
    target = article(consultation, "第五条")
    client.force_login(association_admin)
    response = client.post(url("comment", consultation.pk), {
        "speaker": f"association:{association.pk}", "article": str(target.pk), "problem": "收运时间规定过严。",
        "reason": "夜间收运扰民。", "suggestion": "改为每日22时前收运。", "contact": "13800000000",
        "attachments": [SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf")],
    })
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("receipt", comment.receipt_number)
    assert comment.association == association and comment.article == target
    assert comment.quoted_label == "第五条" and comment.suggestion == "改为每日22时前收运。"
    attachment = CommentAttachment.objects.get()
    assert attachment.name == "说明.pdf" and attachment.size == len(PDF)

    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert comment.receipt_number in html and comment.fingerprint in html and "说明.pdf" in html
    assert url("withdraw", comment.receipt_number) in html


def test_comment_with_bad_attachment_rerenders_with_the_error(client, consultation, association, association_admin):
    client.force_login(association_admin)
    response = client.post(url("comment", consultation.pk), {
        "speaker": f"association:{association.pk}", "problem": "意见",
        "attachments": [SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="application/octet-stream")],
    })
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert response.context["reattach"] is True
    assert not Comment.objects.exists()


def test_comment_on_an_article_of_another_consultation_is_refused(client, admin, consultation, association,
                                                                  association_admin):
    other = make_consultation(admin=admin, invited=[association])
    client.force_login(association_admin)
    response = client.post(url("comment", consultation.pk), {
        "speaker": f"association:{association.pk}", "problem": "意见", "article": str(article(other, "第五条").pk)})
    assert response.status_code == 200
    assert response.context["form"].errors["article"]
    assert not Comment.objects.exists()
    assert client.get(url("comment", consultation.pk), {"article": "abc"}).context["selected_article"] == ""


def test_comment_without_problem_rerenders(client, consultation, association, association_admin):
    client.force_login(association_admin)
    response = client.post(url("comment", consultation.pk), {"speaker": f"association:{association.pk}",
                                                             "problem": "<script>x</script>"})
    assert response.status_code == 200
    assert response.context["form"].errors["problem"]
    assert not Comment.objects.exists()


def test_comment_after_deadline_is_refused(client, consultation, association, association_admin):
    client.force_login(association_admin)
    assert client.get(url("comment", consultation.pk)).status_code == 200  # the form is loaded in time …
    with time_machine.travel(consultation.ends_at + timedelta(seconds=1)):
        response = client.post(url("comment", consultation.pk), {  # … and posted too late
            "speaker": f"association:{association.pk}", "problem": "迟到的意见"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "迟到的意见" in response.content.decode()  # the text is kept for the user
    assert not Comment.objects.exists()


def test_script_in_comment_is_sanitised_and_not_executed(client, consultation, association, association_admin):
    client.force_login(association_admin)
    client.post(url("comment", consultation.pk), {
        "speaker": f"association:{association.pk}", "problem": "问题<script>alert('x')</script><b>加粗</b>",
        "suggestion": '<img src=x onerror="alert(1)">建议'})
    comment = Comment.objects.get()
    assert "<script" not in comment.problem and "alert" not in comment.problem
    assert "onerror" not in comment.suggestion
    client.logout()
    html = client.get(url("comments", consultation.pk)).content.decode()
    assert "<b>加粗</b>" in html
    assert "alert(" not in html and "onerror" not in html


def test_association_adopts_pending_member_points(client, consultation, association, association_admin):
    firm = MembershipFactory(association=association).firm
    point = services.member_point_submit(actor=firm_user(firm), consultation=consultation, firm=firm,
                                         association=association, problem="会员单位：收运频次太高")
    client.force_login(association_admin)
    form_page = client.get(url("comment", consultation.pk)).content.decode()
    assert "会员单位：收运频次太高" in form_page and firm.name in form_page
    client.post(url("comment", consultation.pk), {"speaker": f"association:{association.pk}", "problem": "汇总意见",
                                                  "adopted_points": [str(point.pk)]})
    point.refresh_from_db()
    assert point.status == MemberPoint.Status.ADOPTED
    assert list(point.comment.consulted_firms.all()) == [firm]


# --- receipt and withdrawal ---------------------------------------------------------------------------------
def test_receipt_is_for_the_owner_and_the_committee(client, admin, consultation, association_admin,
                                                    other_association):
    comment = submit(association_admin, consultation)
    client.force_login(association_staff(other_association))
    assert client.get(url("receipt", comment.receipt_number)).status_code == 404
    assert client.post(url("withdraw", comment.receipt_number)).status_code == 404
    client.force_login(admin)
    assert client.get(url("receipt", comment.receipt_number)).status_code == 200
    client.force_login(association_admin)
    assert client.get(url("receipt", comment.receipt_number)).status_code == 200
    assert client.get(url("receipt", "ZQ-1900-0001-0001")).status_code == 404


def test_withdraw_keeps_the_record_and_removes_it_from_public_view(client, consultation, association_admin):
    comment = submit(association_admin, consultation, problem="准备撤回的意见")
    client.force_login(association_admin)
    response = client.post(url("withdraw", comment.receipt_number))
    assert response.status_code == 302 and response["Location"] == url("receipt", comment.receipt_number)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.WITHDRAWN
    receipt = client.get(url("receipt", comment.receipt_number))
    assert receipt.context["can_withdraw"] is False
    client.logout()
    assert "准备撤回的意见" not in client.get(url("comments", consultation.pk)).content.decode()


def test_withdraw_after_deadline_changes_nothing(client, consultation, association_admin):
    comment = submit(association_admin, consultation)
    client.force_login(association_admin)
    with time_machine.travel(consultation.ends_at + timedelta(seconds=1)):
        response = client.post(url("withdraw", comment.receipt_number), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SUBMITTED


def test_attachment_follows_its_comment(client, admin, association, association_admin, other_association):
    consultation = make_consultation(admin=admin, invited=[association], visibility=Visibility.COMMITTEE)
    comment = submit(association_admin, consultation, files=[SimpleUploadedFile("a.pdf", PDF)])
    link = url("attachment", comment.attachments.get().pk)
    assert client.get(link).status_code == 404  # committee-only visibility
    client.force_login(association_staff(other_association))
    assert client.get(link).status_code == 404
    client.force_login(association_admin)
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


def test_public_attachment_of_public_comment_can_be_downloaded(client, consultation, association_admin):
    comment = submit(association_admin, consultation, files=[SimpleUploadedFile("a.pdf", PDF)])
    assert client.get(url("attachment", comment.attachments.get().pk)).status_code == 200


# --- redline -----------------------------------------------------------------------------------------------
def test_diff_between_two_versions(client, admin, consultation):
    version = services.version_create(actor=admin, consultation=consultation, text=NEW_TEXT, change_note="新增台账条款")
    services.version_publish(actor=admin, version=version)
    response = client.get(url("diff", consultation.pk))
    assert response.status_code == 200
    assert (response.context["old"].number, response.context["new"].number) == (1, 2)
    html = response.content.decode()
    assert "新增台账条款" in html
    assert "第五条 → 第六条" in html
    assert "<ins>" in html and "<del>" in html
    statuses = {item.status for item in response.context["items"]}
    assert {"added", "changed", "unchanged"} <= statuses
    changed = client.get(url("diff", consultation.pk), {"changed": "1"})
    assert "unchanged" not in {item.status for item in changed.context["items"]}


@pytest.mark.parametrize("params", [{"from": "9", "to": "1"}, {"from": "x", "to": ""}, {"from": "2", "to": "2"},
                                    {"from": "-1", "to": "99999999999"}, {"from": "²", "to": "²"},
                                    {"from": "１", "to": "２"}, {"from": "9" * 30, "to": "0"}])
def test_diff_with_bad_versions_falls_back_to_the_latest_two(client, admin, consultation, params):
    version = services.version_create(actor=admin, consultation=consultation, text=NEW_TEXT, change_note="修改")
    services.version_publish(actor=admin, version=version)
    response = client.get(url("diff", consultation.pk), params)
    assert response.status_code == 200
    assert (response.context["old"].number, response.context["new"].number) == (1, 2)


def test_diff_with_one_version_says_there_is_nothing_to_compare(client, consultation):
    response = client.get(url("diff", consultation.pk))
    assert response.status_code == 200
    assert response.context["items"] == []


def test_unpublished_version_is_compared_for_the_committee_only(client, admin, consultation):
    services.version_create(actor=admin, consultation=consultation, text=NEW_TEXT, change_note="未发布的修改")
    assert client.get(url("diff", consultation.pk)).context["old"] is None
    client.force_login(admin)
    assert client.get(url("diff", consultation.pk)).context["new"].number == 2


# --- outcome -----------------------------------------------------------------------------------------------
def _publish_outcome(admin, consultation, answers):
    for comment, result, reason in answers:
        services.response_save(actor=admin, comment=comment, result=result, reason=reason)
    with time_machine.travel(consultation.ends_at + timedelta(hours=1)):
        services.outcome_publish(actor=admin, consultation=consultation, note="<p>感谢各单位</p>")


def test_outcome_is_404_before_publishing_and_a_preview_for_the_committee(client, admin, consultation,
                                                                          association_admin):
    comment = submit(association_admin, consultation)
    services.response_save(actor=admin, comment=comment, result=Result.NOT_ADOPTED, reason="已有上位法规定的草稿答复")
    assert client.get(url("outcome", consultation.pk)).status_code == 404
    client.force_login(association_admin)
    assert client.get(url("outcome", consultation.pk)).status_code == 404
    client.force_login(admin)
    preview = client.get(url("outcome", consultation.pk))
    assert preview.status_code == 200 and preview.context["preview"] is True
    assert "已有上位法规定的草稿答复" in preview.content.decode()


def test_outcome_shows_published_answers_only(client, admin, consultation, association_admin):
    adopted = submit(association_admin, consultation, problem="建议放宽收运时间")
    rejected = submit(association_admin, consultation, label=None, problem="建议取消许可")
    _publish_outcome(admin, consultation, [(adopted, Result.ADOPTED, ""),
                                           (rejected, Result.NOT_ADOPTED, "许可制度由上位法规定")])
    # A newer answer saved after publishing stays internal until the outcome is published again.
    services.response_save(actor=admin, comment=rejected, result=Result.PARTLY, reason="尚未发布的新答复")

    response = client.get(url("outcome", consultation.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "许可制度由上位法规定" in html and "感谢各单位" in html
    assert "尚未发布的新答复" not in html
    assert adopted.receipt_number in html and association_admin.display_name not in html
    assert [row.response.result for row in response.context["rows"]] == [Result.ADOPTED, Result.NOT_ADOPTED]
    assert url("outcome_export", consultation.pk, "xlsx") in html

    client.force_login(admin)
    assert "尚未发布的新答复" not in client.get(url("outcome", consultation.pk)).content.decode()
    assert "尚未发布的新答复" in client.get(url("outcome", consultation.pk), {"preview": "1"}).content.decode()
    assert url("outcome", consultation.pk) in client.get(url("detail", consultation.pk)).content.decode()


def test_outcome_of_hidden_comment_keeps_the_row_without_the_text(client, admin, consultation, association_admin):
    hidden = submit(association_admin, consultation, problem="带有手机号的意见")
    services.comment_hide(actor=admin, comment=hidden, reason="含个人信息")
    _publish_outcome(admin, consultation, [(hidden, Result.OUT_OF_SCOPE, "不属于本办法调整范围")])
    html = client.get(url("outcome", consultation.pk)).content.decode()
    assert "不属于本办法调整范围" in html
    assert "带有手机号的意见" not in html


def test_outcome_export_is_404_for_unknown_format_or_unpublished_outcome(client, admin, consultation):
    assert client.get(url("outcome_export", consultation.pk, "pdf")).status_code == 404
    assert client.get(url("outcome_export", consultation.pk, "csv")).status_code == 404
    client.force_login(admin)
    assert client.get(url("outcome_export", consultation.pk, "docx")).status_code == 404
    assert client.get(f"/consultations/{consultation.pk}/outcome.exe").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "docx"])
def test_outcome_export_downloads_with_a_chinese_file_name(client, admin, consultation, association_admin, fmt):
    comment = submit(association_admin, consultation)
    _publish_outcome(admin, consultation, [(comment, Result.NOT_ADOPTED, "已有规定")])
    response = client.get(url("outcome_export", consultation.pk, fmt))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition and consultation.number in disposition
    assert response.content
    if fmt == "csv":
        assert "已有规定" in response.content.decode("utf-8-sig")


def test_outcome_csv_of_a_hidden_comment_says_withheld_without_the_reason(client, admin, consultation,
                                                                          association_admin):
    hidden = submit(association_admin, consultation, problem="带有手机号的意见")
    services.comment_hide(actor=admin, comment=hidden, reason="含个人信息")
    _publish_outcome(admin, consultation, [(hidden, Result.OUT_OF_SCOPE, "不属于本办法调整范围")])
    text = client.get(url("outcome_export", consultation.pk, "csv")).content.decode("utf-8-sig")
    assert "该意见内容不予公开" in text and "不属于本办法调整范围" in text
    assert "含个人信息" not in text and "带有手机号的意见" not in text


def test_outcome_export_of_a_draft_is_404(client, admin, association):
    draft = make_consultation(admin=admin, invited=[association], publish=False)
    assert client.get(url("outcome_export", draft.pk, "csv")).status_code == 404


def test_public_commenter_needs_public_audience(client, admin, association):
    other = AssociationFactory()
    consultation = make_consultation(admin=admin, invited=[association, other])
    client.force_login(firm_user(MembershipFactory(association=association).firm))
    assert client.get(url("comment", consultation.pk)).status_code == 404
