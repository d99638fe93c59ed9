"""After the exit (T2, T3, W2): the on-site acceptance, the archive and the re-inspections
that close the case or order the exit again; every write. The state changes only through the
one door (`services.case_transition`, whose edge requirement EXIT_CHECKS checks again that
the acceptance, the archive or the re-inspections are on record).

4. On-site acceptance is a decision: a handler records it with the two officials who signed it
   (`acceptance_record`, which also proposes "accepted"); the department's approver, a
   different person, approves it with `acceptance_approve`, which passes both signatures to the
   transition. The approver declines with `services.case_reject` as for any proposal.
5. `exit_archive` files the accepted exit and starts the re-inspection period; the re-inspection
   deadlines were set when the exit was accepted.
6. `reinspection_record` marks the next re-inspection deadline met, not before that
   deadline's window opens (T3). A failed re-inspection
   (resumed, or able to resume) proposes ordering the exit again and tells the department;
   the approver orders it with `exit_reorder`. When the last scheduled re-inspection passes,
   the case is closed.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record
from phaseout.cases.errors import ExitError
from phaseout.cases.exit_validators import (
    check_date,
    check_evidence,
    check_signatory,
    check_text,
    current_or_refuse,
    last_failed_reinspection,
    reinspection_counts,
    reinspection_due,
    reinspection_window_opens,
)
from phaseout.cases.exits import check_handler
from phaseout.cases.models import Acceptance, Case, Deadline, Evidence, Reinspection
from phaseout.cases.notices import notify
from phaseout.cases.services import case_propose, case_transition
from phaseout.cases.transitions import lock
from phaseout.cases.workflow import State

__all__ = ["ExitError", "acceptance_approve", "acceptance_record", "exit_archive",
           "exit_reorder", "reinspection_record"]


@transaction.atomic
def acceptance_record(
    *,
    case: Case,
    accepted_on: dt.date,
    official_1,
    official_2,
    record: str,
    evidence: Evidence,
    actor,
) -> Acceptance:
    """Record the on-site acceptance signed by two different officials and propose
    "accepted" to the department's approver.

    Raises: ExitError naming the field at fault.
    """
    locked = lock(case, None)
    check_handler(locked, actor)
    if locked.state not in (State.DISMANTLED, State.SEALED):
        raise ExitError(
            _("Acceptance follows the completed exit; the case is in “%(s)s”.")
            % {"s": State(locked.state).label}
        )
    exit_record = current_or_refuse(locked)
    if locked.proposals.filter(to_state=State.ACCEPTED, decided_at__isnull=True).exists():
        raise ExitError(_("An acceptance already waits for approval."))
    check_signatory(locked, official_1, _("First official"), "official_1")
    check_signatory(locked, official_2, _("Second official"), "official_2")
    if official_1.pk == official_2.pk:
        raise ExitError(
            _(
                "Second official: the acceptance needs two different officials; "
                "%(u)s cannot sign twice."
            )
            % {"u": official_1},
            "official_2",
        )
    last_measure = exit_record.items.aggregate(last=Max("done_on"))["last"]
    check_date(accepted_on, _("Acceptance date"), "accepted_on", not_before=last_measure)
    record = check_text(record, _("Acceptance record"), "record")
    check_evidence(locked, evidence, _("Evidence"), "evidence")
    acceptance = Acceptance.objects.create(
        case=locked,
        exit=exit_record,
        accepted_on=accepted_on,
        official_1=official_1,
        official_2=official_2,
        record=record,
        evidence=evidence,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=Action.EXIT_ACCEPTANCE,
        object_type="case",
        object_id=locked.number,
        after={
            "round": exit_record.round,
            "accepted_on": accepted_on,
            "officials": [official_1.get_username(), official_2.get_username()],
            "evidence": evidence.pk,
        },
    )
    case_propose(
        case=locked,
        to=State.ACCEPTED,
        actor=actor,
        note=_("On-site acceptance of %(d)s signed by %(a)s and %(b)s.")
        % {"d": accepted_on.isoformat(), "a": official_1, "b": official_2},
    )
    return acceptance


@transaction.atomic
def acceptance_approve(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """The approver accepts the exit on the strength of the recorded acceptance.

    Raises: CaseError if nothing is proposed or the actor may not approve; CaseConflict.
    """
    locked = lock(case, expected_version)
    acceptance = (
        locked.acceptances.select_related("official_1", "official_2", "evidence")
        .order_by("-id")
        .first()
    )
    if acceptance is None:
        raise ExitError(_("No on-site acceptance has been recorded."))
    return case_transition(
        case=locked,
        to=State.ACCEPTED,
        actor=actor,
        expected_version=expected_version,
        evidence=[acceptance.evidence],
        signatures=[str(acceptance.official_1), str(acceptance.official_2)],
        note=_("Accepted on site on %(d)s.") % {"d": acceptance.accepted_on.isoformat()},
    )


@transaction.atomic
def exit_archive(*, case: Case, note: str, actor, expected_version: int | None = None) -> Case:
    """File the accepted exit and start the re-inspection period.

    Raises: ExitError naming the field at fault; CaseConflict.
    """
    locked = lock(case, expected_version)
    check_handler(locked, actor)
    if locked.state != State.ACCEPTED:
        raise ExitError(
            _("Only an accepted exit is archived; the case is in “%(s)s”.")
            % {"s": State(locked.state).label}
        )
    record = current_or_refuse(locked)
    note = check_text(note, _("Archive note"), "note")
    record.archived_on, record.archive_note, record.archived_by = (
        timezone.localdate(),
        note[:500],
        actor,
    )
    record.save(update_fields=["archived_on", "archive_note", "archived_by"])
    audit_record(
        actor=actor,
        action=Action.EXIT_ARCHIVE,
        object_type="case",
        object_id=locked.number,
        after={"round": record.round, "archived_on": record.archived_on, "note": note},
    )
    return case_transition(
        case=locked,
        to=State.REINSPECTION,
        actor=actor,
        expected_version=expected_version,
        note=note,
    )


@transaction.atomic
def reinspection_record(
    *, case: Case, inspected_on: dt.date, result: str, note: str, evidence: Evidence | None, actor
) -> Reinspection:
    """Record a re-inspection and mark the next re-inspection deadline met, if it lies in
    that deadline's window (from `procedure.reinspection_early_days` before its due date): a
    passing one earlier is refused, so the scheduled re-inspections cannot all be recorded
    at once (T3); a failed one is recorded whenever the line is found resumed. A failed one
    proposes ordering the exit again and tells the department; after the last scheduled one
    passes, the case is closed.

    Raises: ExitError naming the field at fault.
    """
    locked = lock(case, None)
    check_handler(locked, actor)
    if locked.state != State.REINSPECTION or locked.closed_on is not None:
        raise ExitError(
            _(
                "Re-inspections are recorded while the case is under re-inspection; "
                "it is in “%(s)s”."
            )
            % {"s": State(locked.state).label}
        )
    if result not in Reinspection.Result.values:
        raise ExitError(_("Result: choose passed or failed."), "result")
    check_date(inspected_on, _("Inspection date"), "inspected_on")
    failed = result == Reinspection.Result.FAILED
    if failed or evidence is not None:
        # Ordering the exit again needs the proof that the line resumed or could resume.
        check_evidence(locked, evidence, _("Evidence"), "evidence")
    if failed:
        check_text(note, _("Note"), "note")
    deadline = reinspection_due(locked)
    counts = reinspection_counts(deadline, inspected_on)
    if deadline is not None and not counts and not failed:
        _refuse_early(deadline, inspected_on)
    if counts:
        Deadline.objects.filter(pk=deadline.pk).update(met_on=inspected_on)
    else:
        deadline = None  # an early visit that found the line resumed: recorded, meets nothing
    inspection = Reinspection.objects.create(
        case=locked,
        due=deadline,
        inspected_on=inspected_on,
        inspector=actor,
        result=result,
        note=(note or "").strip()[:500],
        evidence=evidence,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=Action.REINSPECTION_RECORD,
        object_type="case",
        object_id=locked.number,
        after={
            "inspected_on": inspected_on,
            "result": result,
            "deadline": deadline.pk if deadline else None,
            "evidence": evidence.pk if evidence else None,
        },
    )
    if failed:
        _reinspection_failed(locked, inspection, actor)
    elif reinspection_due(locked) is None:
        _case_close(locked, actor)
    return inspection


def _refuse_early(deadline: Deadline, inspected_on: dt.date) -> None:
    opens = reinspection_window_opens(deadline)
    raise ExitError(
        _(
            "Inspection date: the next re-inspection is due on %(due)s; one that passes is "
            "recorded from %(opens)s on (%(d)s is too early). A visit before then that finds "
            "the line resumed or able to resume is recorded as failed."
        )
        % {"due": deadline.due_on.isoformat(), "opens": opens.isoformat(),
           "d": inspected_on.isoformat()},
        "inspected_on",
    )


def _reinspection_failed(case: Case, inspection: Reinspection, actor) -> None:
    if not case.proposals.filter(to_state=State.EXIT_ORDERED, decided_at__isnull=True).exists():
        case_propose(
            case=case,
            to=State.EXIT_ORDERED,
            actor=actor,
            note=_("Re-inspection of %(d)s failed: %(n)s")
            % {"d": inspection.inspected_on.isoformat(), "n": inspection.note},
        )
    notify(
        case=case,
        message=_(
            "%(n)s: the re-inspection of %(d)s found the line resumed or "
            "able to resume; ordering the exit again waits for approval."
        )
        % {"n": case.number, "d": inspection.inspected_on.isoformat()},
    )


def _case_close(case: Case, actor) -> None:
    """Every scheduled re-inspection passed: the exit is complete and the case is closed."""
    case_transition(
        case=case,
        to=State.EXITED,
        actor=actor,
        note=_("Every scheduled re-inspection passed; the case is closed."),
    )


@transaction.atomic
def exit_reorder(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """The approver orders the exit again after a failed re-inspection, with its evidence.

    Raises: CaseError if nothing is proposed or the actor may not approve; CaseConflict.
    """
    locked = lock(case, expected_version)
    failed = last_failed_reinspection(locked)
    if failed is None:
        raise ExitError(_("No failed re-inspection is recorded on this case."))
    return case_transition(
        case=locked,
        to=State.EXIT_ORDERED,
        actor=actor,
        expected_version=expected_version,
        evidence=[failed.evidence],
        note=failed.note,
    )
