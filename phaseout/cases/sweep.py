"""The sweep of passed deadlines: each is claimed once, recorded in the case's history, its
consequence applied as the table in policy.py says (`OVERDUE`: a closure proposed along the
transition table, through the one door `transitions.transition_apply`; a missed exit recorded
for the public credit platform), and the responsible officials told."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.actions import Action
from phaseout.audit.services import Change, audit_record_many
from phaseout.cases.history import case_event
from phaseout.cases.models import Case, CaseEvent, Deadline
from phaseout.cases.notices import notify
from phaseout.cases.policy import OVERDUE, escalation
from phaseout.cases.transitions import Given, transition_apply
from phaseout.cases.workflow import edge
from phaseout.credit.services import credit_record_missed_exit


def _consequence(case: Case, deadline: Deadline) -> list[Change]:
    """Apply what the table says follows the passed deadline; the audit entries of the
    transitions it took."""
    consequence = OVERDUE[deadline.kind]
    if consequence.credit_record:  # missed exit: to the credit platform (W2)
        credit_record_missed_exit(
            enterprise_id=case.enterprise_id,
            uscc=case.enterprise.uscc,
            name=case.enterprise.name,
            case_number=case.number,
            deadline=deadline.due_on,
        )
    target = escalation(consequence, case.path, case.state)
    if not target or edge(case.path, case.state, target) is None:
        return []
    # The system acts under the law (actor None); the department's approver decides next.
    return [transition_apply(case, target, actor=None, given=Given(note=str(consequence.note)))]


def _overdue(case: Case, deadline: Deadline, cache: dict | None = None) -> list[Change]:
    """Record that a deadline passed and apply its consequence; the caller holds the claim."""
    case_event(case, CaseEvent.Kind.OVERDUE, None, basis=deadline.basis,
               data={"kind": deadline.kind, "due_on": deadline.due_on.isoformat()})
    changes = _consequence(case, deadline)
    notify(case=case, cache=cache,
           message=_("%(number)s: the %(kind)s deadline of %(due)s has passed.")
           % {"number": case.number, "kind": Deadline.Kind(deadline.kind).label,
              "due": deadline.due_on.isoformat()})
    return [*changes, Change(Action.DEADLINE_OVERDUE, "case", case.number, None,
                             {"deadline": deadline.kind, "due_on": deadline.due_on})]


def deadlines_sweep(*, today: dt.date, batch: int = 500) -> int:
    """Claim up to `batch` passed deadlines at once and apply their consequences in one
    transaction; returns how many this worker claimed. Concurrent sweepers skip the rows
    another holds (PostgreSQL SKIP LOCKED; SQLite serialises the writing transactions), and the
    claim re-checks that each row is still open, so no deadline is handled twice."""
    now = timezone.now()
    with transaction.atomic():
        due = Deadline.objects.filter(met_on__isnull=True, cancelled_on__isnull=True,
                                      overdue_at__isnull=True, due_on__lt=today)
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True, of=("self",))
        deadlines = list(due.order_by("due_on", "id")[:batch])
        if not deadlines:
            return 0
        Deadline.objects.filter(pk__in=[d.pk for d in deadlines], overdue_at__isnull=True).update(
            overdue_at=now)
        cases = Case.objects.select_for_update().select_related("department").in_bulk(
            {d.case_id for d in deadlines})
        cache: dict = {}
        changes = [change for d in deadlines for change in _overdue(cases[d.case_id], d, cache)]
        audit_record_many(actor=None, changes=changes)
    return len(deadlines)
