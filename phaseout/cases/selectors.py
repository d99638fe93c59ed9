"""Reads of enforcement cases for the workbench, always through the one scope
(accounts.scope): the case list with its filters, a user's tasks (deadlines, approvals,
notices) and what a user may do on one case (`Scope.may_handle` / `may_decide`). The exit
panel's read model is selectors_exit.py."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from phaseout.accounts.scope import DECIDE, Scope, scope_of, visible_divisions
from phaseout.cases.access import visible_cases
from phaseout.cases.models import (
    Case,
    CaseEvent,
    Deadline,
    Evidence,
    Notification,
    Proposal,
    SubmissionKind,
)
from phaseout.cases.workflow import ACTION, DECISION, FINAL, Edge, State, allowed, in_exit_panel
from phaseout.reference.models import Department, Division, Industry
from phaseout.registry.access import visible_lines
from phaseout.registry.models import ProductionLine
from phaseout.standards.models import AssessmentRun
from phaseout.standards.vocabulary import Path

TASK_DAYS = 30


def _open_overdue(today: dt.date) -> Exists:
    return Exists(
        Deadline.objects.filter(
            case=OuterRef("pk"), met_on__isnull=True, cancelled_on__isnull=True
        ).filter(Q(overdue_at__isnull=False) | Q(due_on__lt=today))
    )


@dataclass(frozen=True)
class CaseFilters:
    path: str = ""
    state: str = ""
    city: str = ""
    county: str = ""
    industry: str = ""
    overdue: str = ""  # "yes", "no" or ""
    q: str = ""


@dataclass
class CaseFilterOptions:
    cities: list[Division]
    counties: list[Division]
    industries: list[Industry]
    paths: list[tuple[str, str]] = field(default_factory=lambda: Path.choices)
    states: list[tuple[str, str]] = field(default_factory=lambda: State.choices)

    @classmethod
    def for_user(cls, user) -> "CaseFilterOptions":
        divisions = list(
            visible_divisions(user)
            .filter(level__in=[Division.Level.CITY, Division.Level.COUNTY])
            .order_by("code")
        )
        return cls(
            cities=[d for d in divisions if d.level == Division.Level.CITY],
            counties=[d for d in divisions if d.level == Division.Level.COUNTY],
            industries=list(Industry.objects.order_by("id")),
        )


def case_list(*, user, filters: CaseFilters, today: dt.date | None = None) -> QuerySet[Case]:
    """The cases the user may see, narrowed by the filters, newest first."""
    today = today or timezone.localdate()
    qs = visible_cases(user)
    exact = {
        "path": filters.path,
        "state": filters.state,
        "city__code": filters.city,
        "county__code": filters.county,
        "line__industry__code": filters.industry,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v})
    if filters.overdue in ("yes", "no"):
        overdue = _open_overdue(today)
        qs = qs.filter(overdue) if filters.overdue == "yes" else qs.filter(~overdue)
    text = filters.q.strip()
    if text:
        qs = qs.filter(
            Q(number__icontains=text)
            | Q(enterprise__name__icontains=text)
            | Q(enterprise__uscc__startswith=text.upper())
        )
    return (
        qs.select_related("enterprise", "line", "line__industry", "city", "county", "department")
        .annotate(overdue=_open_overdue(today), next_due=_next_due())
        .order_by("-id")
    )


def _next_due() -> Subquery:
    """The due date of the case's earliest deadline neither met nor cancelled."""
    return Subquery(Deadline.objects.filter(
        case=OuterRef("pk"), met_on__isnull=True, cancelled_on__isnull=True,
    ).order_by("due_on").values("due_on")[:1])


# --- My tasks ----------------------------------------------------------------------------------


@dataclass
class Tasks:
    days: int
    overdue: list[Deadline]
    due_soon: list[Deadline]
    approvals: list[Proposal]
    notifications: list[Notification]


def _my_cases(user) -> QuerySet[Case]:
    """Open cases the user answers for: an official's own department's (even when it leads
    and sees the others'), an enterprise's own."""
    scope = scope_of(user)
    cases = visible_cases(user).filter(closed_on__isnull=True)
    if scope.is_official and not scope.superuser:
        cases = cases.filter(department_id=scope.department_id)
    return cases


def tasks_for(*, user, days: int = TASK_DAYS, today: dt.date | None = None) -> Tasks:
    """Open deadlines due within `days` or already passed, proposals the user may approve,
    and unread notices: for the user's department in the user's region."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    cases = _my_cases(user)
    deadlines = (
        Deadline.objects.filter(
            case__in=cases,
            met_on__isnull=True,
            cancelled_on__isnull=True,
            due_on__lte=today + dt.timedelta(days=days),
        )
        .select_related("case", "case__enterprise", "case__line")
        .order_by("due_on", "id")
    )
    overdue, due_soon = [], []
    for deadline in deadlines[:500]:
        passed = deadline.overdue_at is not None or deadline.due_on < today
        (overdue if passed else due_soon).append(deadline)
    approvals = []
    if scope.is_official and scope.has(DECIDE):
        approvals = list(
            Proposal.objects.filter(case__in=cases, decided_at__isnull=True)
            .exclude(proposed_by=user)
            .select_related("case", "case__enterprise", "proposed_by")[:200]
        )
    notifications = list(
        Notification.objects.filter(user=user, read_at__isnull=True).select_related("case")[:200]
    )
    return Tasks(days, overdue, due_soon, approvals, notifications)


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- One case ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    status: str  # "met", "cancelled" (superseded by a later step), "overdue", "open"
    rolled: bool  # the nominal last day was a rest day (Civil Code Art. 203)


@dataclass(frozen=True)
class ExtensionAsked:
    """The enterprise's application for an extension and the months it asks for."""

    application: str
    months: int | None


@dataclass(frozen=True)
class Step:
    """One edge the case may take next, and what this user may do about it."""

    to: str
    label: str
    edge: Edge
    do: str  # "act", "propose", "decide", "wait" or "" (nothing for this user)
    proposal: Proposal | None = None

    @property
    def is_decision(self) -> bool:
        return self.edge.kind == DECISION


@dataclass
class CasePage:
    case: Case
    events: list[CaseEvent]
    deadlines: list[DeadlineRow]
    proposals: list[Proposal]
    evidence: list[Evidence]
    unattached: list[Evidence]
    steps: list[Step]
    can_act: bool
    finished: bool
    extension: ExtensionAsked | None = None


def deadline_rows(case: Case, today: dt.date) -> list[DeadlineRow]:
    rows = []
    for deadline in case.deadlines.order_by("due_on", "id"):
        if deadline.met_on is not None:
            status = "met"
        elif deadline.cancelled_on is not None:
            status = "cancelled"
        elif deadline.overdue_at is not None or deadline.due_on < today:
            status = "overdue"
        else:
            status = "open"
        rows.append(DeadlineRow(deadline, status, deadline.nominal_on != deadline.due_on))
    return rows


def _step(scope: Scope, case: Case, to: str, step: Edge, pending: dict[str, Proposal]) -> Step:
    """What the person may do about one next step: the case must be theirs (an official of its
    department in its region), then `Scope.may_handle` acts and proposes, `may_decide`
    approves a proposal someone else made."""
    label = str(State(to).label)
    if not scope.speaks_for(case):
        return Step(to, label, step, "")
    if step.kind == ACTION:
        return Step(to, label, step, "act" if scope.may_handle(case) else "")
    proposal = pending.get(to)
    if proposal is None:
        return Step(to, label, step, "propose" if scope.may_handle(case) else "")
    if scope.may_decide(case) and proposal.proposed_by_id != scope.user_id:
        return Step(to, label, step, "decide", proposal)
    return Step(to, label, step, "wait", proposal)


def case_page(*, user, case: Case, today: dt.date | None = None) -> CasePage:
    """Everything the case page shows, for a case fetched through the one scope (accounts.scope)."""
    today = today or timezone.localdate()
    proposals = list(case.proposals.select_related("proposed_by", "decided_by"))
    pending = {p.to_state: p for p in proposals if p.decided_at is None}
    scope = scope_of(user)
    steps = [
        _step(scope, case, to, step, pending)
        for to, step in allowed(case.path, case.state).items()
        if not in_exit_panel(step)  # recorded in the exit panel (selectors_exit.py)
    ]
    evidence = list(case.evidence.select_related("uploaded_by", "event"))
    return CasePage(
        case=case,
        events=list(case.events.select_related("actor").prefetch_related("evidence")),
        deadlines=deadline_rows(case, today),
        proposals=proposals,
        evidence=evidence,
        unattached=[e for e in evidence if e.event_id is None],
        steps=steps,
        can_act=scope.speaks_for(case),
        finished=case.state in FINAL or not allowed(case.path, case.state),
        extension=extension_asked(case) if _extension_steps(steps) else None,
    )


def _extension_steps(steps: list[Step]) -> bool:
    return any(s.to in (State.EXTENSION_REQUESTED, State.EXTENDED) and s.do for s in steps)


def latest_submission(case: Case, kind: str) -> CaseEvent | None:
    """The enterprise's newest submission of this kind on the case."""
    return (case.events.filter(kind=CaseEvent.Kind.SUBMISSION, data__submission=kind)
            .order_by("-at", "-id").first())


def extension_asked(case: Case) -> ExtensionAsked | None:
    """What the extension asks for: as recorded with the request (the step to
    "extension_requested"), or before it, the enterprise's newest application."""
    request = (case.events.filter(kind=CaseEvent.Kind.TRANSITION,
                                  to_state=State.EXTENSION_REQUESTED)
               .order_by("-at", "-id").first())
    if request is not None:
        return ExtensionAsked(request.data.get("application", ""),
                              request.data.get("extension_months"))
    sent = latest_submission(case, SubmissionKind.EXTENSION)
    if sent is not None:
        return ExtensionAsked(sent.data.get("text", ""), sent.data.get("months"))
    return None


def step_initial(case: Case, to: str, mode: str) -> dict:
    """What a step form starts with: the case version, and for the extension's steps the
    application and the months the enterprise asked for."""
    initial: dict = {"version": case.version}
    if to in (State.EXTENSION_REQUESTED, State.EXTENDED) and mode != "approve":
        asked = extension_asked(case)
        if asked is not None:
            initial["extension_months"] = asked.months
            if to == State.EXTENSION_REQUESTED:
                initial["application"] = asked.application
    return initial


def evidence_unattached(case: Case) -> list[Evidence]:
    return list(case.evidence.filter(event__isnull=True))


def evidence_get(*, user, pk: int) -> Evidence | None:
    """An evidence file whose case the user may see, else None."""
    return (
        Evidence.objects.filter(pk=pk, case__in=visible_cases(user)).select_related("case").first()
    )


# --- Opening by hand ---------------------------------------------------------------------------


def open_paths(user) -> list[tuple[str, str]]:
    """Paths a user may open a case on: those the user's department answers for
    (`Department.paths`); the leading department coordinates (P1) and may open any."""
    scope = scope_of(user)
    if scope.superuser or scope.leads:
        return list(Path.choices)
    own = {path for paths in Department.objects.filter(scope.departments())
           .values_list("paths", flat=True) for path in paths}
    return [(value, label) for value, label in Path.choices if value in own]


def line_for_opening(*, user, uscc: str, line_code: str) -> ProductionLine | None:
    return (
        visible_lines(user)
        .filter(enterprise__uscc=uscc.strip().upper(), line_code=line_code.strip())
        .select_related("enterprise")
        .first()
    )


def runs_for_opening(user) -> QuerySet[AssessmentRun]:
    """Finished assessment runs whose scope lies inside the user's region (a province-wide run
    only for those who see the whole province)."""
    runs = AssessmentRun.objects.filter(status=AssessmentRun.Status.DONE).order_by("-id")
    return runs.filter(scope_of(user).divisions("scope__"))
