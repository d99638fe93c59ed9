"""The exit panel of the case page (T2, T3, W2), a read model: the exit's rounds, what
completing it still needs, the acceptances, re-inspections and pending decisions, and who may
sign an acceptance. Nothing here writes."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from phaseout.accounts.models import User
from phaseout.accounts.scope import scope_of
from phaseout.cases.exit_validators import (
    ITEMS_OF,
    ExitCheck,
    exit_check,
    exit_under_way,
    may_start_exit,
    reinspection_counts,
    reinspection_due,
    reinspection_window_opens,
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
    approvals: list[Proposal]  # pending proposals this person may approve
    may_handle: bool
    may_plan: bool
    may_record_items: bool
    may_accept: bool
    may_archive: bool
    may_reinspect: bool
    methods: list = field(default_factory=lambda: ExitRecord.Method.choices)
    item_kinds: list = field(default_factory=list)
    results: list = field(default_factory=lambda: Reinspection.Result.choices)
    officials: list = field(default_factory=list)
    next_reinspection: Deadline | None = None
    reinspection_opens: dt.date | None = None  # a passing one counts from this day


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


def _results(due: Deadline | None, today: dt.date) -> list:
    """The results a re-inspection may have today: before the window of the next scheduled
    one opens, only a failed one (the line found resumed) may be recorded."""
    if due is not None and not reinspection_counts(due, today):
        return [(Reinspection.Result.FAILED, Reinspection.Result.FAILED.label)]
    return list(Reinspection.Result.choices)


def exit_panel(*, case: Case, user=None) -> ExitPanel | None:
    """The exit panel of a case, or None when the case has nothing to do with an exit. Its
    forms are offered only to whom `Scope.may_handle` (records) and `Scope.may_decide`
    (approvals of someone else's proposal) allow."""
    rounds = list(case.exits.prefetch_related("items__evidence", "items__recorded_by"))
    if not rounds and case.state not in EXIT_STATES:
        return None
    scope = scope_of(user)
    handles = scope.may_handle(case)
    record = rounds[-1] if rounds else None
    under_way = exit_under_way(case)
    pending = list(case.proposals.filter(
        decided_at__isnull=True, to_state__in=[State.ACCEPTED, State.EXIT_ORDERED]))
    reinspecting = case.state == State.REINSPECTION and case.closed_on is None
    due = reinspection_due(case) if reinspecting else None
    accepting = case.state in (State.DISMANTLED, State.SEALED)
    return ExitPanel(
        case=case,
        record=record,
        rounds=rounds,
        check=exit_check(case, record) if record is not None and under_way else None,
        evidence=list(case.evidence.all()),
        acceptances=list(case.acceptances.select_related("official_1", "official_2", "evidence")),
        reinspections=list(case.reinspections.select_related("inspector", "evidence", "due")),
        reinspection_deadlines=list(case.deadlines.filter(kind=Deadline.Kind.REINSPECTION)),
        pending=pending,
        approvals=[p for p in pending
                   if scope.may_decide(case) and p.proposed_by_id != scope.user_id],
        may_handle=handles and case.closed_on is None,
        may_plan=handles and may_start_exit(case) and case.closed_on is None,
        may_record_items=handles and record is not None and under_way,
        may_accept=handles and accepting and not pending,
        may_archive=handles and case.state == State.ACCEPTED,
        may_reinspect=handles and reinspecting,
        item_kinds=[(k, ExitItem.Kind(k).label) for k in ITEMS_OF[record.method]]
        if record is not None
        else [],
        officials=list(acceptance_officials(case)) if handles and accepting else [],
        results=_results(due, timezone.localdate()),
        next_reinspection=due,
        reinspection_opens=reinspection_window_opens(due) if due is not None else None,
    )
