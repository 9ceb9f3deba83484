"""Integrity of the records of public consequence: fingerprints verify, the audit log is append-only, and no admin
screen (Django admin or Wagtail) offers an edit or delete path for the immutable records."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin as django_admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from wagtail.admin.viewsets import viewsets as wagtail_viewsets
from wagtail.snippets.models import get_snippet_models

from consultations import permissions, services
from core.audit import audit_log
from core.models import AuditEntry, ImmutableRecordError
from portal.demo.attachments import pdf_document
from tests.consultations.helpers import make_consultation
from tests.factories import AssociationFactory, association_staff, committee_user

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, tzinfo=SH)
IMMUTABLE = ["consultations.Comment", "consultations.Response", "credit.CreditEvent", "credit.Rating",
             "experts.Draw", "awards.Score", "core.AuditEntry"]


@pytest.fixture
def comments(db):
    association = AssociationFactory()
    with time_machine.travel(START - timedelta(days=1), tick=False):
        consultation = make_consultation(invited=[association], starts_at=START, ends_at=START + timedelta(days=30))
    user = association_staff(association)
    speaker = permissions.speakers_for(user, consultation)[0].value
    with time_machine.travel(START + timedelta(days=2), tick=False):
        plain = services.comment_submit(actor=user, consultation=consultation, speaker=speaker,
                                        problem="第五条不明确。")
        pdf = SimpleUploadedFile("说明.pdf", pdf_document("说明", ["附件说明。"], when=START),
                                 content_type="application/pdf")
        with_file = services.comment_submit(actor=user, consultation=consultation, speaker=speaker,
                                            problem="第六条过严。", files=[pdf])
    return plain, with_file


# --- fingerprints --------------------------------------------------------------------------------------


def test_verify_fingerprints_passes_on_untouched_comments(comments, capsys):
    call_command("verify_fingerprints")
    assert "2" in capsys.readouterr().out


def test_verify_fingerprints_reports_a_comment_altered_in_the_database(comments, capsys):
    plain, other = comments
    with connection.cursor() as cursor:
        cursor.execute("UPDATE consultations_comment SET problem = %s WHERE id = %s", ["篡改后的内容", plain.pk])
    with pytest.raises(CommandError):
        call_command("verify_fingerprints")
    err = capsys.readouterr().err
    assert plain.receipt_number in err and other.receipt_number not in err


def test_verify_fingerprints_reports_an_altered_attachment_file(comments, capsys):
    _plain, with_file = comments
    attachment = with_file.attachments.get()
    with open(attachment.file.path, "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(CommandError):
        call_command("verify_fingerprints")
    assert with_file.receipt_number in capsys.readouterr().err


# --- audit log -----------------------------------------------------------------------------------------


def test_audit_entries_cannot_be_updated_or_deleted(db):
    entry = audit_log(actor=None, action="test.integrity", data={"n": 1})
    with pytest.raises(ImmutableRecordError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(ImmutableRecordError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ImmutableRecordError):
        entry.delete()
    entry.action = "changed"
    with pytest.raises(ImmutableRecordError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.integrity"


# --- admin screens -------------------------------------------------------------------------------------


def _resolvers(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield pattern
            yield from _resolvers(pattern)


def test_the_django_admin_is_not_mounted_and_registers_no_immutable_model():
    assert not [r for r in _resolvers() if getattr(r, "app_name", None) == "admin"]
    registered = {model._meta.label for model in django_admin.site._registry}
    assert not registered & set(IMMUTABLE)


def test_no_snippet_is_an_immutable_record():
    assert not {m._meta.label for m in get_snippet_models()} & set(IMMUTABLE)


def _immutable_viewsets():
    models = {apps.get_model(label) for label in IMMUTABLE}
    return [vs for vs in wagtail_viewsets.viewsets if getattr(vs, "model", None) in models]


def test_wagtail_viewsets_of_immutable_records_have_no_edit_or_delete_view():
    found = _immutable_viewsets()
    assert found, "the audit log viewset should be registered"
    for viewset in found:
        for view in ("edit", "delete"):
            with pytest.raises(NoReverseMatch):
                reverse(viewset.get_url_name(view), args=[1])


@pytest.mark.django_db
def test_committee_admin_gets_no_edit_or_delete_page_for_audit_entries(client):
    entry = audit_log(actor=None, action="test.integrity")
    client.force_login(committee_user(admin=True))
    base = reverse("audit_log_admin:inspect", args=[entry.pk]).rsplit("/inspect/", 1)[0]
    assert client.get(reverse("audit_log_admin:inspect", args=[entry.pk])).status_code == 200
    for suffix in ("/edit/", "/delete/"):
        for method in (client.get, client.post):
            assert method(base + suffix).status_code in (403, 404, 405)
    assert AuditEntry.objects.filter(pk=entry.pk, action="test.integrity").exists()


def test_no_admin_url_name_edits_or_deletes_an_immutable_record():
    """Every named URL under /admin/ whose name says edit/delete and mentions an immutable model is a hole."""
    words = {m.split(".")[1].lower() for m in IMMUTABLE} | {"comment", "response", "creditevent", "rating",
                                                               "draw", "score", "audit"}
    holes = []
    for resolver in _resolvers():
        namespace = resolver.namespace or ""
        for pattern in resolver.url_patterns:
            name = getattr(pattern, "name", "") or ""
            if any(verb in name for verb in ("edit", "delete")) and any(w in name.lower() for w in words):
                holes.append(f"{namespace}:{name}")
    assert holes == []
