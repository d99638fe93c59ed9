"""The exit panel of the case page (T2, T3, W2), a read model: the exit's rounds, what
completing it still needs, the acceptances, re-inspections and pending decisions, and who may
sign an acceptance. Nothing here writes."""

from dataclasses import dataclass, field

from django.db.models import Q

from phaseout.accounts.models import User
from phaseout.cases.exit_validators import (
    ITEMS_OF,
    ExitCheck,
    exit_check,
    exit_under_way,
    may_start_exit,
)
from phaseout.cases.models import (
    Acceptance,
    Case,
    Deadline,
    Evidence,
    ExitItem,
    ExitRecord,
    Proposal,
    Reinspection,
)
from phaseout.cases.workflow import State

EXIT_STATES = (
    State.EXIT_ORDERED,
    State.CLOSURE_ORDERED,
    State.CERTIFICATES_REVOKED,
    State.DISMANTLED,
    State.SEALED,
    State.ACCEPTED,
    State.REINSPECTION,
)


@dataclass
class ExitPanel:
    """What the exit panel of the case page shows (a read; nothing is written)."""

    case: Case
    record: ExitRecord | None
    rounds: list[ExitRecord]
    check: ExitCheck | None
    evidence: list[Evidence]
    acceptances: list[Acceptance]
    reinspections: list[Reinspection]
    reinspection_deadlines: list[Deadline]
    pending: list[Proposal]
    may_plan: bool
    may_record_items: bool
    may_accept: bool
    may_archive: bool
    may_reinspect: bool
    methods: list = field(default_factory=lambda: ExitRecord.Method.choices)
    item_kinds: list = field(default_factory=list)
    results: list = field(default_factory=lambda: Reinspection.Result.choices)
    officials: list = field(default_factory=list)


def acceptance_officials(case: Case):
    """Officials who may sign the acceptance of the case: its department's and the leading
    department's, in its region (the service checks each one again, `Scope.may_cosign`)."""
    return (
        User.objects.filter(
            is_active=True, enterprise__isnull=True, division__in=[case.city_id, case.county_id]
        )
        .filter(Q(department_id=case.department_id) | Q(department__leads=True))
        .order_by("username")
    )


def exit_panel(*, case: Case) -> ExitPanel | None:
    """The exit panel of a case, or None when the case has nothing to do with an exit."""
    rounds = list(case.exits.prefetch_related("items__evidence", "items__recorded_by"))
    if not rounds and case.state not in EXIT_STATES:
        return None
    record = rounds[-1] if rounds else None
    under_way = exit_under_way(case)
    return ExitPanel(
        case=case,
        record=record,
        rounds=rounds,
        check=exit_check(case, record) if record is not None and under_way else None,
        evidence=list(case.evidence.all()),
        acceptances=list(case.acceptances.select_related("official_1", "official_2", "evidence")),
        reinspections=list(case.reinspections.select_related("inspector", "evidence", "due")),
        reinspection_deadlines=list(case.deadlines.filter(kind=Deadline.Kind.REINSPECTION)),
        pending=list(
            case.proposals.filter(
                decided_at__isnull=True, to_state__in=[State.ACCEPTED, State.EXIT_ORDERED]
            )
        ),
        may_plan=may_start_exit(case) and case.closed_on is None,
        may_record_items=record is not None and under_way,
        may_accept=case.state in (State.DISMANTLED, State.SEALED),
        may_archive=case.state == State.ACCEPTED,
        may_reinspect=case.state == State.REINSPECTION and case.closed_on is None,
        item_kinds=[(k, ExitItem.Kind(k).label) for k in ITEMS_OF[record.method]]
        if record is not None
        else [],
        officials=list(acceptance_officials(case))
        if case.state in (State.DISMANTLED, State.SEALED)
        else [],
    )
