"""The case page as the enterprise sees it (item 7), a read model: its case's state and
deadlines, what it must do next, what it may send (cases.submissions), the history and the
evidence files. Officials appear by their office only (韶关市能源主管部门), never by name, and
their notes, proposals and declined proposals stay internal: only the steps taken, the
deadlines and the enterprise's own submissions are shown."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phaseout.cases.models import Case, CaseEvent, Deadline, SubmissionKind
from phaseout.cases.schedule import extension_limit
from phaseout.cases.selectors import DeadlineRow, deadline_rows
from phaseout.cases.submissions import submission_kinds
from phaseout.cases.workflow import FINAL, State

# The history an enterprise sees: what happened to its case, not the deliberation inside.
SHOWN = (CaseEvent.Kind.OPENED, CaseEvent.Kind.TRANSITION, CaseEvent.Kind.DEADLINE,
         CaseEvent.Kind.OVERDUE, CaseEvent.Kind.SUBMISSION)

_RECTIFY = _("Rectify the line before the deadline below and send your rectification report "
             "with its evidence files.")
_EXIT = _("The line must exit: dismantle its main equipment (or seal it pending dismantling, "
          "with a public pledge not to resume production) before the dismantling deadline, "
          "and send the evidence files.")
_AFTER_EXIT = _("The exit was accepted. The line must not resume production; the department "
                "re-inspects it on the dates below.")
NEXT = {
    State.RECTIFYING: _RECTIFY,
    State.EXTENDED: _("Rectify the line before the extended deadline below and send your "
                      "rectification report with its evidence files."),
    State.EXTENSION_REQUESTED: _("Your application for an extension waits for the "
                                 "department's decision; go on rectifying meanwhile."),
    State.RESTRICTED: _RECTIFY,
    State.SUSPENDED: _RECTIFY,
    State.RECHECK: _("The department re-checks the line; keep the evidence of your "
                     "rectification at hand."),
    State.CLOSURE_ORDERED: _EXIT,
    State.EXIT_ORDERED: _EXIT,
    State.CERTIFICATES_REVOKED: _EXIT,
    State.DISMANTLED: _("The department carries out the on-site acceptance of the exit."),
    State.SEALED: _("The department carries out the on-site acceptance of the exit. The "
                    "sealed main equipment is dismantled later."),
    State.ACCEPTED: _AFTER_EXIT,
    State.REINSPECTION: _AFTER_EXIT,
}
WAIT = _("Nothing is asked of you at this stage; the department will notify you of its "
         "decisions.")
CLOSED = _("The case is closed; nothing more is asked of you.")


def office(user) -> str:
    """Who acted, as the enterprise sees it: the office, not the person."""
    if user is None:
        return str(_("the system"))
    return user.office_title


@dataclass(frozen=True)
class EventRow:
    event: CaseEvent
    office: str
    text: str  # the enterprise's own submission; nothing of the officials'
    months: int | None
    submission: str


@dataclass
class EnterprisePage:
    case: Case
    deadlines: list[DeadlineRow]
    next_deadline: Deadline | None
    next_step: str
    events: list[EventRow]
    evidence: list[tuple]  # (evidence, office)
    kinds: list[str] = field(default_factory=list)
    months_limit: int | None = None


def _row(event: CaseEvent) -> EventRow:
    own = event.kind == CaseEvent.Kind.SUBMISSION
    kind = event.data.get("submission", "") if own else ""
    return EventRow(event, office(event.actor), event.data.get("text", "") if own else "",
                    event.data.get("months") if own else None,
                    str(SubmissionKind(kind).label) if kind in SubmissionKind.values else "")


def enterprise_page(*, case: Case) -> EnterprisePage:
    """Everything the enterprise's case page shows, for a case fetched through the scope."""
    today = timezone.localdate()
    rows = deadline_rows(case, today)
    pending = [r.deadline for r in rows if r.status in ("open", "overdue")]
    finished = case.closed_on is not None or case.state in FINAL
    kinds = submission_kinds(case)
    actors = ("actor", "actor__department", "actor__division", "actor__enterprise")
    events = case.events.filter(kind__in=SHOWN).select_related(*actors).prefetch_related(
        "evidence")
    uploads = case.evidence.select_related("uploaded_by", "uploaded_by__department",
                                           "uploaded_by__division", "uploaded_by__enterprise")
    return EnterprisePage(
        case=case,
        deadlines=rows,
        next_deadline=pending[0] if pending else None,
        next_step=str(CLOSED if finished else NEXT.get(case.state, WAIT)),
        events=[_row(e) for e in events],
        evidence=[(e, office(e.uploaded_by)) for e in uploads],
        kinds=kinds,
        months_limit=extension_limit(case.path, today)
        if SubmissionKind.EXTENSION in kinds else None,
    )
