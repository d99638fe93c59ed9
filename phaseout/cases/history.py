"""The append-only history of a case: one helper writes every event row."""

from django.utils import timezone

from phaseout.cases.models import Case, CaseEvent


def case_event(case: Case, kind: str, actor, *, from_state: str = "", to_state: str = "",
               basis: str = "", note: str = "", data: dict | None = None) -> CaseEvent:
    return CaseEvent.objects.create(case=case, at=timezone.now(), actor=actor, kind=kind,
                                    from_state=from_state, to_state=to_state, basis=basis,
                                    note=note, data=data or {})
