"""Writing one checked line: the page created or updated with a published revision, its attachments stored as
Wagtail documents, and its supersedes/interprets links. Runs inside the caller's savepoint."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.models import Collection, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.utils.file import hash_filelike

from core.audit import audit_log

from ..models import PolicyAttachment, PolicyIndexPage, PolicyPage
from .parsing import ParsedAttachment, ParsedLine
from .report import LineError, LineResult

AUDIT_ACTION = "portal.policy.imported"
ATTACHMENT_COLLECTION = "政策文件附件"


def attachment_collection() -> Collection:
    """The collection 政策文件附件 under the root collection (created when missing)."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=ATTACHMENT_COLLECTION).first()
    return existing or root.add_child(name=ATTACHMENT_COLLECTION)


def _document_for(attachment: ParsedAttachment, collection: Collection, stored_files: list[str], touched: list):
    """The Wagtail document with this content and title, reused when it exists, else created."""
    Document = get_document_model()
    digest = hash_filelike(BytesIO(attachment.data))
    existing = (
        Document.objects.filter(collection=collection, file_hash=digest, title=attachment.title).order_by("id").first()
    )
    if existing is not None:
        return existing
    document = Document(title=attachment.title, collection=collection)
    document.file.save(attachment.name, ContentFile(attachment.data), save=False)
    stored_files.append(document.file.name)
    document.file_size = len(attachment.data)
    document.file_hash = digest
    document.save()
    touched.append(document)
    return document


def _find_existing(line: ParsedLine) -> PolicyPage | None:
    if line.document_number:
        return PolicyPage.objects.filter(document_number=line.document_number).first()
    matches = list(PolicyPage.objects.filter(document_number="", title=line.title)[:2])
    if len(matches) > 1:
        raise LineError(
            _("More than one policy without a document number is titled “%(title)s”; give the document number.")
            % {"title": line.title}
        )
    return matches[0] if matches else None


def _check_editable(page: PolicyPage, *, superseded: bool = False) -> None:
    """Refuse to publish over a draft (or to republish a page taken offline) made in the admin."""
    if page.live and not page.has_unpublished_changes:
        return
    if superseded:
        message = _(
            "The superseded policy “%(title)s” has unpublished changes or is unpublished in the admin; publish or "
            "discard them there first."
        )
    else:
        message = _(
            "The policy “%(title)s” has unpublished changes or is unpublished in the admin; publish or discard them "
            "there first."
        )
    raise LineError(message % {"title": page.title})


def _find_reference(reference: str) -> PolicyPage | None:
    page = PolicyPage.objects.filter(document_number=reference).first()
    if page is None:
        matches = list(PolicyPage.objects.filter(title=reference.strip("《》"))[:2])
        page = matches[0] if len(matches) == 1 else None
    return page


def _field_values(line: ParsedLine, page: PolicyPage | None) -> dict[str, Any]:
    """The model fields this line sets. On an update, absent optional keys keep the page's value."""
    values = {
        "title": line.title,
        "document_number": line.document_number,
        "issuing_body_id": line.issuing_body.pk,
        "category": line.category,
        "date_written": line.date_written,
        "date_published": line.date_published,
    }
    optional = {
        "date_effective": line.date_effective,
        "validity": line.validity,
        "subject_category": line.subject_category,
        "keywords": line.keywords,
        "disclosure": line.disclosure,
        "summary": line.summary,
    }
    for key, value in optional.items():
        if page is None or key in line.keys:
            values[key] = value
    if page is not None and page.superseded_by_id:
        # A superseded policy's validity belongs to the link made by its successor's line.
        values.pop("validity", None)
    return values


def _raw_body(page: PolicyPage) -> list[tuple[str, Any]]:
    return [(block["type"], block["value"]) for block in page.body.raw_data]


def apply_line(*, actor, line: ParsedLine, index_id: int, file_name: str, stored_files: list[str]) -> LineResult:
    """Write one checked line (inside the caller's savepoint). Raises LineError or ValidationError."""
    touched: list = []
    # Each page save would refresh Wagtail's reference index (attachment usage) again; do it once at the end.
    with disable_reference_index_auto_update():
        result = _write_line(
            actor=actor, line=line, index_id=index_id, file_name=file_name, stored_files=stored_files, touched=touched
        )
    for obj in touched:
        ReferenceIndex.create_or_update_for_object(obj)
    return result


def _write_line(
    *, actor, line: ParsedLine, index_id: int, file_name: str, stored_files: list[str], touched: list
) -> LineResult:
    page = _find_existing(line)
    if page is not None:
        page = page.specific
        _check_editable(page)

    interprets = None
    if line.interprets:
        interprets = _find_reference(line.interprets)
        if interprets is None:
            raise LineError(
                _("“interprets” names %(ref)s, but no policy has that document number.") % {"ref": line.interprets}
            )
    targets = []
    for number, validity in line.supersedes:
        if number == line.document_number:
            raise LineError(_("A policy cannot supersede itself."))
        target = PolicyPage.objects.filter(document_number=number).first()
        if target is None:
            raise LineError(
                _(
                    "“supersedes” names %(ref)s, but no policy has that document number (it must be imported "
                    "before this line)."
                )
                % {"ref": number}
            )
        target = target.specific
        if page is not None and target.pk == page.pk:
            raise LineError(_("A policy cannot supersede itself."))
        if page is not None and page.superseded_by_id == target.pk:
            raise LineError(
                _("%(ref)s is the successor of this policy; it cannot also be superseded by it.") % {"ref": number}
            )
        if target.superseded_by_id and (page is None or target.superseded_by_id != page.pk):
            raise LineError(
                _("%(ref)s is already superseded by “%(title)s”.")
                % {"ref": number, "title": target.superseded_by.title}
            )
        targets.append((target, validity))

    documents = None
    if page is None or "attachments" in line.keys:
        collection = attachment_collection() if line.attachments else None
        documents = [(_document_for(a, collection, stored_files, touched), a.title) for a in line.attachments]

    values = _field_values(line, page)
    if page is None or "interprets" in line.keys:
        values["interprets_id"] = interprets.pk if interprets else None

    if page is None:
        page = PolicyPage(**values, live=False)  # a draft until the revision is published below
        page.body = line.body
        page.tags.set(line.tags)
        page.attachments = [PolicyAttachment(document=doc, title="") for doc, _title in documents]
        # A fresh parent each time: a rolled-back line leaves a cached parent's child count wrong.
        PolicyIndexPage.objects.get(pk=index_id).add_child(instance=page)
        page.save_revision(log_action=True).publish()  # save_revision runs full_clean: the model's rules apply
        status = "created"
    else:
        changed = any(getattr(page, key) != value for key, value in values.items())
        if "body" in line.keys and _raw_body(page) != [(b["type"], b["value"]) for b in line.body]:
            page.body = line.body
            changed = True
        if "tags" in line.keys and sorted(page.tags.names()) != sorted(line.tags):
            page.tags.set(line.tags)
            changed = True
        if documents is not None:
            current = [(a.document_id, a.title) for a in page.attachments.all()]
            if current != [(doc.pk, "") for doc, _title in documents]:
                page.attachments = [PolicyAttachment(document=doc, title="") for doc, _title in documents]
                changed = True
        for key, value in values.items():
            setattr(page, key, value)
        if "title" in values:
            page.draft_title = page.title
        status = "unchanged"
        if changed:
            page.save_revision(log_action=True).publish()  # save_revision runs full_clean
            status = "updated"

    for target, validity in targets:
        if target.superseded_by_id == page.pk and target.validity == validity:
            continue
        _check_editable(target, superseded=True)
        target.superseded_by = page
        target.validity = validity
        target.save_revision(log_action=True).publish()
        touched.append(target)
        audit_log(
            actor=actor,
            action=AUDIT_ACTION,
            obj=target,
            data={
                "file": file_name,
                "line": line.number,
                "change": "superseded",
                "superseded_by": page.pk,
                "validity": validity,
            },
        )
        if status == "unchanged":
            status = "updated"

    if status != "unchanged":
        page.refresh_from_db()
        touched.append(page)
        audit_log(
            actor=actor,
            action=AUDIT_ACTION,
            obj=page,
            data={
                "file": file_name,
                "line": line.number,
                "change": status,
                "document_number": page.document_number,
                "revision": page.latest_revision_id,
            },
        )
    return LineResult(
        number=line.number, status=status, title=page.title, document_number=page.document_number, page_id=page.pk
    )


def delete_stored_files(files: list[str]) -> None:
    """Delete the document files stored for lines that were rolled back (and empty the list)."""
    if not files:
        return
    storage = get_document_model()._meta.get_field("file").storage
    for name in files:
        try:
            storage.delete(name)
        except OSError:
            pass
    files.clear()
