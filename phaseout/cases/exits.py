"""The exit of lines and their re-inspection (T2, T3, W2): every write from the exit order to
the closed case. The state still changes only through `services.case_transition`; these
services keep the exit's own records (method, measures with evidence, pledge, announcement,
acceptance, archive, re-inspections) and check them before they ask for the transition.

The steps, on a case whose exit was ordered (exit_ordered, closure_ordered, certificates_revoked):

1. `exit_plan` chooses the method: dismantle the main equipment, or seal it pending dismantling.
2. `evidence_add` stores dated photos or scans; `exit_item_record` records each measure done
   (main equipment dismantled; or water cut, power cut, power units removed, main equipment
   sealed), each with its evidence. Sealing also needs `exit_pledge_record` (the enterprise's
   public pledge not to resume) and `exit_announce` (the announcement on the provincial
   website).
3. `exit_complete` checks all of that, moves the case to dismantled or sealed and sets the
   line's status in the registry. A sealed line that is dismantled later completes again.
4. On-site acceptance is a decision: a handler records it with the two officials who signed it
   (`acceptance_record`, which also proposes "accepted"); the department's approver, a
   different person, approves it with `acceptance_approve`, which passes both signatures to the
   transition. The approver declines with `services.case_reject` as for any proposal.
5. `exit_archive` files the accepted exit and starts the re-inspection period; the re-inspection
   deadlines were set when the exit was accepted.
6. `reinspection_record` marks the next re-inspection deadline met. A failed re-inspection
   (resumed, or able to resume) proposes ordering the exit again and tells the department;
   the approver orders it with `exit_reorder`. When the last scheduled re-inspection passes,
   the case is closed.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.services import audit_record
from phaseout.cases.evidence import evidence_attach
from phaseout.cases.models import (
    Acceptance,
    Case,
    CaseEvent,
    Deadline,
    Evidence,
    ExitItem,
    ExitRecord,
    Proposal,
    Reinspection,
)
from phaseout.cases.services import (
    HANDLE,
    CaseError,
    _event,
    _lock,
    case_propose,
    case_transition,
    notify,
)
from phaseout.cases.workflow import State, allowed
from phaseout.lib.evidence import evidence_error
from phaseout.registry.models import ProductionLine
from phaseout.registry.services import line_status_set

# The announcement is published on the provincial government's website (T2).
PROVINCIAL_SITE = "gd.gov.cn"
# The department that leads the work (and co-signs acceptances of any department's exits).
LEAD_DEPARTMENT = "industry"

SEALING_ITEMS = (
    ExitItem.Kind.WATER_CUT,
    ExitItem.Kind.POWER_CUT,
    ExitItem.Kind.POWER_UNITS_REMOVED,
    ExitItem.Kind.MAIN_EQUIPMENT_SEALED,
)
ITEMS_OF = {
    ExitRecord.Method.DISMANTLE: (ExitItem.Kind.MAIN_EQUIPMENT_DISMANTLED,),
    # A sealed line is dismantled later, so its record takes that measure too.
    ExitRecord.Method.SEAL: (*SEALING_ITEMS, ExitItem.Kind.MAIN_EQUIPMENT_DISMANTLED),
}
LINE_STATUS = {
    State.DISMANTLED: ProductionLine.Status.DISMANTLED,
    State.SEALED: ProductionLine.Status.SEALED,
}
EXIT_STATES = (
    State.EXIT_ORDERED,
    State.CLOSURE_ORDERED,
    State.CERTIFICATES_REVOKED,
    State.DISMANTLED,
    State.SEALED,
    State.ACCEPTED,
    State.REINSPECTION,
)


class ExitError(CaseError):
    """A step of the exit that cannot be taken; `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def _check_handler(case: Case, actor) -> None:
    if actor is None or actor.is_superuser:
        return
    if not actor.has_perm(HANDLE) or actor.department_id != case.department_id:
        raise ExitError(
            _("Only officials of %(d)s may record steps on this case.")
            % {"d": case.department.name}
        )


def _check_date(value, label: str, name: str, *, not_before: dt.date | None = None) -> None:
    if not isinstance(value, dt.date):
        raise ExitError(_("%(f)s: give a date.") % {"f": label}, name)
    if value > timezone.localdate():
        raise ExitError(
            _("%(f)s: %(d)s is in the future; give the day it happened.")
            % {"f": label, "d": value.isoformat()},
            name,
        )
    if not_before is not None and value < not_before:
        raise ExitError(
            _(
                "%(f)s: %(d)s is before the last exit measure (%(b)s); the "
                "acceptance follows the measures it accepts."
            )
            % {"f": label, "d": value.isoformat(), "b": not_before.isoformat()},
            name,
        )


def _check_text(value: str, label: str, name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ExitError(_("%(f)s: this cannot be empty.") % {"f": label}, name)
    return value


def _check_evidence(case: Case, evidence, label: str, name: str) -> Evidence:
    if evidence is None:
        raise ExitError(
            _("%(f)s: attach a dated evidence file (photo or PDF) of this case.") % {"f": label},
            name,
        )
    if evidence.case_id != case.pk:
        raise ExitError(
            _("%(f)s: the file “%(e)s” belongs to another case.")
            % {"f": label, "e": evidence.description},
            name,
        )
    return evidence


def _may_start_exit(case: Case) -> bool:
    return case.state != State.SEALED and State.DISMANTLED in allowed(case.path, case.state)


def exit_current(case: Case) -> ExitRecord | None:
    """The case's newest exit round, or None before an exit is planned."""
    return case.exits.order_by("-round").first()


def _current_or_refuse(case: Case) -> ExitRecord:
    record = exit_current(case)
    if record is None:
        raise ExitError(_("Choose the exit method first (dismantle or seal)."), "method")
    return record


@transaction.atomic
def evidence_add(*, case: Case, file, description: str, taken_on: dt.date, actor) -> Evidence:
    """Store an evidence file (photo, scan) of the case, checked for type and size.

    Raises: ExitError naming the field at fault.
    """
    locked = _lock(case, None)
    _check_handler(locked, actor)
    if file is None:
        raise ExitError(_("File: choose a file to upload."), "file")
    if (why := evidence_error(file)) is not None:
        raise ExitError(_("File: %(why)s") % {"why": why}, "file")
    description = _check_text(description, _("Description"), "description")
    _check_date(taken_on, _("Date taken"), "taken_on")
    return evidence_attach(case=locked, file=file, description=description[:200],
                           taken_on=taken_on, actor=actor)


@transaction.atomic
def exit_plan(*, case: Case, method: str, actor) -> ExitRecord:
    """Choose how the line exits; a method may be changed until the exit is completed.

    Raises: ExitError if the case is not ordered to exit or the method is not allowed.
    """
    locked = _lock(case, None)
    _check_handler(locked, actor)
    if method not in ExitRecord.Method.values:
        raise ExitError(_("Method: choose dismantle or seal."), "method")
    if not _may_start_exit(locked):
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
    _event(
        locked,
        CaseEvent.Kind.NOTE,
        actor,
        note=_("Exit method: %(m)s.") % {"m": record.get_method_display()},
        data={"exit": record.round, "method": method},
    )
    audit_record(
        actor=actor,
        action="exit.plan",
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
    locked = _lock(case, None)
    _check_handler(locked, actor)
    record = _current_or_refuse(locked)
    if not (_may_start_exit(locked) or locked.state == State.SEALED):
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
    _check_date(done_on, _("Date done"), "done_on")
    _check_evidence(locked, evidence, _("Evidence"), "evidence")
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
        action="exit.item",
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
    locked = _lock(case, None)
    _check_handler(locked, actor)
    record = _current_or_refuse(locked)
    text = _check_text(text, _("Pledge text"), "text")
    _check_date(pledged_on, _("Pledge date"), "pledged_on")
    before = {"text": record.pledge_text, "on": record.pledge_on}
    record.pledge_text, record.pledge_on = text, pledged_on
    record.save(update_fields=["pledge_text", "pledge_on"])
    audit_record(
        actor=actor,
        action="exit.pledge",
        object_type="case",
        object_id=locked.number,
        before=before,
        after={"text": text, "on": pledged_on},
    )
    return record


def _check_provincial_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ExitError(
            _("Announcement URL: give the full address of the announcement (https://…)."), "url"
        ) from exc
    host = (urlsplit(url).hostname or "").lower()
    if host != PROVINCIAL_SITE and not host.endswith("." + PROVINCIAL_SITE):
        raise ExitError(
            _(
                "Announcement URL: the announcement must be on the provincial "
                "government's website (%(site)s); %(host)s is not."
            )
            % {"site": PROVINCIAL_SITE, "host": host},
            "url",
        )
    return url


@transaction.atomic
def exit_announce(*, case: Case, text: str, announced_on: dt.date, url: str, actor) -> ExitRecord:
    """Record the announcement of the exit on the provincial website.

    Raises: ExitError naming the field at fault.
    """
    locked = _lock(case, None)
    _check_handler(locked, actor)
    record = _current_or_refuse(locked)
    text = _check_text(text, _("Announcement text"), "text")
    _check_date(announced_on, _("Announcement date"), "announced_on")
    url = _check_provincial_url(url)
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
        action="exit.announce",
        object_type="case",
        object_id=locked.number,
        before=before,
        after={"text": text, "on": announced_on, "url": url},
    )
    return record


@dataclass
class ExitCheck:
    """What completing the exit leads to, and what is still missing for it."""

    to: str
    missing: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def label(self) -> str:
        return str(State(self.to).label)


def exit_check(case: Case, record: ExitRecord) -> ExitCheck:
    """The target state of completing the exit and the measures, pledge and announcement
    still missing (a read; nothing is written)."""
    dismantling = case.state == State.SEALED or record.method == ExitRecord.Method.DISMANTLE
    check = ExitCheck(State.DISMANTLED if dismantling else State.SEALED)
    needed = (ExitItem.Kind.MAIN_EQUIPMENT_DISMANTLED,) if dismantling else SEALING_ITEMS
    done = {}
    for item in record.items.select_related("evidence"):
        done.setdefault(item.kind, item)
    for kind in needed:
        if kind in done:
            check.evidence.append(done[kind].evidence)
        else:
            check.missing.append(
                _("%(k)s (with dated evidence)") % {"k": ExitItem.Kind(kind).label}
            )
    if not dismantling:
        if not (record.pledge_text and record.pledge_on):
            check.missing.append(_("the enterprise's public pledge not to resume production"))
        if not (record.announcement_text and record.announcement_on and record.announcement_url):
            check.missing.append(_("the announcement on the provincial website"))
    return check


@transaction.atomic
def exit_complete(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """Move the case to dismantled or sealed once every measure is proven, and set the line's
    status in the registry.

    Raises: ExitError naming what is missing; CaseConflict if the case changed meanwhile.
    """
    locked = _lock(case, expected_version)
    _check_handler(locked, actor)
    record = _current_or_refuse(locked)
    if not (_may_start_exit(locked) or locked.state == State.SEALED):
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
        exit_checked=True,
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
        action="exit.complete",
        object_type="case",
        object_id=moved.number,
        after={
            "round": record.round,
            "state": check.to,
            "evidence": [e.pk for e in check.evidence],
        },
    )
    return moved


def _check_signatory(case: Case, official, label: str, name: str) -> None:
    from phaseout.cases.access import visible_cases

    if official is None:
        raise ExitError(_("%(f)s: choose the official who signed.") % {"f": label}, name)
    department = official.department.code if official.department_id else ""
    if (
        not official.is_active
        or not official.has_perm(HANDLE)
        or (official.department_id != case.department_id and department != LEAD_DEPARTMENT)
        or not visible_cases(official).filter(pk=case.pk).exists()
    ):
        raise ExitError(
            _(
                "%(f)s: %(u)s is not an active case official of %(d)s or of the "
                "industry department in this region."
            )
            % {"f": label, "u": official, "d": case.department.name},
            name,
        )


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
    locked = _lock(case, None)
    _check_handler(locked, actor)
    if locked.state not in (State.DISMANTLED, State.SEALED):
        raise ExitError(
            _("Acceptance follows the completed exit; the case is in “%(s)s”.")
            % {"s": State(locked.state).label}
        )
    exit_record = _current_or_refuse(locked)
    if locked.proposals.filter(to_state=State.ACCEPTED, decided_at__isnull=True).exists():
        raise ExitError(_("An acceptance already waits for approval."))
    _check_signatory(locked, official_1, _("First official"), "official_1")
    _check_signatory(locked, official_2, _("Second official"), "official_2")
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
    _check_date(accepted_on, _("Acceptance date"), "accepted_on", not_before=last_measure)
    record = _check_text(record, _("Acceptance record"), "record")
    _check_evidence(locked, evidence, _("Evidence"), "evidence")
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
        action="exit.acceptance",
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
    locked = _lock(case, expected_version)
    acceptance = (
        locked.acceptances.select_related("official_1", "official_2", "evidence")
        .order_by("-id")
        .first()
    )
    if acceptance is None:
        raise ExitError(_("No on-site acceptance has been recorded."))
    return case_transition(
        exit_checked=True,
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
    locked = _lock(case, expected_version)
    _check_handler(locked, actor)
    if locked.state != State.ACCEPTED:
        raise ExitError(
            _("Only an accepted exit is archived; the case is in “%(s)s”.")
            % {"s": State(locked.state).label}
        )
    record = _current_or_refuse(locked)
    note = _check_text(note, _("Archive note"), "note")
    record.archived_on, record.archive_note, record.archived_by = (
        timezone.localdate(),
        note[:500],
        actor,
    )
    record.save(update_fields=["archived_on", "archive_note", "archived_by"])
    audit_record(
        actor=actor,
        action="exit.archive",
        object_type="case",
        object_id=locked.number,
        after={"round": record.round, "archived_on": record.archived_on, "note": note},
    )
    return case_transition(
        exit_checked=True,
        case=locked,
        to=State.REINSPECTION,
        actor=actor,
        expected_version=expected_version,
        note=note,
    )


def _reinspection_deadline(case: Case) -> Deadline | None:
    return (
        case.deadlines.filter(
            kind=Deadline.Kind.REINSPECTION, met_on__isnull=True, cancelled_on__isnull=True
        )
        .order_by("due_on", "id")
        .first()
    )


@transaction.atomic
def reinspection_record(
    *, case: Case, inspected_on: dt.date, result: str, note: str, evidence: Evidence | None, actor
) -> Reinspection:
    """Record a re-inspection and mark the next re-inspection deadline met. A failed one
    proposes ordering the exit again and tells the department; after the last scheduled one
    passes, the case is closed.

    Raises: ExitError naming the field at fault.
    """
    locked = _lock(case, None)
    _check_handler(locked, actor)
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
    _check_date(inspected_on, _("Inspection date"), "inspected_on")
    failed = result == Reinspection.Result.FAILED
    if failed or evidence is not None:
        # Ordering the exit again needs the proof that the line resumed or could resume.
        _check_evidence(locked, evidence, _("Evidence"), "evidence")
    if failed:
        _check_text(note, _("Note"), "note")
    deadline = _reinspection_deadline(locked)
    if deadline is not None:
        Deadline.objects.filter(pk=deadline.pk).update(met_on=inspected_on)
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
        action="reinspection.record",
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
    elif _reinspection_deadline(locked) is None:
        _case_close(locked, actor)
    return inspection


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
        exit_checked=True,
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
    locked = _lock(case, expected_version)
    failed = (
        locked.reinspections.filter(result=Reinspection.Result.FAILED)
        .select_related("evidence")
        .order_by("-inspected_on", "-id")
        .first()
    )
    if failed is None:
        raise ExitError(_("No failed re-inspection is recorded on this case."))
    return case_transition(
        exit_checked=True,
        case=locked,
        to=State.EXIT_ORDERED,
        actor=actor,
        expected_version=expected_version,
        evidence=[failed.evidence],
        note=failed.note,
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
    """Officials who may sign the acceptance of the case: its department's and the industry
    department's, in its region (the service checks each one again)."""
    from phaseout.accounts.models import User

    return (
        User.objects.filter(
            is_active=True, enterprise__isnull=True, division__in=[case.city_id, case.county_id]
        )
        .filter(Q(department_id=case.department_id) | Q(department__code=LEAD_DEPARTMENT))
        .order_by("username")
    )


def exit_panel(*, case: Case) -> ExitPanel | None:
    """The exit panel of a case, or None when the case has nothing to do with an exit."""
    rounds = list(case.exits.prefetch_related("items__evidence", "items__recorded_by"))
    if not rounds and case.state not in EXIT_STATES:
        return None
    record = rounds[-1] if rounds else None
    under_way = _may_start_exit(case) or case.state == State.SEALED
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
        may_plan=_may_start_exit(case) and case.closed_on is None,
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
