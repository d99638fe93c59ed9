"""Test data for the cases app: the exit's own records that a step of the exit needs (the edge
requirement EXIT_CHECKS), built directly, for tests whose subject is the step itself rather
than the exit panel that normally records them (cases/exits.py, cases/exit_acceptance.py)."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from phaseout.accounts.models import User
from phaseout.cases.exit_validators import SEALING_ITEMS, exit_current
from phaseout.cases.models import (
    Acceptance,
    Case,
    Evidence,
    ExitItem,
    ExitRecord,
    Reinspection,
)
from phaseout.cases.workflow import EXIT_CHECKS, State, edge

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
URL = "https://gdii.gd.gov.cn/zwgk/tzgg/content/post_1.html"


def _evidence(case: Case, what: str) -> Evidence:
    return Evidence.objects.create(case=case, file=SimpleUploadedFile("exit.pdf", PDF),
                                   description=what, taken_on=timezone.localdate())


def _record(case: Case, method: str) -> ExitRecord:
    record = exit_current(case)
    if record is None or record.completed_on is not None:
        record = ExitRecord.objects.create(case=case, round=(record.round + 1) if record else 1,
                                           method=method, planned_at=timezone.now())
    return record


def _items(record: ExitRecord, kinds) -> None:
    for kind in kinds:
        ExitItem.objects.create(exit=record, kind=kind, done_on=timezone.localdate(),
                                evidence=_evidence(record.case, str(kind)),
                                recorded_at=timezone.now())


def _dismantled(case: Case) -> None:
    _items(_record(case, ExitRecord.Method.DISMANTLE), [ExitItem.Kind.MAIN_EQUIPMENT_DISMANTLED])


def _sealed(case: Case) -> None:
    record = _record(case, ExitRecord.Method.SEAL)
    _items(record, SEALING_ITEMS)
    today = timezone.localdate()
    record.pledge_text, record.pledge_on = "本企业承诺不恢复生产", today
    record.announcement_text, record.announcement_on = "关于生产线封存的公告", today
    record.announcement_url = URL
    record.save()


def _signatory(case: Case, n: int) -> User:
    user, _created = User.objects.get_or_create(username=f"signatory-{case.pk}-{n}")
    return user


def _accepted(case: Case) -> None:
    record = _record(case, ExitRecord.Method.DISMANTLE)
    Acceptance.objects.create(case=case, exit=record, accepted_on=timezone.localdate(),
                              official_1=_signatory(case, 1), official_2=_signatory(case, 2),
                              record="现场验收", evidence=_evidence(case, "验收记录"),
                              recorded_at=timezone.now())


def _archived(case: Case) -> None:
    record = _record(case, ExitRecord.Method.DISMANTLE)
    record.archived_on = timezone.localdate()
    record.save(update_fields=["archived_on"])


def _failed(case: Case) -> None:
    Reinspection.objects.create(case=case, inspected_on=timezone.localdate() - dt.timedelta(days=1),
                                inspector=_signatory(case, 1), result=Reinspection.Result.FAILED,
                                note="恢复生产", evidence=_evidence(case, "电表读数"),
                                recorded_at=timezone.now())


_BUILD = {
    State.DISMANTLED: _dismantled,
    State.SEALED: _sealed,
    State.ACCEPTED: _accepted,
    State.REINSPECTION: _archived,
    State.EXIT_ORDERED: _failed,
}


def exit_proven(case: Case, to: str) -> None:
    """Give the case the exit records the step to `to` needs; nothing for a step that needs
    none (and nothing for the last re-inspection: a case without open re-inspection deadlines
    already has every scheduled one behind it)."""
    step = edge(case.path, case.state, to)
    if step is not None and EXIT_CHECKS in step.requires and to in _BUILD:
        _BUILD[to](case)
