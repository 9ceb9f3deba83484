import pytest

from core.audit import audit_log
from core.models import AuditEntry, ImmutableRecordError
from tests.factories import AssociationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_audit_entry_records_actor_action_and_object():
    user = UserFactory()
    association = AssociationFactory()
    entry = audit_log(actor=user, action="test.thing.done", obj=association, data={"k": 1})
    entry.refresh_from_db()
    assert entry.actor == user
    assert entry.object_type == "associations.association"
    assert entry.object_id == str(association.pk)
    assert entry.data == {"k": 1}
    assert list(AuditEntry.objects.for_object(association)) == [entry]


def test_audit_entries_cannot_be_edited_or_deleted():
    entry = audit_log(actor="system", action="test.thing.done")
    entry.action = "forged"
    with pytest.raises(ImmutableRecordError):
        entry.save()
    with pytest.raises(ImmutableRecordError):
        entry.delete()
    with pytest.raises(ImmutableRecordError):
        AuditEntry.objects.all().update(action="forged")
    with pytest.raises(ImmutableRecordError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.thing.done"
