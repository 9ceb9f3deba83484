"""Private uploads live in PRIVATE_MEDIA_ROOT (core.files.PrivateStorage), never under the public MEDIA_ROOT, have no
URL and are served only by permission-checked views (core.views.stored_file_response).

Downloads already tested elsewhere (allowed user gets an attachment, a stranger is refused):
comment attachments in tests/consultations/test_views.py (test_attachment_follows_its_comment), credit evidence in
tests/credit/test_admin.py and test_workspace.py, award entry files in tests/awards/test_workspace.py and the
judges' in test_judging.py; every download URL also has a row in its app's permission matrix. The tests here add
the committee's links (consultation workbench, expert applications) and the awards objection evidence.
"""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.files import PrivateStorage, private_fields, private_storage
from tests.factories import (
    AssociationFactory,
    FirmFactory,
    UserFactory,
    association_staff,
    committee_user,
    firm_user,
)

PROJECT_APPS = ("associations", "consultations", "credit", "experts", "events", "awards", "portal", "core", "search")
#: "app_label.Model.field" → why the file may be public. Everything else is private.
PUBLIC_FILE_FIELDS: dict[str, str] = {}
#: The private file fields this issue put on the private storage (the sweep must find them all).
KNOWN_PRIVATE = {
    "consultations.CommentAttachment.file", "credit.CreditEvent.evidence_file", "credit.Objection.evidence_file",
    "credit.Repair.evidence_file", "credit.Repair.pledge_file", "experts.Application.document",
    "awards.EntryFile.file", "awards.Objection.evidence",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def _project_file_fields():
    for model in apps.get_models():
        if model._meta.app_config.name.split(".")[0] not in PROJECT_APPS or model._meta.proxy:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, models.FileField):  # ImageField is a FileField
                yield f"{model._meta.label}.{field.name}", field


# --- (a) every file field of the project decides: private storage, or public with a reason --------------------


def test_every_project_file_field_is_private_unless_allowed_with_a_reason():
    fields = dict(_project_file_fields())
    assert KNOWN_PRIVATE <= set(fields), "the sweep no longer finds the known private fields"
    wrong = [name for name, field in fields.items()
             if name not in PUBLIC_FILE_FIELDS and field.storage is not private_storage()]
    assert not wrong, f"file fields on a public storage (use storage=private_storage or allow-list them): {wrong}"
    stale = set(PUBLIC_FILE_FIELDS) - set(fields)
    assert not stale, f"allow-listed fields that no longer exist: {stale}"
    assert all(reason.strip() for reason in PUBLIC_FILE_FIELDS.values())
    assert {f"{label}.{name}" for label, name in private_fields()} >= KNOWN_PRIVATE


def test_private_storage_has_no_url_and_lives_outside_media_root(tmp_path):
    storage = private_storage()
    assert isinstance(storage, PrivateStorage) and storage is private_storage()
    assert Path(storage.location) == Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    with pytest.raises(ValueError, match="private file"):
        storage.url("credit/evidence/x.pdf")
    private, media = Path(settings.PRIVATE_MEDIA_ROOT).resolve(), Path(settings.MEDIA_ROOT).resolve()
    assert not private.is_relative_to(media) and not media.is_relative_to(private)
    from portal.settings import base

    assert not Path(base.PRIVATE_MEDIA_ROOT).is_relative_to(base.MEDIA_ROOT)


# --- (b) each real upload path writes into PRIVATE_MEDIA_ROOT only ---------------------------------------------


@pytest.fixture
def roots(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _assert_private(stored, roots):
    media, private = roots
    assert stored.name and (private / stored.name).is_file(), stored.name
    assert stored.storage is private_storage() and stored.path == str(private / stored.name)
    assert not _files(media), _files(media)
    with pytest.raises(ValueError, match="private file"):
        stored.url  # noqa: B018


def _comment_attachment():
    from consultations import services
    from consultations.models import Visibility
    from tests.consultations.helpers import article, make_consultation

    association = AssociationFactory()
    consultation = make_consultation(invited=[association], visibility=Visibility.COMMITTEE)
    comment = services.comment_submit(actor=association_staff(association), consultation=consultation,
                                      speaker=f"association:{association.pk}", article=article(consultation, "第五条"),
                                      problem="收运时间规定过严。", files=[SimpleUploadedFile("意见.pdf", PDF)])
    return comment.attachments.get()


def _evidence_event():
    from tests.credit.helpers import at, make_scheme, record, travel

    admin = committee_user()
    with travel(at(2026, 3, 20, 10)):
        return record(admin, FirmFactory(sector="municipal"), make_scheme(admin), "B01", on=date(2026, 3, 3))


def _application():
    from experts import services
    from tests.experts.helpers import committee_pool

    return services.application_submit(
        actor=UserFactory(), pool=committee_pool(), profile={"name": "赵申请", "birth_year": 1980, "title": "senior",
                                                              "years_in_field": 10, "fields": ["law"]},
        document=SimpleUploadedFile("证明.pdf", PDF))


def _entry_file():
    from awards import services
    from awards.models import Entry
    from tests.awards.helpers import make_campaign, member_firm

    campaign, firm = make_campaign(), member_firm()
    entry = Entry.objects.create(campaign=campaign, category=campaign.categories.first(), firm=firm, title="作品",
                                 description="门头招牌")
    return services.entry_add_file(actor=firm_user(firm), entry=entry, kind="image",
                                   upload=SimpleUploadedFile("门头.png", PNG, "image/png"))


def _award_objection():
    from awards import services
    from awards.models import CampaignState
    from tests.awards.helpers import make_campaign

    now = timezone.now()
    campaign = make_campaign(state=CampaignState.PUBLICITY, publicity_starts=now - timedelta(days=1),
                             publicity_ends=now + timedelta(days=5))
    return services.objection_file(actor=UserFactory(), campaign=campaign, name="张先生", contact="13800000000",
                                   reason="该招牌设置未取得许可，且与风貌不符。",
                                   evidence=SimpleUploadedFile("证据.pdf", PDF))


UPLOADS = {
    "comment attachment": (_comment_attachment, "file"),
    "credit evidence": (_evidence_event, "evidence_file"),
    "expert application document": (_application, "document"),
    "award entry file": (_entry_file, "file"),
    "award objection evidence": (_award_objection, "evidence"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", UPLOADS)
def test_an_upload_is_saved_under_private_media_root_only(kind, roots):
    make, field = UPLOADS[kind]
    obj = make()
    obj.refresh_from_db()
    _assert_private(getattr(obj, field), roots)


# --- (c) downloads not covered elsewhere -----------------------------------------------------------------------


def _download(client, user, url):
    if user is not None:
        client.force_login(user)
    else:
        client.logout()
    return client.get(url)


def _assert_attachment(response, data):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == data


@pytest.mark.django_db
def test_committee_workbench_links_a_comment_attachment_to_the_checked_view(client, roots):
    attachment = _comment_attachment()
    committee = committee_user(admin=False)
    client.force_login(committee)
    html = client.get(reverse("consultations_admin:responses", args=[attachment.comment.consultation_id])
                      ).content.decode()
    link = reverse("consultations:attachment", args=[attachment.pk])
    assert f'href="{link}"' in html and attachment.file.name not in html
    _assert_attachment(client.get(link), PDF)
    assert _download(client, UserFactory(), link).status_code == 404


@pytest.mark.django_db
def test_an_expert_application_document_is_served_to_the_committee_only(client, roots):
    application = _application()
    link = reverse("experts_admin:application_document", args=[application.pk])
    html = _download(client, committee_user(admin=False),
                     reverse("experts_admin:application", args=[application.pk])).content.decode()
    assert f'href="{link}"' in html and application.document.name not in html
    response = client.get(link)
    _assert_attachment(response, PDF)
    assert "filename" in response["Content-Disposition"]
    for stranger in (UserFactory(), application.submitted_by, association_staff(AssociationFactory())):
        assert _download(client, stranger, link).status_code == 302  # Wagtail's permission-denied redirect
    assert _download(client, None, link).status_code == 302


@pytest.mark.django_db
def test_an_award_objection_evidence_is_served_to_the_organiser_only(client, roots):
    objection = _award_objection()
    link = reverse("awards_manage:objection_evidence", args=[objection.pk])
    _assert_attachment(_download(client, committee_user(admin=False), link), PDF)
    assert _download(client, objection.filed_by, link).status_code in (403, 404)
    assert _download(client, association_staff(AssociationFactory()), link).status_code in (403, 404)
    assert _download(client, None, link).status_code == 302


# --- (d) no template builds a URL to a private file ------------------------------------------------------------

PRIVATE_URL = re.compile(r"\.(file|evidence_file|evidence|document|pledge_file)\.url\b")
# Wagtail documents (public by design): an event page's documents and the policy library's download links.
PUBLIC_DOCUMENT_TEMPLATES = {"events/event_page.html": "item.document.url"}


def test_no_template_links_to_a_private_file_url():
    root = Path(settings.BASE_DIR) / "templates"
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ".txt", ".xml"):
            continue
        name = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in PRIVATE_URL.finditer(line):
                allowed = PUBLIC_DOCUMENT_TEMPLATES.get(name)
                if not (allowed and line[max(0, match.start() - 20):match.end()].endswith(allowed)):
                    found.append(f"{name}:{number}: {match.group(0)}")
    assert not found, f"templates linking to a private file's URL (use its download view): {found}"
