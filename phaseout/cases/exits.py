"""The exit of a line, from the exit order to the completed exit (T2, W2): every write. The
state still changes only through the one door (`services.case_transition`, whose edge
requirement EXIT_CHECKS checks the exit's records again); these services keep the exit's own
records (method, measures with evidence, pledge, announcement) and check them first, naming
the field at fault. Acceptance, archive and re-inspections are exit_acceptance.py; the checks
exit_validators.py; the exit panel's read model selectors_exit.py.

The steps, on a case whose exit was ordered (exit_ordered, closure_ordered, certificates_revoked):

1. `exit_plan` chooses the method: dismantle the main equipment, or seal it pending dismantling.
2. `evidence_add` stores dated photos or scans; `exit_item_record` records each measure done
   (main equipment dismantled; or water cut, power cut, power units removed, main equipment
   sealed), each with its evidence. Sealing also needs `exit_pledge_record` (the enterprise's
   public pledge not to resume) and `exit_announce` (the announcement on the provincial
   website).
3. `exit_complete` checks all of that, moves the case to dismantled or sealed and sets the
   line's status in the registry. A sealed line that is dismantled later completes again.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record
from phaseout.cases.access import refusal
from phaseout.cases.errors import ExitError
from phaseout.cases.evidence import evidence_attach
from phaseout.cases.exit_validators import (
    ITEMS_OF,
    check_date,
    check_evidence,
    check_provincial_url,
    check_text,
    current_or_refuse,
    exit_check,
    exit_current,
    exit_under_way,
    may_start_exit,
)
from phaseout.cases.history import case_event
from phaseout.cases.models import Case, CaseEvent, Evidence, ExitItem, ExitRecord
from phaseout.cases.services import case_transition
from phaseout.cases.transitions import lock
from phaseout.cases.workflow import State, allowed
from phaseout.lib.evidence import evidence_error
from phaseout.registry.models import ProductionLine
from phaseout.registry.services import line_status_set

__all__ = ["ExitError", "evidence_add", "exit_announce", "exit_complete", "exit_item_record",
           "exit_pledge_record", "exit_plan"]

LINE_STATUS = {
    State.DISMANTLED: ProductionLine.Status.DISMANTLED,
    State.SEALED: ProductionLine.Status.SEALED,
}


def check_handler(case: Case, actor) -> None:
    """The actor may record the case's exit steps (`Scope.may_handle`); nobody is the system."""
    why = refusal(actor, case)
    if why:
        raise ExitError(why)


@transaction.atomic
def evidence_add(*, case: Case, file, description: str, taken_on: dt.date, actor) -> Evidence:
    """Store an evidence file (photo, scan) of the case, checked for type and size.

    Raises: ExitError naming the field at fault.
    """
    locked = lock(case, None)
    check_handler(locked, actor)
    if file is None:
        raise ExitError(_("File: choose a file to upload."), "file")
    if (why := evidence_error(file)) is not None:
        raise ExitError(_("File: %(why)s") % {"why": why}, "file")
    description = check_text(description, _("Description"), "description")
    check_date(taken_on, _("Date taken"), "taken_on")
    return evidence_attach(case=locked, file=file, description=description[:200],
                           taken_on=taken_on, actor=actor)


@transaction.atomic
def exit_plan(*, case: Case, method: str, actor) -> ExitRecord:
    """Choose how the line exits; a method may be changed until the exit is completed.

    Raises: ExitError if the case is not ordered to exit or the method is not allowed.
    """
    locked = lock(case, None)
    check_handler(locked, actor)
    if method not in ExitRecord.Method.values:
        raise ExitError(_("Method: choose dismantle or seal."), "method")
    if not may_start_exit(locked):
        raise ExitError(
            _(
                "A case in “%(s)s” is not ordered to exit; the method is chosen after "
                "the exit or closure order."
            )
            % {"s": State(locked.state).label}
        )
    if method == ExitRecord.Method.SEAL and State.SEALED not in allowed(locked.path, locked.state):
        raise ExitError(_("Method: this path allows dismantling only."), "method")
    record = exit_current(locked)
    before = None
    if record is None or record.completed_on is not None:
        record = ExitRecord.objects.create(
            case=locked,
            round=(record.round + 1) if record else 1,
            method=method,
            planned_by=actor,
            planned_at=timezone.now(),
        )
    else:
        before = {"method": record.method}
        record.method, record.planned_by, record.planned_at = method, actor, timezone.now()
        record.save(update_fields=["method", "planned_by", "planned_at"])
    case_event(
        locked,
        CaseEvent.Kind.NOTE,
        actor,
        note=_("Exit method: %(m)s.") % {"m": record.get_method_display()},
        data={"exit": record.round, "method": method},
    )
    audit_record(
        actor=actor,
        action=Action.EXIT_PLAN,
        object_type="case",
        object_id=locked.number,
        before=before,
        after={"round": record.round, "method": method},
    )
    return record


@transaction.atomic
def exit_item_record(
    *, case: Case, kind: str, done_on: dt.date, evidence: Evidence, actor
) -> ExitItem:
    """Record one exit measure done on site, with its dated evidence.

    Raises: ExitError naming the field at fault.
    """
    locked = lock(case, None)
    check_handler(locked, actor)
    record = current_or_refuse(locked)
    if not exit_under_way(locked):
        raise ExitError(
            _("Exit measures are recorded while the exit is under way, not in “%(s)s”.")
            % {"s": State(locked.state).label}
        )
    if kind not in ITEMS_OF[record.method]:
        raise ExitError(
            _("Measure: “%(k)s” is not a step of “%(m)s”.")
            % {
                "k": ExitItem.Kind(kind).label if kind in ExitItem.Kind.values else kind,
                "m": record.get_method_display(),
            },
            "kind",
        )
    check_date(done_on, _("Date done"), "done_on")
    check_evidence(locked, evidence, _("Evidence"), "evidence")
    item = ExitItem.objects.create(
        exit=record,
        kind=kind,
        done_on=done_on,
        evidence=evidence,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=Action.EXIT_ITEM,
        object_type="case",
        object_id=locked.number,
        after={"round": record.round, "kind": kind, "done_on": done_on, "evidence": evidence.pk},
    )
    return item


@transaction.atomic
def exit_pledge_record(*, case: Case, text: str, pledged_on: dt.date, actor) -> ExitRecord:
    """Record the enterprise's public pledge not to resume production.

    Raises: ExitError naming the field at fault.
    """
    locked = lock(case, None)
    check_handler(locked, actor)
    record = current_or_refuse(locked)
    text = check_text(text, _("Pledge text"), "text")
    check_date(pledged_on, _("Pledge date"), "pledged_on")
    before = {"text": record.pledge_text, "on": record.pledge_on}
    record.pledge_text, record.pledge_on = text, pledged_on
    record.save(update_fields=["pledge_text", "pledge_on"])
    audit_record(
        actor=actor,
        action=Action.EXIT_PLEDGE,
        object_type="case",
        object_id=locked.number,
        before=before,
        after={"text": text, "on": pledged_on},
    )
    return record


@transaction.atomic
def exit_announce(*, case: Case, text: str, announced_on: dt.date, url: str, actor) -> ExitRecord:
    """Record the announcement of the exit on the provincial website.

    Raises: ExitError naming the field at fault.
    """
    locked = lock(case, None)
    check_handler(locked, actor)
    record = current_or_refuse(locked)
    text = check_text(text, _("Announcement text"), "text")
    check_date(announced_on, _("Announcement date"), "announced_on")
    url = check_provincial_url(url)
    before = {
        "text": record.announcement_text,
        "on": record.announcement_on,
        "url": record.announcement_url,
    }
    record.announcement_text, record.announcement_on = text, announced_on
    record.announcement_url = url
    record.save(update_fields=["announcement_text", "announcement_on", "announcement_url"])
    audit_record(
        actor=actor,
        action=Action.EXIT_ANNOUNCE,
        object_type="case",
        object_id=locked.number,
        before=before,
        after={"text": text, "on": announced_on, "url": url},
    )
    return record


@transaction.atomic
def exit_complete(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """Move the case to dismantled or sealed once every measure is proven, and set the line's
    status in the registry.

    Raises: ExitError naming what is missing; CaseConflict if the case changed meanwhile.
    """
    locked = lock(case, expected_version)
    check_handler(locked, actor)
    record = current_or_refuse(locked)
    if not exit_under_way(locked):
        raise ExitError(
            _("A case in “%(s)s” has no exit to complete.") % {"s": State(locked.state).label}
        )
    check = exit_check(locked, record)
    if not check.ready:
        raise ExitError(
            _("The exit cannot be completed yet. Missing: %(m)s.") % {"m": "; ".join(check.missing)}
        )
    pledged = bool(record.pledge_text and record.pledge_on)
    moved = case_transition(
        case=locked,
        to=check.to,
        actor=actor,
        expected_version=expected_version,
        evidence=check.evidence,
        pledge=pledged,
        note=_("Exit round %(r)d: %(m)s.") % {"r": record.round, "m": record.get_method_display()},
    )
    if record.completed_on is None:
        record.completed_on = timezone.localdate()
        record.save(update_fields=["completed_on"])
    line_status_set(
        line=moved.line,
        status=LINE_STATUS[check.to],
        actor=actor,
        note=_("Case %(n)s: %(s)s.") % {"n": moved.number, "s": State(check.to).label},
    )
    audit_record(
        actor=actor,
        action=Action.EXIT_COMPLETE,
        object_type="case",
        object_id=moved.number,
        after={
            "round": record.round,
            "state": check.to,
            "evidence": [e.pk for e in check.evidence],
        },
    )
    return moved


