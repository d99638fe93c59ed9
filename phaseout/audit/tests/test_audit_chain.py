import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from phaseout.audit.models import AuditEntry
from phaseout.audit.services import audit_record, audit_verify


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, action="line.update", object_type="thing", object_id=i,
                         before={"v": i}, after={"v": i + 1, "名称": "钢铁", "x": 1.5})


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_chains_each_entry_to_the_one_before():
    _write(3)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert audit_verify().ok


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_names_the_first_entry_altered_directly_in_the_database(capsys):
    _write(4)
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor_label = %s WHERE seq = 2", ["mallory"])
        cursor.execute(f"UPDATE {table} SET action = %s WHERE seq = 3", ["test.forged"])
    result = audit_verify()
    assert result.broken_seq == 2
    with pytest.raises(CommandError, match="entry #2"):
        call_command("audit", "verify")


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_notices_a_deleted_entry():
    _write(3)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = 2")
    result = audit_verify()
    assert result.broken_seq == 2 and "missing" in result.reason


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_refuses_to_change_or_delete_an_entry_through_the_orm():
    _write(1)
    entry = AuditEntry.objects.get()
    entry.action = "other"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_reports_an_intact_chain(capsys):
    _write(2)
    call_command("audit", "verify")
    assert "2 entries verified" in capsys.readouterr().out


@pytest.mark.req("P1")
def test_it_refuses_an_action_missing_from_the_one_list(db):
    from phaseout.audit.actions import UnknownAction

    with pytest.raises(UnknownAction, match="phaseout/audit/actions.py"), transaction.atomic():
        audit_record(actor=None, action="line.teleport", object_type="line", object_id=1)
    assert not AuditEntry.objects.filter(action="line.teleport").exists()


@pytest.mark.req("P1")
def test_every_action_has_a_chinese_label(settings):
    from django.utils import translation

    from phaseout.audit.actions import Action

    def labels(language):
        with translation.override(language):
            return {a.value: str(a.label) for a in Action}

    english, chinese = labels("en"), labels("zh-hans")
    assert [code for code in english if chinese[code] == english[code]] == []
